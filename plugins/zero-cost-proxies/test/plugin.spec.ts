// The proxies as fast-level metrics of a whole run, and predictor-ensemble ranking by one alone.
import { expect } from 'chai';
import { createTestPipeline, fakeController, fakeDataset } from '@coex/testing';
import predictorEnsemble from '@coex/plugin-predictor-ensemble';
import zeroCostProxies from '../src/index';

describe('zero-cost-proxies in a run', function () {
  this.timeout(60000);

  it('adds synflow and naswot to every chain-CNN candidate; the guided mode trains the batch best by naswot', async () => {
    const pipeline = createTestPipeline({
      plugins: [[zeroCostProxies, { batch: 8 }], [predictorEnsemble, { keep: 1, proxy: 'naswot' }]],
      overrides: { controller: () => fakeController({ batchSize: 4 }), dataset: () => fakeDataset() },
      budget: 8,
      seed: 3,
    });
    const { trials } = await pipeline.execute();
    expect(trials).to.have.length(8);
    for (const t of trials) {
      expect(t.hardware?.synflow, `trial ${t.seq}`).to.be.a('number');
      expect(t.hardware?.naswot, `trial ${t.seq}`).to.be.a('number');
    }
    for (const batch of [0, 1]) {
      const members = trials.filter((t) => t.batch === batch);
      const kept = members.filter((t) => t.status !== 'pruned');
      expect(kept, `batch ${batch}`).to.have.length(1);
      const best = Math.max(...members.map((t) => t.hardware!.naswot as number));
      expect(kept[0].hardware!.naswot).to.equal(best);
      for (const t of members.filter((m) => m.status === 'pruned')) {
        expect(t.prunedReason).to.match(/^(naswot -?\d[\d.e+-]*; ranked \d of \d+ in its batch, the guided mode trains the best 1 \(trial \d+\); ranked by the zero-cost proxy alone|the same network)/);
      }
    }
  });
});
