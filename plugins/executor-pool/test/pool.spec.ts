import { expect } from 'chai';
import * as path from 'node:path';
import type { PluginEntry } from '@coex/core';
import { summarizeTrials } from '@coex/core/host';
import { createTestPipeline } from '@coex/testing';

const TINY = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'presets', 'tiny.ts');

async function run(sets: string[], pool = true, outDir?: string) {
  // Every role is a plugin loaded by name (no inline fake): worker threads load the trainer again.
  const pipeline = createTestPipeline({
    preset: TINY,
    sets,
    plugins: ['!store-sqlite', ...(pool ? [['executor-pool', { workers: 2 }] as PluginEntry] : [])],
    dir: path.dirname(TINY),
    outDir,
  });
  return { ...(await pipeline.execute()), config: pipeline.config };
}

describe('executor-pool', function () {
  this.timeout(120_000);

  it('trains in two worker threads and reproduces the in-process run exactly', async () => {
    const pooled = await run(['trainer.delayMs=20']);
    const inProcess = await run(['trainer.delayMs=20'], false);
    expect(pooled.summary.counts).to.deep.equal({ sampled: 12, pruned: 0, trained: 12, failed: 0, stopped: 0 });
    expect(new Set(pooled.trials.map((t) => t.worker))).to.deep.equal(new Set(['thread-1', 'thread-2']));
    const front = (r: typeof pooled) => summarizeTrials(r.trials, r.config.objectives).pareto;
    expect(front(pooled)).to.deep.equal(front(inProcess));
  });

  it("worker threads give the trainer the run's own folder (a study run's runs/<arm>/seed<s>)", async () => {
    const outDir = path.join(path.dirname(TINY), 'runs', 'arm', 'seed1');
    const { trials } = await run(['trainer.reportOutDir=true'], true, outDir);
    expect(new Set(trials.map((t) => t.worker)).size).to.equal(2);
    expect(new Set(trials.map((t) => t.training?.outDir))).to.deep.equal(new Set([outDir]));
  });

  it('a crashed, out-of-memory or stuck worker fails its trial with the reason; the others go on', async () => {
    const { summary, trials } = await run([
      'trainer.exitSeqs=[1]',
      'trainer.oomSeqs=[4]',
      'trainer.hangSeqs=[6]',
      'trainer.nanSeqs=[9]',
      'executor.timeLimit=3',
      'executor.maxMemoryMB=64',
    ]);
    expect(summary.status).to.equal('finished');
    expect(summary.counts).to.deep.equal({ sampled: 12, pruned: 0, trained: 8, failed: 4, stopped: 0 });
    expect(trials[1].error).to.match(/exited unexpectedly with code 3/);
    expect(trials[4].error).to.match(/ran out of memory \(limit 64 MB\)/);
    expect(trials[6].error).to.match(/exceeded the time limit of 3 s/);
    expect(trials[9].error).to.match(/NaN loss/);
    // Replaced workers get new names; the run used more threads than its two slots.
    const threads = new Set(trials.filter((t) => t.status === 'done').map((t) => t.worker));
    expect(threads.size).to.be.at.least(2);
  });
});
