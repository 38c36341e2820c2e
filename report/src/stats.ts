// Statistics over seeds: mean and standard deviation, Student-t intervals (the hypervolume bands),
// percentile bootstrap intervals and an exact (or Monte Carlo) permutation test (the arm
// comparisons). Every random draw comes from a seeded core Rng, so a report is reproducible.
import { Rng } from '@coex/core';

export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

/** Sample standard deviation (n - 1 in the denominator); NaN below two values. */
export function sd(xs: readonly number[]): number {
  if (xs.length < 2) return NaN;
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
}

/** Quantile of sorted values with linear interpolation between order statistics (R's type 7). */
export function quantile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

function logGamma(x: number): number {
  // Lanczos approximation (g = 7, n = 9), accurate to ~1e-15 for x > 0.
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  x -= 1;
  let a = c[0];
  const t = x + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (x + i);
  return 0.5 * Math.log(2 * Math.PI) + (x + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Regularized incomplete beta function I_x(a, b) (continued fraction, Numerical Recipes 6.4). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  if (x > (a + 1) / (a + b + 2)) return 1 - incompleteBeta(1 - x, b, a);
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let f = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let num = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + num * d;
    c = 1 + num / c;
    d = 1 / (Math.abs(d) < tiny ? tiny : d);
    c = Math.abs(c) < tiny ? tiny : c;
    f *= d * c;
    num = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + num * d;
    c = 1 + num / c;
    d = 1 / (Math.abs(d) < tiny ? tiny : d);
    c = Math.abs(c) < tiny ? tiny : c;
    const step = d * c;
    f *= step;
    if (Math.abs(step - 1) < 1e-15) break;
  }
  return (front * f) / a;
}

/** Student-t cumulative distribution function with `df` degrees of freedom. */
export function tCdf(t: number, df: number): number {
  const tail = 0.5 * incompleteBeta(df / (df + t * t), df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** Student-t quantile (by bisection on the CDF). */
export function tQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0)) return NaN;
  if (p < 0.5) return -tQuantile(1 - p, df);
  let lo = 0;
  let hi = 1;
  while (tCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (tCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** Student-t interval of the mean: mean ± t(1 - (1 - level)/2, n - 1) · sd / √n; undefined below two values. */
export function tInterval(xs: readonly number[], level = 0.95): [number, number] | undefined {
  if (xs.length < 2) return undefined;
  const half = tQuantile(1 - (1 - level) / 2, xs.length - 1) * sd(xs) / Math.sqrt(xs.length);
  const m = mean(xs);
  return [m - half, m + half];
}

export interface BootstrapOptions {
  /** Number of resamples (default 2000). */
  resamples?: number;
  /** Interval level (default 0.95). */
  level?: number;
  /** Seed of the generator the resamples are drawn with. */
  seed: number;
}

/**
 * Percentile bootstrap interval of `statistic` over independent groups: every resample draws
 * each group's values with replacement (same size as the group), then applies `statistic` to the
 * resampled groups. Resamples whose statistic is not finite are dropped.
 */
export function bootstrapCi(
  groups: readonly (readonly number[])[],
  statistic: (groups: number[][]) => number,
  options: BootstrapOptions,
): [number, number] | undefined {
  if (groups.some((g) => g.length === 0)) return undefined;
  const rng = new Rng(options.seed);
  const level = options.level ?? 0.95;
  const values: number[] = [];
  for (let r = 0; r < (options.resamples ?? 2000); r++) {
    const value = statistic(groups.map((g) => g.map(() => g[rng.int(g.length)])));
    if (Number.isFinite(value)) values.push(value);
  }
  if (values.length === 0) return undefined;
  values.sort((a, b) => a - b);
  return [quantile(values, (1 - level) / 2), quantile(values, 1 - (1 - level) / 2)];
}

export interface PermutationResult {
  /** Two-sided p-value of the difference in means. */
  p: number;
  /** mean(a) - mean(b). */
  difference: number;
  /** Exact: every split of the pooled values was enumerated; otherwise `draws` random splits. */
  exact: boolean;
  draws: number;
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return Math.round(r);
}

/**
 * The smallest p the exact two-sided permutation test can give with samples of n and m values: the
 * most extreme of the C(n+m, n) splits is the observed one alone, or with its mirror image when
 * n = m (1/C(n+m, n) for one side). With 2 seeds per arm it is 2/6 = 0.33: nothing can be significant.
 */
export function permutationFloor(n: number, m: number): number {
  if (n < 1 || m < 1) return 1;
  return (n === m ? 2 : 1) / binomial(n + m, n);
}

/**
 * Two-sided permutation test of the difference in means of two independent samples: the share of
 * the splits of the pooled values into groups of the same sizes whose |mean difference| is at
 * least the observed one. Exact when there are at most `maxExact` splits; otherwise `draws`
 * random splits (seeded) with p = (1 + hits) / (1 + draws).
 */
export function permutationTest(
  a: readonly number[],
  b: readonly number[],
  options: { seed: number; maxExact?: number; draws?: number },
): PermutationResult | undefined {
  if (a.length === 0 || b.length === 0) return undefined;
  const pooled = [...a, ...b];
  const total = pooled.reduce((s, x) => s + x, 0);
  const n = pooled.length;
  const k = a.length;
  const difference = mean(a) - mean(b);
  const diffOf = (sumA: number) => sumA / k - (total - sumA) / (n - k);
  // A relative tolerance, so that splits equal to the observed one up to rounding count as hits.
  const observed = Math.abs(difference) * (1 - 1e-9) - 1e-12;
  const splits = binomial(n, k);
  if (splits <= (options.maxExact ?? 100_000)) {
    let hits = 0;
    const visit = (start: number, left: number, sum: number) => {
      if (left === 0) {
        if (Math.abs(diffOf(sum)) >= observed) hits += 1;
        return;
      }
      for (let i = start; i <= n - left; i++) visit(i + 1, left - 1, sum + pooled[i]);
    };
    visit(0, k, 0);
    return { p: hits / splits, difference, exact: true, draws: splits };
  }
  const rng = new Rng(options.seed);
  const draws = options.draws ?? 20_000;
  let hits = 0;
  const shuffled = [...pooled];
  for (let d = 0; d < draws; d++) {
    rng.shuffle(shuffled);
    let sum = 0;
    for (let i = 0; i < k; i++) sum += shuffled[i];
    if (Math.abs(diffOf(sum)) >= observed) hits += 1;
  }
  return { p: (1 + hits) / (1 + draws), difference, exact: false, draws };
}

/**
 * Hedges' g: the difference in means over the pooled standard deviation, with the small-sample
 * correction J = 1 - 3 / (4(n_a + n_b) - 9); undefined below two values per group or with no spread.
 */
export function hedgesG(a: readonly number[], b: readonly number[]): number | undefined {
  if (a.length < 2 || b.length < 2) return undefined;
  const pooled = Math.sqrt(((a.length - 1) * sd(a) ** 2 + (b.length - 1) * sd(b) ** 2) / (a.length + b.length - 2));
  if (!(pooled > 0)) return undefined;
  return ((mean(a) - mean(b)) / pooled) * (1 - 3 / (4 * (a.length + b.length) - 9));
}

/**
 * Cliff's delta: P(a > b) - P(a < b) over every pair, in [-1, 1]; a rank effect size that needs no
 * normality and matches the permutation test's view of the data.
 */
export function cliffsDelta(a: readonly number[], b: readonly number[]): number | undefined {
  if (a.length === 0 || b.length === 0) return undefined;
  let balance = 0;
  for (const x of a) for (const y of b) balance += Math.sign(x - y);
  return balance / (a.length * b.length);
}
