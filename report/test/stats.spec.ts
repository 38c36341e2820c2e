// The report's statistics against cases computed by hand (or from printed tables).
import { expect } from 'chai';
import { bootstrapCi, cliffsDelta, hedgesG, mean, permutationFloor, permutationTest, quantile, sd, tCdf, tInterval, tQuantile } from '../src/stats';

describe('report statistics', () => {
  it('mean and sample standard deviation', () => {
    expect(mean([2, 4, 4, 4, 5, 5, 7, 9])).to.equal(5);
    // squared deviations sum to 32; 32 / 7
    expect(sd([2, 4, 4, 4, 5, 5, 7, 9])).to.be.closeTo(Math.sqrt(32 / 7), 1e-12);
    expect(sd([3])).to.be.NaN;
    expect(mean([])).to.be.NaN;
  });

  it('quantiles interpolate between order statistics (type 7)', () => {
    expect(quantile([1, 2, 3, 4], 0.5)).to.equal(2.5);
    expect(quantile([1, 2, 3, 4], 0.25)).to.equal(1.75);
    expect(quantile([10, 20], 0)).to.equal(10);
    expect(quantile([10, 20], 1)).to.equal(20);
  });

  it('Student-t quantiles match the printed table', () => {
    const table: [number, number][] = [[1, 12.7062], [2, 4.3027], [3, 3.1824], [4, 2.7764], [10, 2.2281], [30, 2.0423], [120, 1.9799]];
    for (const [df, t] of table) expect(tQuantile(0.975, df), `df ${df}`).to.be.closeTo(t, 5e-4);
    expect(tCdf(0, 5)).to.be.closeTo(0.5, 1e-12);
    // df = 1 is the Cauchy distribution: F(1) = 3/4
    expect(tCdf(1, 1)).to.be.closeTo(0.75, 1e-10);
    expect(tQuantile(0.025, 3)).to.be.closeTo(-3.1824, 5e-4);
  });

  it('t interval of the mean: [1,2,3] gives 2 ± 4.3027/√3', () => {
    const [lo, hi] = tInterval([1, 2, 3])!;
    const half = 4.302653 * 1 / Math.sqrt(3);
    expect(lo).to.be.closeTo(2 - half, 1e-4);
    expect(hi).to.be.closeTo(2 + half, 1e-4);
    expect(tInterval([1])).to.equal(undefined);
  });

  it('percentile bootstrap of a mean: [0,0,0,1] gives [0, 0.75] (Binomial(4, 1/4) / 4)', () => {
    // P(mean <= 0.5) = 0.949 and P(mean <= 0.75) = 0.996, so the 97.5% point is 0.75; P(mean = 0) = 0.316.
    const ci = bootstrapCi([[0, 0, 0, 1]], ([x]) => mean(x), { seed: 1, resamples: 4000 });
    expect(ci).to.deep.equal([0, 0.75]);
    expect(bootstrapCi([[0, 0, 0, 1]], ([x]) => mean(x), { seed: 1, resamples: 4000 })).to.deep.equal(ci);
    expect(bootstrapCi([[5]], ([x]) => mean(x), { seed: 2 })).to.deep.equal([5, 5]);
    expect(bootstrapCi([[]], ([x]) => mean(x), { seed: 2 })).to.equal(undefined);
  });

  it('bootstrap of a ratio over two groups: constant groups give the exact ratio', () => {
    const ci = bootstrapCi([[6, 6, 6], [4, 4]], ([a, b]) => mean(a) / mean(b) - 1, { seed: 3 });
    expect(ci![0]).to.be.closeTo(0.5, 1e-12);
    expect(ci![1]).to.be.closeTo(0.5, 1e-12);
  });

  it('exact permutation test: [1,2] vs [3,4] is p = 2/6, [1,2,3] vs [4,5,6] is p = 2/20', () => {
    const r = permutationTest([1, 2], [3, 4], { seed: 1 })!;
    expect(r.exact).to.equal(true);
    expect(r.draws).to.equal(6);
    expect(r.p).to.be.closeTo(1 / 3, 1e-12);
    expect(r.difference).to.equal(-2);
    expect(permutationTest([1, 2, 3], [4, 5, 6], { seed: 1 })!.p).to.be.closeTo(0.1, 1e-12);
    // [1,3] vs [2,4]: |diff| = 1; splits {1,2}:2 {1,3}:1 {1,4}:0 {2,3}:0 {2,4}:1 {3,4}:2 -> 4 of 6
    expect(permutationTest([1, 3], [2, 4], { seed: 1 })!.p).to.be.closeTo(4 / 6, 1e-12);
    expect(permutationTest([1, 1], [1, 1], { seed: 1 })!.p).to.equal(1);
  });

  it('the floor of the exact test: 2/C(n+m, n) when n = m, 1/C(n+m, n) otherwise, reached by separated samples', () => {
    expect(permutationFloor(2, 2)).to.be.closeTo(1 / 3, 1e-12);
    expect(permutationFloor(3, 3)).to.be.closeTo(0.1, 1e-12);
    expect(permutationFloor(4, 4)).to.be.closeTo(2 / 70, 1e-12);
    expect(permutationFloor(2, 3)).to.be.closeTo(0.1, 1e-12);
    expect(permutationTest([0, 0], [10, 10, 10], { seed: 1 })!.p).to.be.closeTo(permutationFloor(2, 3), 1e-12);
    expect(permutationTest([1, 2, 3, 4], [5, 6, 7, 8], { seed: 1 })!.p).to.be.closeTo(permutationFloor(4, 4), 1e-12);
  });

  it('Monte Carlo permutation test approximates the exact one and is reproducible', () => {
    const a = [1, 2, 3, 4, 5.5];
    const b = [3, 4.5, 6, 7, 8];
    const exact = permutationTest(a, b, { seed: 1 })!;
    const drawn = permutationTest(a, b, { seed: 9, maxExact: 10, draws: 20_000 })!;
    expect(drawn.exact).to.equal(false);
    expect(drawn.p).to.be.closeTo(exact.p, 0.01);
    expect(permutationTest(a, b, { seed: 9, maxExact: 10, draws: 20_000 })!.p).to.equal(drawn.p);
  });

  it("Hedges' g: [1,2,3] vs [3,4,5] is (-2 / 1) x (1 - 3/15) = -1.6; undefined without spread or with one value", () => {
    expect(hedgesG([1, 2, 3], [3, 4, 5])).to.be.closeTo(-1.6, 1e-12);
    expect(hedgesG([3, 4, 5], [1, 2, 3])).to.be.closeTo(1.6, 1e-12);
    expect(hedgesG([1, 1], [1, 1])).to.equal(undefined);
    expect(hedgesG([1], [2, 3])).to.equal(undefined);
  });

  it("Cliff's delta: [1,2,3] vs [2,3,4] is (1 - 6) / 9 over the 9 pairs; all above is 1", () => {
    // 1 is below all three; 2 ties 2 and is below 3 and 4; 3 is above 2, ties 3, below 4: 1 above, 6 below, 2 ties.
    expect(cliffsDelta([1, 2, 3], [2, 3, 4])).to.be.closeTo(-5 / 9, 1e-12);
    expect(cliffsDelta([5, 6], [1, 2, 3])).to.equal(1);
    expect(cliffsDelta([], [1])).to.equal(undefined);
  });
});
