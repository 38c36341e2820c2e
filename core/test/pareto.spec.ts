import { expect } from 'chai';
import { dominates, hypervolume, paretoFront, type Objective } from '../src';

const maxMax: Objective[] = [{ metric: 'a', goal: 'max' }, { metric: 'b', goal: 'max' }];

describe('Pareto front and hypervolume', () => {
  it('finds the non-dominated points of a hand-made 2-D set', () => {
    const pts = [{ a: 1, b: 5 }, { a: 2, b: 4 }, { a: 2, b: 3 }, { a: 3, b: 1 }, { a: 0.5, b: 0.5 }, { a: 3, b: 1 }];
    // (2,3) is dominated by (2,4); (0.5,0.5) by everything; the duplicate (3,1) is kept twice.
    expect(paretoFront(pts, maxMax)).to.deep.equal([0, 1, 3, 5]);
  });

  it('honours minimised objectives and skips items missing a metric', () => {
    const objectives: Objective[] = [{ metric: 'acc', goal: 'max' }, { metric: 'latency', goal: 'min' }];
    const pts = [{ acc: 0.9, latency: 10 }, { acc: 0.8, latency: 5 }, { acc: 0.85, latency: 12 }, { acc: 0.99 }];
    expect(paretoFront(pts, objectives)).to.deep.equal([0, 1]);
  });

  it('dominates() needs strictly better in one objective', () => {
    expect(dominates([1, 1], [1, 1])).to.equal(false);
    expect(dominates([1, 2], [1, 1])).to.equal(true);
    expect(dominates([2, 0], [1, 1])).to.equal(false);
  });

  it('computes a 2-D hypervolume by hand', () => {
    // Staircase over reference (0,0): (1,3), (2,2), (3,1): area = 1*3 + 1*2 + 1*1 = 6.
    expect(hypervolume([[1, 3], [2, 2], [3, 1]], [0, 0], maxMax)).to.be.closeTo(6, 1e-12);
    // A dominated point adds nothing; a point behind the reference counts nothing.
    expect(hypervolume([[1, 3], [2, 2], [3, 1], [1, 1], [-1, 5]], [0, 0], maxMax)).to.be.closeTo(6, 1e-12);
  });

  it('computes a 3-D hypervolume by hand, with a minimised objective', () => {
    const objectives: Objective[] = [{ metric: 'x', goal: 'max' }, { metric: 'y', goal: 'max' }, { metric: 'z', goal: 'min' }];
    // Boxes from reference (0,0,10): [0,2]x[0,1]x[7,10] = 6 and [0,1]x[0,2]x[8,10] = 4, overlap [0,1]x[0,1]x[8,10] = 2 -> 8.
    expect(hypervolume([[2, 1, 7], [1, 2, 8]], [0, 0, 10], objectives)).to.be.closeTo(8, 1e-12);
  });

  it('matches inclusion-exclusion on random 3-D sets', () => {
    const objectives: Objective[] = [{ metric: 'x', goal: 'max' }, { metric: 'y', goal: 'max' }, { metric: 'z', goal: 'max' }];
    let state = 12345;
    const rand = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let trial = 0; trial < 20; trial++) {
      const pts = Array.from({ length: 5 }, () => [rand(), rand(), rand()]);
      let exact = 0;
      for (let mask = 1; mask < 1 << pts.length; mask++) {
        const subset = pts.filter((_, i) => mask & (1 << i));
        const box = [0, 1, 2].map((k) => Math.min(...subset.map((p) => p[k])));
        exact += (subset.length % 2 ? 1 : -1) * box[0] * box[1] * box[2];
      }
      expect(hypervolume(pts, [0, 0, 0], objectives)).to.be.closeTo(exact, 1e-12);
    }
  });
});
