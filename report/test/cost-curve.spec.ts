// Hypervolume against training CPU seconds (the search-cost benchmark's curves), on hand-made runs.
import { expect } from 'chai';
import type { Metrics, Trial } from '@coex/core';
import { costToReach, hypervolumeAt, hypervolumeByCost, meanCostCurve, type HypervolumeNumbers } from '../src';

function trial(seq: number, status: Trial['status'], metrics: Metrics, trainMs: number, cpuSeconds?: number): Trial {
  return {
    seq, batch: 0, seed: seq, status, metrics, timings: { train: trainMs },
    candidate: { tokens: { arch: [seq], hw: [] }, architecture: { kind: 'test', id: seq } },
    ...(status === 'pruned' ? {} : { training: { accuracy: metrics.accuracy ?? 0, ...(cpuSeconds !== undefined ? { cpuSeconds } : {}) } }),
  };
}

// The report's scaling: accuracy 0.4-0.9 and throughput 1-40 map to [0, 1].
const hv: HypervolumeNumbers = {
  objectives: [{ metric: 'accuracy', goal: 'max' }, { metric: 'throughput', goal: 'max' }],
  reference: { accuracy: 0.4, throughput: 1 },
  ideal: { accuracy: 0.9, throughput: 40 },
  curves: {},
};

// Run 1: (0.5, 10) for 10 CPU s = 0.2*9/39; a pruned trial (free); a stopped one (4 CPU s, on no
// front); (0.7, 5) without CPU seconds, 6 s of wall time: 0.6*4/39 + 0.2*5/39 = 3.4/39.
const one = [
  trial(0, 'done', { accuracy: 0.5, throughput: 10 }, 12_000, 10),
  trial(1, 'pruned', { throughput: 50 }, 0),
  trial(2, 'stopped', { accuracy: 0.45, throughput: 30 }, 5_000, 4),
  trial(3, 'done', { accuracy: 0.7, throughput: 5 }, 6_000),
];
// Run 2: (0.6, 10) for 5 CPU s = 0.4*9/39.
const two = [trial(0, 'done', { accuracy: 0.6, throughput: 10 }, 9_000, 5)];

describe('report: hypervolume against training CPU seconds', () => {
  const curve1 = hypervolumeByCost(one, hv);
  const curve2 = hypervolumeByCost(two, hv);

  it('steps after every trained child by its CPU seconds (wall seconds without them); pruned trials cost nothing', () => {
    expect(curve1.map((p) => p.cost)).to.deep.equal([0, 10, 14, 20]);
    const scaled = curve1.map((p) => p.hypervolume * 39);
    [0, 1.8, 1.8, 3.4].forEach((x, i) => expect(scaled[i]).to.be.closeTo(x, 1e-12));
  });

  it('reads a value at a cost and the least cost that reaches a target', () => {
    expect(hypervolumeAt(curve1, 5)).to.equal(0);
    expect(hypervolumeAt(curve1, 13.9) * 39).to.be.closeTo(1.8, 1e-12);
    expect(hypervolumeAt(curve1, 1000) * 39, 'past the end: the final value').to.be.closeTo(3.4, 1e-12);
    expect(costToReach(curve1, 3 / 39)).to.equal(20);
    expect(costToReach(curve1, 1.8 / 39 - 1e-15)).to.equal(10);
    expect(costToReach(curve1, 4 / 39)).to.equal(undefined);
  });

  it('averages runs as a step function up to a cost, with a band over runs', () => {
    const mean = meanCostCurve([curve1, curve2], 15);
    expect(mean.map((p) => p.cost)).to.deep.equal([0, 5, 10, 14, 15]);
    [0, 1.8, 2.7, 2.7, 2.7].forEach((x, i) => expect(mean[i].mean * 39).to.be.closeTo(x, 1e-12));
    for (const p of mean) {
      expect(p.lo).to.be.at.most(p.mean);
      expect(p.hi).to.be.at.least(p.mean);
    }
    expect(mean[0]).to.deep.equal({ cost: 0, mean: 0, lo: 0, hi: 0 });
    expect(costToReach(mean.map((p) => ({ cost: p.cost, hypervolume: p.mean })), 2.5 / 39)).to.equal(10);
  });
});
