import { expect } from 'chai';
import { Rng, paretoFront, type Decision, type Objective } from '@coex/core';
import {
  crowdingDistance,
  mutateExactly,
  mutatePerToken,
  nonDominatedSort,
  rankPool,
  uniformCrossover,
} from '../src';

// Mixed arity, including single-choice decisions a mutation can never change.
const decisions: Decision[] = [2, 1, 4, 3, 1, 7, 2, 5].map((n, i) => ({ name: `d${i}`, choices: Array.from({ length: n }, (_, c) => c) }));
const inChoices = (g: number[]) => g.every((t, i) => Number.isInteger(t) && t >= 0 && t < decisions[i].choices.length);
const differing = (a: number[], b: number[]) => a.filter((t, i) => t !== b[i]).length;

describe('controller-evolution: variation operators', () => {
  it('mutateExactly changes exactly `count` decisions, never a single-choice one, and stays within the choices', () => {
    const rng = new Rng(1);
    for (const count of [1, 2, 3, 6]) {
      for (let k = 0; k < 300; k++) {
        const parent = decisions.map((d) => rng.int(d.choices.length));
        const child = mutateExactly(parent, decisions, count, rng);
        expect(differing(child, parent)).to.equal(count);
        expect(inChoices(child)).to.equal(true);
        expect([child[1], child[4]]).to.deep.equal([0, 0]);
      }
    }
    expect(() => mutateExactly([0, 0, 0, 0, 0, 0, 0, 0], decisions, 7, rng)).to.throw(RangeError, /only 6 have more than one choice/);
  });

  it('mutateExactly reaches every other choice of a decision, uniformly', () => {
    const rng = new Rng(2);
    const seen = new Map<number, number>();
    for (let k = 0; k < 3000; k++) {
      const child = mutateExactly([0, 0, 0, 0, 0, 3, 0, 0], decisions, 6, rng); // all six mutable positions change
      seen.set(child[5], (seen.get(child[5]) ?? 0) + 1);
    }
    expect([...seen.keys()].sort()).to.deep.equal([0, 1, 2, 4, 5, 6]);
    for (const n of seen.values()) expect(n).to.be.within(400, 600); // 500 expected each
  });

  it('mutatePerToken: rate 1 changes every mutable token, rate 0 none; children stay within the choices', () => {
    const rng = new Rng(3);
    const parent = [1, 0, 2, 2, 0, 6, 1, 4];
    expect(differing(mutatePerToken(parent, decisions, 1, rng), parent)).to.equal(6);
    expect(mutatePerToken(parent, decisions, 0, rng)).to.deep.equal(parent);
    let changed = 0;
    for (let k = 0; k < 2000; k++) {
      const child = mutatePerToken(parent, decisions, 1 / 6, rng);
      expect(inChoices(child)).to.equal(true);
      changed += differing(child, parent);
    }
    expect(changed / 2000).to.be.within(0.9, 1.1); // one change per child expected
  });

  it('uniformCrossover takes every token from one of the parents, both about equally', () => {
    const rng = new Rng(4);
    const a = [0, 0, 0, 0, 0, 0, 0, 0];
    const b = [1, 0, 3, 2, 0, 6, 1, 4];
    let fromB = 0;
    for (let k = 0; k < 500; k++) {
      const child = uniformCrossover(a, b, rng);
      child.forEach((t, i) => expect([a[i], b[i]]).to.include(t));
      fromB += child.filter((t, i) => t === b[i] && b[i] !== a[i]).length;
    }
    expect(fromB / (500 * 6)).to.be.within(0.45, 0.55);
  });
});

describe('controller-evolution: non-dominated sorting and crowding distance', () => {
  // Maximised: fronts {0: (1,5), 1: (2,4), 3: (4,1)}, {2: (2,3), 5: (3,1)}, {4: (1,1)}.
  const points = [[1, 5], [2, 4], [2, 3], [4, 1], [1, 1], [3, 1]];

  it('sorts a hand-made set into fronts; the first front is core\'s paretoFront', () => {
    expect(nonDominatedSort(points)).to.deep.equal([[0, 1, 3], [2, 5], [4]]);
    const objectives: Objective[] = [{ metric: 'x', goal: 'max' }, { metric: 'y', goal: 'max' }];
    expect(paretoFront(points.map(([x, y]) => ({ x, y })), objectives)).to.deep.equal(nonDominatedSort(points)[0]);
  });

  it('equal points share a front', () => {
    expect(nonDominatedSort([[1, 1], [1, 1], [0, 0]])).to.deep.equal([[0, 1], [2]]);
  });

  it('crowding distance: extremes are infinite, interior points sum normalised neighbour gaps', () => {
    // x: 0,1,3,4 (range 4); y: 4,3,1,0 (range 4). Point 1: (3-0)/4 + (4-1)/4 = 1.5; point 2: (4-1)/4 + (3-0)/4 = 1.5.
    expect(crowdingDistance([[0, 4], [1, 3], [3, 1], [4, 0]])).to.deep.equal([Infinity, 1.5, 1.5, Infinity]);
    // Uneven spacing: x 0,1,2,10, y 10,5,4,0 -> point 1: 2/10 + 6/10 = 0.8; point 2: 9/10 + 5/10 = 1.4.
    const d = crowdingDistance([[0, 10], [1, 5], [2, 4], [10, 0]]);
    expect(d[1]).to.be.closeTo(0.8, 1e-12);
    expect(d[2]).to.be.closeTo(1.4, 1e-12);
    expect(crowdingDistance([[1, 1], [2, 2]])).to.deep.equal([Infinity, Infinity]);
  });

  it('rankPool ranks infeasible items behind every feasible front', () => {
    const ranked = rankPool([[1, 5], null, [2, 3], [4, 1], null, [1, 1]]);
    expect(ranked.rank).to.deep.equal([0, 2, 0, 0, 2, 1]);
    expect(ranked.crowding[1]).to.equal(0);
    // Front 0 is (1,5), (2,3), (4,1): the middle point's gaps are (4-1)/3 in x and (5-1)/4 in y.
    expect(ranked.crowding[2]).to.be.closeTo(2, 1e-12);
  });
});
