// A whole search on the NAS-Bench-201 sample: the space restricted to the sample's cells, accuracy
// from trainer-tabular, FPGA latency from hw-tabular, core's spec check as the latency cap.
// Regularized evolution (plugins/controller-evolution) against random search, 30 seeds x 50 queries.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { PluginEntry, Trial } from '@coex/core';
import { createTestPipeline, NB201_SAMPLE, plainCsvRows } from '@coex/testing';

const FIXTURE = NB201_SAMPLE;
const EVOLUTION = path.resolve(__dirname, '..', '..', 'controller-evolution', 'src', 'index.ts');
const SEEDS = 30;
const QUERIES = 50;

function fixtureRows() {
  return plainCsvRows(FIXTURE).map((row) => ({ cell: row.arch_str, val: Number(row.cifar10_val_12ep) / 100, latency: Number(row.fpga_latency_ms) / 1000 }));
}

async function search(controller: PluginEntry, seed: number, maxLatency: number): Promise<Trial[]> {
  const pipeline = createTestPipeline({
    plugins: [controller, ['space-nasbench201', { cellsCsv: FIXTURE }], ['trainer-tabular', { csv: FIXTURE }], ['hw-tabular', { csv: FIXTURE, powerWatts: 7 }]],
    seed,
    budget: QUERIES,
    sets: [`spec.maxLatency=${maxLatency}`],
  });
  return (await pipeline.execute()).trials;
}

describe('space-nasbench201: search on the NAS-Bench-201 sample under a latency cap', function () {
  this.timeout(60000);
  before(function () {
    if (!fs.existsSync(EVOLUTION)) this.skip(); // the evolution controller is not in this checkout
  });

  it('regularized evolution stays under the cap more, and finds the best cell at least as often, as random search', async () => {
    const rows = fixtureRows();
    // The cap a quarter of the sample meets.
    const maxLatency = [...rows.map((r) => r.latency)].sort((a, b) => a - b)[Math.floor(rows.length / 4)];
    const byCell = new Map(rows.map((r) => [r.cell, r]));
    const best = Math.max(...rows.filter((r) => r.latency <= maxLatency).map((r) => r.val));
    const tally = async (controller: PluginEntry) => {
      let hits = 0;
      let feasible = 0;
      for (let seed = 0; seed < SEEDS; seed++) {
        const trials = await search(controller, seed, maxLatency);
        expect(trials).to.have.length(QUERIES);
        for (const t of trials) {
          // Every candidate is a sample cell; what the run saw is what the table says.
          const row = byCell.get(t.candidate.architecture.cell as string)!;
          expect(t.status).to.equal(row.latency <= maxLatency ? 'done' : 'pruned');
          if (t.status === 'done') expect(t.metrics.accuracy).to.equal(row.val);
        }
        const done = trials.filter((t) => t.status === 'done');
        feasible += done.length;
        if (done.some((t) => t.metrics.accuracy === best)) hits++;
      }
      return { hits, feasible: feasible / (SEEDS * QUERIES) };
    };
    const random = await tally('controller-random');
    const evolution = await tally(EVOLUTION);
    // Measured: feasible 24% (random) vs 39% (evolution); best found in 1 vs 6 of 30 runs.
    expect(evolution.feasible).to.be.at.least(1.3 * random.feasible);
    expect(evolution.hits).to.be.at.least(random.hits);
    expect(evolution.hits).to.be.at.least(1);
  });
});
