// The schedulers' rules against hand-computed cases: successive-halving rungs and promotions (core's rule,
// used by ASHA and Hyperband), the median stopping rule, and the history a decision may see.
import { expect } from 'chai';
import { SuccessiveHalving, asOfBatch, historyAt, passesRung, rungsOf, type CurvePoint, type Trial } from '@coex/core';
import { MedianStopping, median } from '@coex/plugin-scheduler-median';
import { bracketCycle, createHyperband } from '@coex/plugin-scheduler-hyperband';
import { createAsha } from '@coex/plugin-scheduler-asha';

/** A trial of batch `batch` whose curve has one point per epoch with these accuracies. */
function trial(seq: number, accuracies: number[], status: Trial['status'] = 'done', batch = 0): Trial {
  const curve: CurvePoint[] = accuracies.map((accuracy, i) => ({ step: (i + 1) * 10, epoch: i + 1, images: (i + 1) * 100, accuracy, loss: 1 }));
  return { seq, batch, seed: seq, status, candidate: { tokens: { arch: [], hw: [] }, architecture: { kind: 'x' } }, metrics: {}, timings: {}, curve };
}
const at = (epoch: number, accuracy: number): CurvePoint => ({ step: epoch * 10, epoch, images: epoch * 100, accuracy, loss: 1 });
/** The trial being judged: its curve so far ends with the point. */
const judging = (seq: number, accuracies: number[]) => trial(seq, accuracies, 'training', 1);

describe('schedulers: successive halving (ASHA, Hyperband)', () => {
  it('places rungs at min * eta^k below the maximum resource', () => {
    expect(rungsOf(1, 3, 0, 27)).to.deep.equal([1, 3, 9]);
    expect(rungsOf(1, 3, 1, 27)).to.deep.equal([3, 9]);
    expect(rungsOf(100, 2, 0, 800)).to.deep.equal([100, 200, 400]);
  });

  it('keeps the best floor(n / eta) at a rung, its own value included; only the best while n < eta', () => {
    // n = 4, eta = 3: floor(4/3) = 1 goes on.
    expect(passesRung(0.6, [0.5, 0.7, 0.4], 3)).to.equal(false);
    expect(passesRung(0.7, [0.5, 0.7, 0.4], 3)).to.equal(true); // a tie goes on
    // n = 6, eta = 3: the best 2 go on.
    expect(passesRung(0.6, [0.9, 0.5, 0.3, 0.2, 0.1], 3)).to.equal(true);
    expect(passesRung(0.5, [0.9, 0.6, 0.3, 0.2, 0.1], 3)).to.equal(false);
    // n = 2 < eta: only the best.
    expect(passesRung(0.4, [0.5], 3)).to.equal(false);
    expect(passesRung(0.5, [0.4], 3)).to.equal(true);
  });

  // History (batch 0): t0 reached epochs 1 and 3 with 0.5 / 0.6, t1 with 0.7 / 0.8, t2 stopped at epoch 1 with 0.4.
  const history = [trial(0, [0.5, 0.55, 0.6]), trial(1, [0.7, 0.75, 0.8]), trial(2, [0.4], 'stopped')];
  const asha = createAsha({ resource: 'epochs', minResource: 1, reductionFactor: 3, brackets: 1, maxResource: 9, promote: true });

  it('judges a trial at the first point that reaches each rung, against the rung values of earlier trials (hand-computed)', () => {
    // Rung 0 (1 epoch): values 0.5, 0.7, 0.4 and its own; n = 4 keeps 1, so it needs 0.7.
    const stop = asha.judge(at(1, 0.6), judging(3, [0.6]), history);
    expect(stop).to.deep.equal({ reason: 'ASHA: rung 0 (1 epochs): accuracy 0.6000 is not among the best 1 of 4 trials there', resource: 1 });
    expect(asha.judge(at(1, 0.7), judging(3, [0.7]), history)).to.equal(undefined);
    // Epoch 2 is no rung: never judged there.
    expect(asha.judge(at(2, 0.1), judging(3, [0.7, 0.1]), history)).to.equal(undefined);
    // Rung 1 (3 epochs): values 0.6 and 0.8 (t2 never got there) and its own; n = 3 keeps 1.
    expect(asha.judge(at(3, 0.79), judging(3, [0.7, 0.75, 0.79]), history)?.resource).to.equal(3);
    expect(asha.judge(at(3, 0.8), judging(3, [0.7, 0.75, 0.8]), history)).to.equal(undefined);
    // A point that jumps over a rung (0.5 -> 1.5 epochs) is judged at it.
    const jump = { ...judging(3, []), curve: [{ ...at(0.5, 0.3) }, { ...at(1.5, 0.3) }] };
    expect(asha.judge(at(1.5, 0.3), jump, history)?.reason).to.match(/rung 0 \(1 epochs\)/);
  });

  it('promotes a stopped trial once enough later trials rank below it at its rung (hand-computed)', () => {
    // Rung 0 now holds 6 values: 0.9 (went on), 0.8, 0.5, 0.3, 0.2, 0.1 (all stopped): floor(6/3) = 2 go on,
    // so the stopped 0.8 (seq 11) is promoted; 0.5 is not.
    const six = [trial(10, [0.9, 0.9, 0.9]), ...[0.8, 0.5, 0.3, 0.2, 0.1].map((a, i) => trial(11 + i, [a], 'stopped'))];
    expect(asha.promote(six)).to.deep.equal([11]);
    // With 5 values floor(5/3) = 1: nothing to promote.
    expect(asha.promote(six.slice(0, 5))).to.deep.equal([]);
    expect(createAsha({ resource: 'epochs', minResource: 1, reductionFactor: 3, brackets: 1, promote: false }).promote!(six)).to.deep.equal([]);
  });

  it('keeps brackets apart: trial seq goes to bracket seq mod brackets, whose rungs start at min * eta^b', () => {
    const two = createAsha({ resource: 'images', minResource: 100, reductionFactor: 3, brackets: 2, maxResource: 900, promote: true });
    expect(two.rungs(0)).to.deep.equal([100, 300]);
    expect(two.rungs(1)).to.deep.equal([300]);
    // Trial 3 (bracket 1) is not judged at 100 images, and at 300 only against bracket 1 (trial 1: 0.9).
    const others = [trial(0, [0.99, 0.99, 0.99]), trial(1, [0.5, 0.6, 0.9])];
    expect(two.judge(at(1, 0.1), judging(3, [0.1]), others)).to.equal(undefined);
    expect(two.judge(at(3, 0.85), judging(3, [0.1, 0.2, 0.85]), others)?.reason).to.match(/rung 0 \(300 images, bracket 1\).* best 1 of 2/);
  });

  it('Hyperband spreads trials over s_max + 1 brackets in its proportions', () => {
    // min 1, max 9, eta 3: s_max = 2; n = ceil(3/3 * 9) = 9, ceil(3/2 * 3) = 5, ceil(3/1 * 1) = 3.
    const cycle = bracketCycle(1, 9, 3);
    expect(cycle.filter((b) => b === 0)).to.have.length(9);
    expect(cycle.filter((b) => b === 1)).to.have.length(5);
    expect(cycle.filter((b) => b === 2)).to.have.length(3);
    const hb = createHyperband({ resource: 'epochs', minResource: 1, maxResource: 9, reductionFactor: 3 });
    expect(hb.rungs(0)).to.deep.equal([1, 3]);
    expect(hb.rungs(9)).to.deep.equal([3]);
    expect(hb.rungs(16)).to.deep.equal([]);
  });
});

describe('schedulers: the median stopping rule (hand-computed)', () => {
  // Running averages at epoch 2: A (0.5, 0.6) -> 0.55, B (0.3, 0.4) -> 0.35, C (0.7, 0.8) -> 0.75; median 0.55.
  const history = [trial(0, [0.5, 0.6, 0.7]), trial(1, [0.3, 0.4, 0.5]), trial(2, [0.7, 0.8], 'stopped')];
  const rule = new MedianStopping({ resource: 'epochs', startupTrials: 3, warmup: 0 });

  it('stops a trial whose best accuracy so far is below the median of the running averages', () => {
    expect(median([0.55, 0.35, 0.75])).to.equal(0.55);
    expect(rule.judge(at(2, 0.5), judging(5, [0.4, 0.5]), history)).to.deep.equal({
      reason: "median rule: best accuracy 0.5000 by 2 epochs is below the median 0.5500 of 3 earlier trials' running averages",
      resource: 2,
    });
    // Its best so far (0.6 at epoch 1) counts, not its last value.
    expect(rule.judge(at(2, 0.5), judging(5, [0.6, 0.5]), history)).to.equal(undefined);
  });

  it('waits for startupTrials trials at the resource, and for the warm-up', () => {
    // At epoch 3 only A and B got there: 2 < 3.
    expect(rule.judge(at(3, 0.1), judging(5, [0.1, 0.1, 0.1]), history)).to.equal(undefined);
    const warm = new MedianStopping({ resource: 'epochs', startupTrials: 3, warmup: 3 });
    expect(warm.judge(at(2, 0.1), judging(5, [0.1, 0.1]), history)).to.equal(undefined);
  });
});

describe('schedulers: the history a decision sees', () => {
  it('holds final trials of earlier batches, a trial continued in this batch or later as it was before', () => {
    const promoted = { ...trial(1, [0.6, 0.7, 0.8], 'done'), promotions: [{ batch: 3, fromStep: 10 }] };
    const trials = [trial(0, [0.5]), promoted, trial(2, [0.4], 'training', 1), trial(3, [0.9], 'done', 3)];
    expect(historyAt(trials, 1).map((t) => t.seq)).to.deep.equal([0, 1]);
    expect(asOfBatch(promoted, 3)).to.include({ status: 'stopped' });
    expect(asOfBatch(promoted, 3).curve).to.have.length(1);
    expect(asOfBatch(promoted, 4)).to.equal(promoted);
    expect(historyAt(trials, 4).map((t) => [t.seq, t.status])).to.deep.equal([[0, 'done'], [1, 'done'], [3, 'done']]);
  });
});
