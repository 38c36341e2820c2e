import { expect } from 'chai';
import { createTestPipeline, fakeHardware, fakeTrainer } from '@coex/testing';
import plugin from '../src';

describe('__PACKAGE_NAME__', () => {
  it('rewards trained children with their accuracy and the rest with the penalty', async () => {
    const { trials } = await createTestPipeline({
      plugins: [[plugin, { penalty: -0.5 }]],
      overrides: { hardware: fakeHardware({ feasible: (arch) => JSON.stringify(arch).includes('"filters":8') }), trainer: fakeTrainer({ failSeqs: [0] }) },
      budget: 12,
      seed: 4,
    }).execute();
    const statuses = new Set(trials.map((t) => t.status));
    expect([...statuses].sort()).to.deep.equal(['done', 'failed', 'pruned']);
    for (const t of trials) expect(t.reward).to.equal(t.status === 'done' ? t.metrics.accuracy : -0.5);
  });

  it('rejects a positive penalty with the option path', () => {
    expect(() => plugin({ penalty: 1 })).to.throw(/option reward.penalty/);
  });
});
