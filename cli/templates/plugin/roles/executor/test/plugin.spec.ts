import { expect } from 'chai';
import type { Trainer } from '@coex/core';
import { createTestPipeline, fakeTrainer } from '@coex/testing';
import plugin from '../src';

describe('__PACKAGE_NAME__', () => {
  it('trains up to `concurrency` children at once and closes the trainer', async () => {
    const inner = fakeTrainer({ delayMs: 20 });
    let running = 0;
    let most = 0;
    const counting: Trainer = {
      async train(request) {
        most = Math.max(most, ++running);
        try {
          return await inner.train(request);
        } finally {
          running -= 1;
        }
      },
      close: () => inner.close(),
    };
    const { summary, trials } = await createTestPipeline({
      plugins: [[plugin, { concurrency: 3 }]],
      overrides: { trainer: counting },
      sets: ['budget.candidates=8'],
    }).execute();
    expect(summary.counts.trained).to.equal(8);
    expect(most).to.equal(3);
    expect(inner.closed).to.equal(true);
    for (const t of trials) expect(t.worker).to.match(/^__PACKAGE_NAME__@\d+$/);
  });

  it('a failing training fails that trial only', async () => {
    const { summary, trials } = await createTestPipeline({
      plugins: [plugin],
      overrides: { trainer: fakeTrainer({ failSeqs: [1] }) },
      budget: 4,
    }).execute();
    expect(summary.status).to.equal('finished');
    expect(trials.map((t) => t.status)).to.deep.equal(['done', 'failed', 'done', 'done']);
  });
});
