import { expect } from 'chai';
import { Rng, UserError, type Proposal } from '@coex/core';
import { RegularizedEvolution, type RegularizedOptions } from '../src';
import { continueDriving, drive, genomeOf, matching, mean, randomSearch, target, toySpace, type Outcome } from './toy';

const OPTIONS: RegularizedOptions = { batchSize: 4, population: 20, sample: 5, mutations: 1 };
const space = toySpace(10, 4, 4); // 10 architecture + 4 hardware decisions, 4 choices each
const fractionOf = (goal: number[]) => (p: Proposal): Outcome => {
  const r = matching(genomeOf(p), goal);
  return { status: 'done', reward: r, metrics: { r } };
};
const hamming = (a: number[], b: number[]) => a.filter((t, i) => t !== b[i]).length;

describe('controller-evolution: regularized evolution', () => {
  it('beats random search at equal evaluations on a known optimum, over seeds', () => {
    // Reward = fraction of decisions matching a hidden target; 200 evaluations per seed.
    const evolved: number[] = [];
    const random: number[] = [];
    for (let seed = 1; seed <= 8; seed++) {
      const goal = target(space, 100 + seed);
      const feedback = drive(new RegularizedEvolution(new Rng(seed), OPTIONS), space, 200, fractionOf(goal));
      expect(feedback).to.have.length(200);
      evolved.push(Math.max(...feedback.map((f) => f.reward)));
      random.push(Math.max(...randomSearch(space, 200, 1000 + seed).map((p) => matching(genomeOf(p), goal))));
    }
    // Measured: evolution 0.89 mean best (0.79..1.00), random 0.56 (0.50..0.64).
    expect(mean(evolved)).to.be.at.least(mean(random) + 0.2);
    evolved.forEach((e, i) => expect(e).to.be.above(random[i]));
  });

  it('the first `population` proposals are random; each later one changes exactly `mutations` decisions of a member', () => {
    const options = { ...OPTIONS, population: 8, sample: 3, mutations: 2 };
    const controller = new RegularizedEvolution(new Rng(5), options);
    controller.init(space);
    const goal = target(space, 9);
    let hardwareMutated = 0;
    for (let batch = 0, seq = 0; batch < 15; batch++) {
      const members = controller.population.map((m) => genomeOf(m.proposal));
      const proposals = controller.ask(4);
      for (const p of proposals) {
        p.arch.forEach((t, i) => expect(t).to.be.within(0, space.arch[i].choices.length - 1));
        p.hw.forEach((t, i) => expect(t).to.be.within(0, space.hw[i].choices.length - 1));
        if (seq >= options.population) {
          const parents = members.filter((m) => hamming(m, genomeOf(p)) === options.mutations);
          expect(parents, `child ${seq} is ${options.mutations} changes from a member`).to.not.be.empty;
          if (parents.every((m) => hamming(m.slice(10), p.hw) > 0)) hardwareMutated += 1;
        }
        seq += 1;
      }
      controller.tell(proposals.map((proposal, i) => ({ seq: seq - 4 + i, proposal, ...fractionOf(goal)(proposal) })));
    }
    expect(hardwareMutated, 'hardware tokens are mutated too').to.be.above(0);
  });

  it('ages: the population is the newest `population` trials, in trial order, whatever their reward', () => {
    const controller = new RegularizedEvolution(new Rng(1), { ...OPTIONS, population: 6, sample: 2 });
    let told = 0;
    // Each trial scores worse than the one before: a reward-based survival would keep the oldest.
    const feedback = drive(controller, space, 22, () => ({ status: 'done', reward: -told++, metrics: {} }));
    expect(controller.population.map((m) => m.seq)).to.deep.equal([16, 17, 18, 19, 20, 21]);
    expect(controller.population.map((m) => m.proposal)).to.deep.equal(feedback.slice(16).map((f) => f.proposal));
  });

  it('is deterministic for a seed and differs for another', () => {
    const goal = target(space, 3);
    const run = (seed: number) => drive(new RegularizedEvolution(new Rng(seed), OPTIONS), space, 60, fractionOf(goal)).map((f) => f.proposal);
    expect(run(11)).to.deep.equal(run(11));
    expect(run(11)).to.not.deep.equal(run(12));
  });

  it('saved state restores into a fresh controller that continues identically', () => {
    const goal = target(space, 4);
    const original = new RegularizedEvolution(new Rng(21), OPTIONS);
    drive(original, space, 36, fractionOf(goal)); // 9 batches: past the random first generation
    const saved = JSON.parse(JSON.stringify(original.getState()));
    const restored = new RegularizedEvolution(new Rng(999), OPTIONS); // another seed: the state must carry the generator
    restored.init(space);
    restored.setState(saved);
    const a = continueDriving(original, 40, fractionOf(goal), 36);
    const b = continueDriving(restored, 40, fractionOf(goal), 36);
    expect(b).to.deep.equal(a);
    expect(restored.getState()).to.deep.equal(original.getState());
  });

  it('restoring a random-phase state continues the random first generation', () => {
    const goal = target(space, 5);
    const original = new RegularizedEvolution(new Rng(8), OPTIONS);
    drive(original, space, 8, fractionOf(goal));
    const restored = new RegularizedEvolution(new Rng(8), OPTIONS);
    restored.init(space);
    restored.setState(JSON.parse(JSON.stringify(original.getState())));
    expect(continueDriving(restored, 40, fractionOf(goal), 8)).to.deep.equal(continueDriving(original, 40, fractionOf(goal), 8));
  });

  it('rejects a state of the other algorithm, and more mutations than mutable decisions', () => {
    const controller = new RegularizedEvolution(new Rng(1), OPTIONS);
    controller.init(space);
    expect(() => controller.setState({ algorithm: 'nsga2', rng: [1, 2, 3, 4], asked: 0, members: [] })).to.throw(/not a regularized evolution state/);
    const tooMany = new RegularizedEvolution(new Rng(1), { ...OPTIONS, mutations: 15 });
    expect(() => tooMany.init(space)).to.throw(UserError, /controller.mutations is 15, but the search space has only 14 decisions/);
  });

  it('a non-finite reward never wins a tournament', () => {
    const controller = new RegularizedEvolution(new Rng(2), { batchSize: 2, population: 2, sample: 2, mutations: 1 });
    controller.init(toySpace(3, 0, 3));
    controller.ask(2); // the random first generation
    const good = { arch: [0, 0, 0], hw: [] };
    const bad = { arch: [2, 2, 2], hw: [] };
    controller.tell([
      { seq: 0, proposal: good, status: 'done', reward: 0.1, metrics: {} },
      { seq: 1, proposal: bad, status: 'done', reward: NaN, metrics: {} },
    ]);
    // sample = population = 2 with replacement: the parent is `good` unless both draws hit `bad` (then `bad`).
    const children = Array.from({ length: 200 }, () => genomeOf(controller.ask(1)[0]));
    const fromGood = children.filter((c) => hamming(c, genomeOf(good)) === 1).length;
    expect(fromGood / 200).to.be.within(0.65, 0.85); // 3/4 expected
  });

  it('skipPruned: pruned children (e.g. pruned by a predictor) do not join the aging population', () => {
    const tell = (skipPruned: boolean) => {
      const evo = new RegularizedEvolution(new Rng(1), { ...OPTIONS, population: 3, skipPruned });
      evo.init(space);
      const proposals = evo.ask(4);
      evo.tell(proposals.map((proposal, seq) => ({ seq, proposal, status: seq % 2 ? 'pruned' : 'done', reward: seq % 2 ? 0 : 1, metrics: {} })));
      return evo.population.map((m) => m.seq);
    };
    expect(tell(true)).to.deep.equal([0, 2]);
    expect(tell(false)).to.deep.equal([1, 2, 3]);
  });
});

