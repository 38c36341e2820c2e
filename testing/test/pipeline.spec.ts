// createTestPipeline's folder, resume and shared-store options, with the fakes and the SQLite store.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { definePlugin, type Trial } from '@coex/core';
import { MemoryStore, openStoreReadOnly } from '@coex/core/host';
import { createTestPipeline, fakeController, type TestPipelineOptions } from '../src';

/** A plugin that records the folders its context names. */
function folderProbe() {
  const seen: { dir?: string; outDir?: string } = {};
  const plugin = definePlugin({ name: 'folder-probe', version: '0.0.0', apply: (ctx) => { seen.dir = ctx.dir; seen.outDir = ctx.outDir; } })();
  return { plugin, seen };
}

const tokens = (trials: Trial[]) => trials.map((t) => [t.seq, t.candidate.tokens.arch]);

/** Runs until trial `seq` has ended, then stops the run as Ctrl-C does. */
async function interruptedAfter(seq: number, options: TestPipelineOptions) {
  const pipeline = createTestPipeline(options);
  pipeline.run.events$.subscribe((e) => { if (e.type === 'trial-end' && e.trial.seq === seq) pipeline.run.cancel(); });
  const { summary } = await pipeline.execute();
  expect(summary.status).to.equal('interrupted');
  return summary;
}

describe('@coex/testing: createTestPipeline folders and resume', () => {
  let tmp: string;
  beforeEach(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'coex-testing-')); });
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('dir and outDir reach the plugins (resolved from cwd); outDir defaults to dir', async () => {
    const given = folderProbe();
    const pipeline = createTestPipeline({ plugins: [given.plugin], cwd: tmp, dir: 'run', outDir: 'runs/arm/seed1', budget: 1 });
    await pipeline.execute();
    expect(given.seen).to.deep.equal({ dir: path.join(tmp, 'run'), outDir: path.join(tmp, 'runs', 'arm', 'seed1') });
    expect(pipeline.dir).to.equal(path.join(tmp, 'run'));
    const defaulted = folderProbe();
    await createTestPipeline({ plugins: [defaulted.plugin], dir: tmp, budget: 1 }).execute();
    expect(defaulted.seen).to.deep.equal({ dir: tmp, outDir: tmp });
  });

  it('the temporary folder is removed after the run when nothing was written to it', async () => {
    const pipeline = createTestPipeline({ budget: 2 });
    expect(fs.existsSync(pipeline.dir)).to.equal(true);
    await pipeline.execute();
    expect(fs.existsSync(pipeline.dir)).to.equal(false);
  });

  it('resume continues the run stored in dir (SQLite): the same trials as an uninterrupted run, each once', async () => {
    const options = (dir: string): TestPipelineOptions => ({ plugins: ['store-sqlite'], overrides: { controller: fakeController({ seed: 4 }) }, dir, budget: 12, seed: 3 });
    const whole = await createTestPipeline(options(path.join(tmp, 'whole'))).execute();
    const cut = path.join(tmp, 'cut');
    await interruptedAfter(5, options(cut));
    const resumed = createTestPipeline({ ...options(cut), resume: true });
    const { summary, trials } = await resumed.execute();
    expect(summary.status).to.equal('finished');
    expect(trials.length).to.be.above(0).and.below(12); // only what ended in this pipeline
    expect(tokens(resumed.run.trialList())).to.deep.equal(tokens(whole.trials));
    const store = openStoreReadOnly(path.join(cut, 'coex.db'));
    try {
      expect(tokens(await store.listTrials('main'))).to.deep.equal(tokens(whole.trials));
    } finally {
      await store.close();
    }
  });

  it('one store given to two pipelines as overrides.store: the second resumes the first', async () => {
    const store = new MemoryStore();
    const first = await createTestPipeline({ overrides: { store, controller: fakeController({ seed: 4 }) }, budget: 8 }).execute();
    expect(first.trials.map((t) => t.seq)).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7]);
    const second = await createTestPipeline({ overrides: { store, controller: fakeController({ seed: 4 }) }, budget: 12, resume: true }).execute();
    // The controller's state was restored after batch 1: the run goes on at trial 8.
    expect(second.trials.map((t) => t.seq)).to.deep.equal([8, 9, 10, 11]);
    const whole = await createTestPipeline({ overrides: { controller: fakeController({ seed: 4 }) }, budget: 12 }).execute();
    expect(tokens([...first.trials, ...second.trials])).to.deep.equal(tokens(whole.trials));
    // Without resume, a store that holds a run is refused rather than overwritten.
    const again = createTestPipeline({ overrides: { store, controller: fakeController({ seed: 4 }) }, budget: 12 });
    expect(await again.execute().then(() => 'ran', (e: Error) => e.message)).to.match(/already holds a run "main"/);
  });

  it('resume without dir or overrides.store is refused: nothing would be stored to continue', () => {
    expect(() => createTestPipeline({ resume: true })).to.throw(/resume continues a stored run: give the earlier pipeline's dir, or its store as overrides.store/);
  });
});
