// nb201-guided on the 505-cell NAS-Bench-201 sample: at equal queries it finds cells at least as
// good as random search, and what it prunes it prunes by prediction, saying so.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Trial } from '@coex/core';
import { Run, resolveConfig } from '@coex/core/host';

// The shared sample beside the checkout (COEX_NB201_SAMPLE overrides where it is elsewhere).
const SAMPLE = process.env.COEX_NB201_SAMPLE ?? path.resolve(__dirname, '..', '..', '..', '..', 'shared', 'data', 'nasbench201-sample', 'nb201_sample.csv');
const QUERIES = 40;

async function search(preset: string, seed: number): Promise<Trial[]> {
  const { config, plugins } = resolveConfig({
    preset,
    plugins: ['!store-sqlite'],
    seed,
    budget: 1000,
    trainedBudget: QUERIES,
    sets: [`trainer.csv=${SAMPLE}`, `hardware.csv=${SAMPLE}`, `space.cellsCsv=${SAMPLE}`],
  });
  const run = new Run({ dir: fs.mkdtempSync(path.join(os.tmpdir(), 'coex-guided-')), config, plugins });
  const trials: Trial[] = [];
  run.events$.subscribe((e) => e.type === 'trial-end' && trials.push(e.trial));
  await run.execute();
  return trials;
}

/** A run stored in SQLite in `dir`; `stopAfter` trial ends cancel it (as an interruption would). */
async function stored(dir: string, resume: boolean, stopAfter = Infinity): Promise<unknown[][]> {
  const { config, plugins } = resolveConfig({
    preset: 'nb201-guided', seed: 4, budget: 1000, trainedBudget: 45,
    sets: [`trainer.csv=${SAMPLE}`, `hardware.csv=${SAMPLE}`, `space.cellsCsv=${SAMPLE}`],
  });
  const run = new Run({ dir, config, plugins, resume });
  let ended = 0;
  run.events$.subscribe((e) => e.type === 'trial-end' && ++ended >= stopAfter && run.cancel());
  await run.execute();
  // The run's trials, those read back from the store on resume included.
  return run.trialList().map((t) => [t.seq, t.status, t.candidate.architecture.cell, t.prunedReason ?? '']);
}

const bestAccuracy = (trials: Trial[]) => Math.max(...trials.filter((t) => t.status === 'done').map((t) => t.metrics.accuracy!));

describe('preset nb201-guided on the NAS-Bench-201 sample', function () {
  this.timeout(120000);
  before(function () {
    if (!fs.existsSync(SAMPLE)) this.skip();
  });

  it('beats or equals random search at equal queries over three seeds, pruning by prediction with a reason', async () => {
    let guided = 0;
    let random = 0;
    for (const seed of [1, 2, 3]) {
      const trials = await search('nb201-guided', seed);
      const done = trials.filter((t) => t.status === 'done');
      expect(done).to.have.length(QUERIES);
      const pruned = trials.filter((t) => t.status === 'pruned');
      expect(pruned.length).to.be.greaterThan(0);
      // Every pruned candidate was pruned by the predictor: ranked out of its batch, or a repeat.
      for (const t of pruned) {
        expect(t.prunedReason).to.match(/^(predicted accuracy 0\.\d{3} ± 0\.\d{3} \(ei [^)]+\); ranked \d+ of \d+ in its batch|the same network (was trained as|is) trial \d+)/);
      }
      expect(pruned.some((t) => /^predicted accuracy/.test(t.prunedReason!))).to.equal(true);
      guided += bestAccuracy(trials);
      random += bestAccuracy(await search('nb201-random', seed));
    }
    expect(guided).to.be.at.least(random);
  });

  it('an interrupted guided run, resumed, ends with the same trials as an uninterrupted one', async () => {
    const whole = fs.mkdtempSync(path.join(os.tmpdir(), 'coex-guided-whole-'));
    const parts = fs.mkdtempSync(path.join(os.tmpdir(), 'coex-guided-parts-'));
    const uninterrupted = await stored(whole, false);
    // Mid-way through a guided batch (the first batch of 20 is unguided).
    const before = await stored(parts, false, 75);
    expect(before.length).to.be.lessThan(uninterrupted.length);
    const resumed = await stored(parts, true);
    const differs = resumed.findIndex((t, i) => JSON.stringify(t) !== JSON.stringify(uninterrupted[i]));
    expect(differs, JSON.stringify([resumed[differs], uninterrupted[differs]])).to.equal(-1);
  });
});
