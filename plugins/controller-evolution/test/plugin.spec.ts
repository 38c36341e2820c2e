import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Rng, UserError, type Controller, type PluginContext, type Trial } from '@coex/core';
import { openStoreReadOnly, storeFileOf } from '@coex/core/host';
import { createTestPipeline, type TestPipeline, type TestPipelineOptions } from '@coex/testing';
import evolution, { Nsga2, RegularizedEvolution } from '../src';

const TINY = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'presets', 'tiny.ts');

/** The controller the plugin provides, built with a minimal context (no run needed). */
async function controllerFrom(options: Record<string, unknown>): Promise<Controller> {
  let factory: (() => Controller | Promise<Controller>) | undefined;
  const ctx = {
    config: { objectives: [{ metric: 'accuracy', goal: 'max' }] },
    rng: (label: string) => new Rng(label.length),
    provide: (_role: string, f: () => Controller) => { factory = f; },
    log: () => {},
  } as unknown as PluginContext;
  await evolution(options).apply(ctx);
  return factory!();
}

async function tinyRun(options: Record<string, unknown>, sets: string[] = []) {
  const pipeline = createTestPipeline({ preset: TINY, sets, plugins: ['!store-sqlite', ['controller-evolution', options]] });
  const { summary, trials } = await pipeline.execute();
  return { summary, trials, run: pipeline.run };
}

const genome = (t: Trial) => [...t.candidate.tokens.arch, ...t.candidate.tokens.hw];
const hamming = (a: number[], b: number[]) => a.filter((x, i) => x !== b[i]).length;

describe('controller-evolution: the plugin', () => {
  it('defaults: regularized with batches of 4; nsga2 with one generation (the population) per batch', async () => {
    const regularized = await controllerFrom({});
    expect(regularized).to.be.instanceOf(RegularizedEvolution);
    expect(regularized.batchSize).to.equal(4);
    const nsga2 = await controllerFrom({ algorithm: 'nsga2', population: 12 });
    expect(nsga2).to.be.instanceOf(Nsga2);
    expect(nsga2.batchSize).to.equal(12);
    expect((await controllerFrom({ algorithm: 'nsga2', batchSize: 5 })).batchSize).to.equal(5);
  });

  it('option errors name the option and what was wrong', () => {
    expect(() => evolution({ population: 4 }, { prefix: 'controller' })).to.throw(UserError,
      /option controller.sample: the tournament size \(5\) must not exceed the population \(4\)/);
    expect(() => evolution({ algorithm: 'nsga2', population: 4 })).to.not.throw(); // sample is regularized-only
    expect(() => evolution({ algoritm: 'nsga2' }, { prefix: 'controller' })).to.throw(UserError, /did you mean controller.algorithm/);
    expect(() => evolution({ algorithm: 'cmaes' }, { prefix: 'controller' })).to.throw(UserError, /option controller.algorithm/);
    expect(() => evolution({ objectives: [] }, { prefix: 'controller' })).to.throw(UserError, /controller.objectives: expected at least one objective/);
  });

  it('objectives accept metric names (maximised), objects, and a comma-separated --set string', () => {
    const plugin = evolution({ algorithm: 'nsga2', objectives: 'accuracy,throughput' });
    expect(plugin.options.objectives).to.deep.equal(['accuracy', 'throughput']);
    const objects = evolution({ algorithm: 'nsga2', objectives: [{ metric: 'latency', goal: 'min' }, 'accuracy'] });
    expect(objects.options.objectives).to.deep.equal([{ metric: 'latency', goal: 'min' }, 'accuracy']);
  });

  it('regularized: replaces the random controller in an engine run and finishes the budget', async () => {
    const { summary, trials, run } = await tinyRun({ population: 4, sample: 2 }, ['budget.candidates=16']);
    expect(run.roleProviders().controller).to.equal('@coex/plugin-controller-evolution');
    expect(summary.status).to.equal('finished');
    expect(summary.counts.sampled).to.equal(16);
    expect(trials.map((t) => t.batch)).to.deep.equal([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3]);
    // After the random first generation, every child is one mutation from an earlier trial.
    for (const child of trials.slice(4)) {
      expect(trials.filter((t) => t.batch < child.batch).some((t) => hamming(genome(t), genome(child)) === 1)).to.equal(true);
    }
  });

  it('nsga2: runs on the run\'s objectives with pruned trials in the mix and finishes the budget', async () => {
    const { summary, trials } = await tinyRun({ algorithm: 'nsga2', population: 4 }, ['budget.candidates=16', 'spec.minThroughput=100']);
    expect(summary.status).to.equal('finished');
    expect(summary.counts.sampled).to.equal(16);
    expect(summary.counts.pruned).to.be.above(0);
    expect(summary.counts.trained).to.be.above(0);
    expect(new Set(trials.map((t) => t.batch))).to.deep.equal(new Set([0, 1, 2, 3]));
  });

  it('the same seed gives the same engine run', async () => {
    const tokens = async () => (await tinyRun({ algorithm: 'nsga2', population: 4 })).trials.map((t) => t.candidate.tokens);
    expect(await tokens()).to.deep.equal(await tokens());
  });

  describe('resume through the SQLite store', () => {
    let tmp: string;
    before(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'coex-evolution-')); });
    after(() => fs.rmSync(tmp, { recursive: true, force: true }));

    for (const options of [{ population: 4, sample: 2 }, { algorithm: 'nsga2', population: 4 }]) {
      it(`an interrupted ${options.algorithm ?? 'regularized'} run resumed equals the uninterrupted run`, async () => {
        // The tiny preset's SQLite store, in each run's folder.
        const request = (out: string): TestPipelineOptions => ({ preset: TINY, budget: 16, seed: 5, dir: path.join(tmp, out), plugins: [['controller-evolution', options]] });
        const trialsOf = async (pipeline: TestPipeline) => {
          const store = openStoreReadOnly(storeFileOf(pipeline.config, pipeline.dir));
          const trials = await store.listTrials('main');
          await store.close();
          return trials.map((t) => ({ seq: t.seq, status: t.status, tokens: t.candidate.tokens, reward: t.reward }));
        };
        const reference = createTestPipeline(request(`ref-${options.population}-${options.algorithm}`));
        await reference.execute();

        const cut = request(`cut-${options.population}-${options.algorithm}`);
        const broken = createTestPipeline(cut);
        broken.run.events$.subscribe((e) => { if (e.type === 'trial-end' && e.trial.seq === 9) broken.run.cancel(); });
        expect((await broken.execute()).summary.status).to.equal('interrupted');
        expect((await trialsOf(broken)).length).to.be.below(16);

        const resumed = createTestPipeline({ ...cut, resume: true });
        expect((await resumed.execute()).summary.status).to.equal('finished');
        expect(await trialsOf(resumed)).to.deep.equal(await trialsOf(reference));
      });
    }
  });
});
