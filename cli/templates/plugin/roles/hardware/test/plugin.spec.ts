import { expect } from 'chai';
import { chainCnn } from '@coex/kit-chain-cnn';
import { createTestPipeline } from '@coex/testing';
import plugin from '../src';

const input = { height: 8, width: 8, channels: 1 };

describe('__PACKAGE_NAME__', () => {
  it('gives the latency MACs / PEs / clock', async () => {
    const hardware = await createTestPipeline({ plugins: [plugin] }).role('hardware');
    const arch = chainCnn([[3, 16, 1]], input, 4);
    const design = await hardware.propose(arch, [1], {});
    expect(design).to.deep.equal({ model: 'pe-array', pes: 128 });
    const macs = 8 * 8 * 3 * 3 * 1 * 16 + 8 * 8 * 16 * 4;
    expect(hardware.evaluate(arch, design).latency).to.be.closeTo(Math.ceil(macs / 128) / 200e6, 1e-15);
  });

  it('prunes designs the device cannot hold and networks below the throughput spec', async () => {
    const { trials } = await createTestPipeline({ plugins: [plugin], budget: 16, seed: 2, sets: ['spec.minThroughput=300000'] }).execute();
    const pruned = trials.filter((t) => t.status === 'pruned');
    expect(pruned.length).to.be.greaterThan(0);
    for (const t of pruned) {
      const tooBig = Number(t.candidate.design?.pes) > 256;
      const tooSlow = (t.metrics.throughput ?? 0) < 300000;
      expect(tooBig || tooSlow, JSON.stringify(t.violations)).to.equal(true);
    }
    for (const t of trials.filter((x) => x.status === 'done')) {
      expect(Number(t.candidate.design?.pes)).to.be.at.most(256);
      expect(t.metrics.throughput).to.be.at.least(300000);
    }
  });
});
