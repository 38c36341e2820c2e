import { expect } from 'chai';
import { Rng, hypervolume, type Feedback, type Objective, type Proposal } from '@coex/core';
import { Nsga2, type Nsga2Options } from '../src';
import { continueDriving, drive, genomeOf, matching, mean, randomSearch, target, toySpace, type Outcome } from './toy';

// Two conflicting objectives over 12 decisions of 5 choices: match target A (max), and the
// mismatch with target B (min), where A and B differ in every decision. One decision value is
// "pruned" (no metrics), as the spec check would do.
const space = toySpace(12, 0, 5);
const objectives: Objective[] = [{ metric: 'matchA', goal: 'max' }, { metric: 'mismatchB', goal: 'min' }];
const OPTIONS: Nsga2Options = { batchSize: 20, population: 20, objectives, crossoverRate: 0.9 };

function problem(seed: number) {
  const a = target(space, 200 + seed);
  const shift = 1 + new Rng(seed).int(4);
  const b = a.map((t) => (t + shift) % 5);
  const pruned = [0, 1, 2, 3, 4].find((v) => v !== a[0] && v !== b[0]) as number;
  return (p: Proposal): Outcome => {
    const g = genomeOf(p);
    if (g[0] === pruned) return { status: 'pruned', reward: -1, metrics: {} };
    return { status: 'done', reward: 0, metrics: { matchA: matching(g, a), mismatchB: 1 - matching(g, b) } };
  };
}

const pointsOf = (outcomes: Outcome[]) =>
  outcomes.filter((o) => o.status === 'done').map((o) => [o.metrics.matchA as number, o.metrics.mismatchB as number]);
const done = (seq: number, arch: number[], matchA: number, mismatchB: number): Feedback => ({
  seq, proposal: { arch, hw: [] }, status: 'done', reward: 0, metrics: { matchA, mismatchB },
});
const pruned = (seq: number, arch: number[]): Feedback => ({ seq, proposal: { arch, hw: [] }, status: 'pruned', reward: -1, metrics: {} });

describe('controller-evolution: NSGA-II', () => {
  it('beats random search in hypervolume at equal evaluations, over 10 seeds', () => {
    const reference = [0, 1]; // worst matchA, worst mismatchB
    const evolved: number[] = [];
    const random: number[] = [];
    for (let seed = 1; seed <= 10; seed++) {
      const evaluate = problem(seed);
      const feedback = drive(new Nsga2(new Rng(seed), OPTIONS), space, 400, evaluate);
      expect(feedback).to.have.length(400);
      evolved.push(hypervolume(pointsOf(feedback), reference, objectives));
      random.push(hypervolume(pointsOf(randomSearch(space, 400, 3000 + seed).map(evaluate)), reference, objectives));
    }
    // The true front has hypervolume 13/24 = 0.54. Measured: NSGA-II 0.43 mean (0.40..0.45), random 0.22 (0.19..0.24).
    expect(mean(evolved)).to.be.at.least(mean(random) + 0.15);
    evolved.forEach((e, i) => expect(e).to.be.above(random[i]));
  });

  it('keeps the best `population` by rank and crowding; infeasible trials only fill what is left', () => {
    const controller = new Nsga2(new Rng(1), { ...OPTIONS, population: 4 });
    controller.init(toySpace(3, 0, 5));
    controller.ask(4);
    controller.tell([
      done(0, [0, 0, 0], 0.2, 0.2),
      pruned(1, [1, 1, 1]),
      done(2, [2, 2, 2], 0.1, 0.5), // dominated by trial 0
      pruned(3, [3, 3, 3]),
    ]);
    // Two feasible, then the newer infeasible trial before the older one.
    expect(controller.parents.map((m) => m.seq)).to.deep.equal([0, 2, 3, 1]);
    controller.ask(4);
    controller.tell([
      done(4, [4, 4, 4], 0.9, 0.9), // front 0 with trial 0 (extreme in both)
      done(5, [0, 1, 2], 0.5, 0.5), // front 0, interior
      pruned(6, [2, 1, 0]),
      done(7, [1, 2, 3], 0.05, 0.6), // dominated by 0 and 2
    ]);
    // Front 0 = {0, 4, 5}, front 1 = {2}; trials 7 and every pruned one are dropped.
    expect(controller.parents.map((m) => m.seq).sort()).to.deep.equal([0, 2, 4, 5]);
    expect(controller.parents.every((m) => m.values !== null)).to.equal(true);
  });

  it('a trained trial without an objective metric is infeasible, and the log says so once', () => {
    const messages: string[] = [];
    const controller = new Nsga2(new Rng(1), { ...OPTIONS, population: 3 }, (m) => messages.push(m));
    controller.init(toySpace(3, 0, 5));
    controller.ask(3);
    const noB = (seq: number): Feedback => ({ seq, proposal: { arch: [seq, 0, 0], hw: [] }, status: 'done', reward: 0, metrics: { matchA: 0.9 } });
    controller.tell([noB(0), done(1, [1, 1, 1], 0.1, 0.9), noB(2)]);
    expect(controller.parents.map((m) => m.values)).to.deep.equal([[0.1, 0.9], null, null]);
    expect(messages).to.have.length(1);
    expect(messages[0]).to.match(/objective "mismatchB" is missing from trial 0 \(metrics: matchA\)/);
  });

  it('children come from tournaments of the parents: crossover and mutation stay within the choices', () => {
    const small = toySpace(4, 2, 3);
    const controller = new Nsga2(new Rng(3), { ...OPTIONS, population: 6, batchSize: 6 });
    const feedback = drive(controller, small, 60, (p) => ({ status: 'done', reward: 0, metrics: { matchA: p.arch[0], mismatchB: p.hw[0] } }));
    for (const f of feedback) {
      expect(f.proposal.arch).to.have.length(4);
      expect(f.proposal.hw).to.have.length(2);
      genomeOf(f.proposal).forEach((t) => expect(t).to.be.oneOf([0, 1, 2]));
    }
    expect(controller.mutationRate).to.be.closeTo(1 / 6, 1e-12);
    // Maximise arch[0], minimise hw[0]: the parents converge on the single best corner.
    expect(controller.parents.filter((m) => m.proposal.arch[0] === 2 && m.proposal.hw[0] === 0).length).to.be.at.least(3);
  });

  it('is deterministic for a seed and differs for another', () => {
    const evaluate = problem(1);
    const run = (seed: number) => drive(new Nsga2(new Rng(seed), OPTIONS), space, 100, evaluate).map((f) => f.proposal);
    expect(run(5)).to.deep.equal(run(5));
    expect(run(5)).to.not.deep.equal(run(6));
  });

  it('saved state restores into a fresh controller that continues identically', () => {
    const evaluate = problem(2);
    const original = new Nsga2(new Rng(31), { ...OPTIONS, batchSize: 8 });
    drive(original, space, 48, evaluate);
    const restored = new Nsga2(new Rng(777), { ...OPTIONS, batchSize: 8 });
    restored.init(space);
    restored.setState(JSON.parse(JSON.stringify(original.getState())));
    const a = continueDriving(original, 80, evaluate, 48);
    const b = continueDriving(restored, 80, evaluate, 48);
    expect(b).to.deep.equal(a);
    expect(restored.getState()).to.deep.equal(original.getState());
  });
});
