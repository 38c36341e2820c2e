import { expect } from 'chai';
import { UserError } from '@coex/core';
import { chainCnn } from '@coex/kit-chain-cnn';
import { createTestPipeline } from '@coex/testing';
import plugin, { SizeTrainer } from '../src';

const input = { height: 8, width: 8, channels: 1 };

describe('__PACKAGE_NAME__', () => {
  it('trains every candidate of a run (the other roles are fakes)', async () => {
    const { summary, trials } = await createTestPipeline({ plugins: [plugin], budget: 6, seed: 3 }).execute();
    expect(summary.counts).to.deep.equal({ sampled: 6, pruned: 0, trained: 6, stopped: 0, failed: 0 });
    for (const t of trials) {
      expect(t.training?.backend).to.equal('__PACKAGE_NAME__');
      expect(t.metrics.accuracy).to.be.within(0, 1);
    }
  });

  it('gives a bigger network a higher accuracy', async () => {
    const trainer = new SizeTrainer({ scale: 5000, floor: 0.1, ceiling: 0.9, noise: 0 });
    const small = await trainer.train({ seq: 0, seed: 1, architecture: chainCnn([[3, 8, 1]], input, 4) });
    const big = await trainer.train({ seq: 1, seed: 1, architecture: chainCnn([[3, 64, 1], [3, 64, 1]], input, 4) });
    expect(big.accuracy).to.be.greaterThan(small.accuracy);
  });

  it('is reproducible from the run seed', async () => {
    const accuracies = async (seed: number) =>
      (await createTestPipeline({ plugins: [plugin], budget: 4, seed }).execute()).trials.map((t) => t.metrics.accuracy);
    expect(await accuracies(5)).to.deep.equal(await accuracies(5));
    expect(await accuracies(5)).to.not.deep.equal(await accuracies(6));
  });

  it('takes its options by the trainer prefix and rejects bad ones', async () => {
    const trainer = await createTestPipeline({ plugins: [plugin], sets: ['trainer.noise=0', 'trainer.ceiling=0.5'] }).role('trainer');
    const result = await trainer.train({ seq: 0, seed: 1, architecture: chainCnn([[7, 64, 1], [7, 64, 1]], input, 4) });
    expect(result.accuracy).to.be.at.most(0.5);
    expect(() => plugin({ floor: 2 })).to.throw(UserError, /option trainer.floor/);
    let error: unknown;
    await createTestPipeline({ plugins: [[plugin, { floor: 0.8, ceiling: 0.5 }]] }).role('trainer').catch((e) => (error = e));
    expect(String(error)).to.match(/trainer.floor \(0.8\) must be below trainer.ceiling \(0.5\)/);
  });
});
