// Rank correlations for judging predictors and proxies against trained accuracy.
import { sampleRankCorrelation } from 'simple-statistics';

/** Spearman's rho on midranks (simple-statistics). */
export function spearman(xs: readonly number[], ys: readonly number[]): number {
  return sampleRankCorrelation([...xs], [...ys]);
}

/** Kendall's tau-b (ties in either variable corrected), O(n^2): sets here are hundreds of trials. */
export function kendallTau(xs: readonly number[], ys: readonly number[]): number {
  if (xs.length !== ys.length) throw new Error(`kendallTau needs equal lengths, got ${xs.length} and ${ys.length}`);
  let concordant = 0;
  let discordant = 0;
  let tiesX = 0;
  let tiesY = 0;
  for (let i = 0; i < xs.length; i++) {
    for (let j = i + 1; j < xs.length; j++) {
      const dx = Math.sign(xs[i] - xs[j]);
      const dy = Math.sign(ys[i] - ys[j]);
      if (dx === 0 && dy === 0) continue;
      if (dx === 0) tiesX++;
      else if (dy === 0) tiesY++;
      else if (dx === dy) concordant++;
      else discordant++;
    }
  }
  const denominator = Math.sqrt((concordant + discordant + tiesX) * (concordant + discordant + tiesY));
  return denominator === 0 ? 0 : (concordant - discordant) / denominator;
}
