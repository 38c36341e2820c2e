import { expect } from 'chai';
import { MlpEnsemble, OnlinePredictor, decideBatch, kendallTau, spearman } from '../src/index';

const OPTIONS = { hidden: [8], epochs: 60, learningRate: 0.02, weightDecay: 1e-4, members: 4, minUncertainty: 0.002, refitGrowth: 1, refitFrom: 1 };
// Three one-hot "ops": accuracy is 0.6 + 0.1 x op (a rule the ensemble can learn).
const example = (op: number) => [0, 1, 2].map((k) => (k === op ? 1 : 0));
const accuracyOf = (op: number) => 0.6 + 0.1 * op;

function predictorWith(seed: number, ops: number[]) {
  const p = new OnlinePredictor(seed, OPTIONS);
  ops.forEach((op, seq) => p.add({ seq, features: example(op), accuracy: accuracyOf(op), metrics: { accuracy: accuracyOf(op), latency: 1 + op } }));
  return p;
}

describe('predictor-ensemble: the predictor', () => {
  it('is a function of the seed: the same seed predicts the same, another seed differently', () => {
    const ops = [0, 1, 2, 0, 1, 2, 2, 1];
    const a = predictorWith(5, ops).predict(example(1));
    const b = predictorWith(5, ops).predict(example(1));
    const c = predictorWith(6, ops).predict(example(1));
    expect(a).to.deep.equal(b);
    expect(c.mean).to.not.equal(a.mean);
    // And it learned the rule, with a spread across members.
    expect(a.mean).to.be.closeTo(0.7, 0.05);
    expect(a.sd).to.be.greaterThan(0);
  });

  it('ensemble members disagree more far from the data than on it', () => {
    const xs = [[0], [0.1], [0.2], [0.3]];
    const ensemble = new MlpEnsemble(xs, [0.5, 0.52, 0.54, 0.56], 5, (k) => 100 + k, { hidden: [16], epochs: 200, learningRate: 0.01, weightDecay: 0 });
    expect(ensemble.predict([10]).sd).to.be.greaterThan(ensemble.predict([0.15]).sd);
  });

  it('the prune reason names the predicted accuracy ± its uncertainty and the dominating trial', () => {
    const predictor = predictorWith(1, [0, 1, 2, 0, 1, 2, 2, 1, 0, 2]);
    // A candidate like op 0 (predicted ~0.6) but slower than trial 2 (op 2: accuracy 0.8, latency 3).
    const verdicts = decideBatch(
      [{ seq: 10, batch: 9, features: example(0), metrics: { latency: 5 }, key: 'a' }],
      predictor,
      new Map(),
      { minTrained: 5, prune: true, confidence: 0.9, acquisition: 'ei', kappa: 1, objectives: [{ metric: 'accuracy', goal: 'max' }, { metric: 'latency', goal: 'min' }], accuracyMetric: 'accuracy' },
    );
    const reason = verdicts.get(10)?.reason ?? '';
    expect(reason).to.match(/^predicted accuracy 0\.(5|6)\d\d ± 0\.\d\d\d; dominated by trial 2 \(accuracy 0\.800, latency 3\.00 ≤ 5\.00\)/);
    expect(reason).to.contain('hardware metrics exact');
  });

  it('prunes nothing before the minimum of trained trials, and nothing that could join the front', () => {
    const options = { minTrained: 11, prune: true, confidence: 0.9, acquisition: 'ei' as const, kappa: 1, objectives: [{ metric: 'accuracy', goal: 'max' as const }, { metric: 'latency', goal: 'min' as const }], accuracyMetric: 'accuracy' };
    const predictor = predictorWith(1, [0, 1, 2, 0, 1, 2, 2, 1, 0, 2]);
    const item = { seq: 10, batch: 9, features: example(0), metrics: { latency: 5 }, key: 'a' };
    expect(decideBatch([item], predictor, new Map(), options).get(10)).to.equal(undefined);
    // Faster than every trained trial: nothing dominates it, whatever its accuracy.
    expect(decideBatch([{ ...item, metrics: { latency: 0.5 } }], predictor, new Map(), { ...options, minTrained: 5 }).get(10)).to.equal(undefined);
  });

  it('guided mode keeps the predicted best of a batch and says why the others were pruned', () => {
    const predictor = predictorWith(1, [0, 1, 2, 0, 1, 2, 2, 1, 0, 2]);
    const items = [0, 2, 1].map((op, i) => ({ seq: 20 + i, batch: 9, features: example(op), metrics: {}, key: `k${i}` }));
    const verdicts = decideBatch(items, predictor, new Map([['k2', 4]]), {
      minTrained: 5, prune: false, confidence: 0.9, keep: 1, acquisition: 'mean', kappa: 1, objectives: [{ metric: 'accuracy', goal: 'max' }], accuracyMetric: 'accuracy',
    });
    expect(verdicts.get(21)).to.equal(undefined); // op 2: the best
    expect(verdicts.get(20)?.reason).to.match(/^predicted accuracy 0\.\d{3} ± 0\.\d{3} \(mean 0\.\d+\); ranked 2 of 2 in its batch, the guided mode trains the best 1 \(trial 21\)/);
    expect(verdicts.get(22)?.reason).to.equal('the same network was trained as trial 4');
  });

  it('rank correlations: Kendall tau-b and Spearman on hand-computed cases', () => {
    expect(kendallTau([1, 2, 3, 4], [1, 2, 3, 4])).to.equal(1);
    expect(kendallTau([1, 2, 3, 4], [4, 3, 2, 1])).to.equal(-1);
    // Pairs: (1,2) c, (1,3) c, (2,3) d -> (2 - 1) / 3.
    expect(kendallTau([1, 2, 3], [1, 3, 2])).to.be.closeTo(1 / 3, 1e-12);
    expect(spearman([1, 2, 3], [1, 3, 2])).to.be.closeTo(0.5, 1e-12);
  });
});
