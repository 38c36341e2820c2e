// Hypervolume against what a search spent (training CPU seconds unless told otherwise), scaled as
// in the report: the curves of the search-cost benchmark
// (plugins/scheduler-asha/bench/search-cost-hypervolume.bench.ts). A curve is a step function:
// the hypervolume of the front of the trained children so far, in trial order, against the cost
// summed over them.
import type { Trial } from '@coex/core';
import { trainingCpuSeconds } from '@coex/core/host';
import { hypervolumeSteps, objectiveScale, type HypervolumeNumbers } from './analysis';
import { mean, tInterval } from './stats';

export interface CostPoint {
  /** Cost spent so far (CPU seconds by default). */
  cost: number;
  hypervolume: number;
}

export interface MeanCostPoint {
  cost: number;
  mean: number;
  /** 95% Student-t interval of the mean over runs, clipped to [0, 1]; equal to the mean with one run. */
  lo: number;
  hi: number;
}

/** One run's curve, from (0, 0): a point after every trained child (done, failed or stopped; pruned ones cost nothing). */
export function hypervolumeByCost(trials: readonly Trial[], hv: HypervolumeNumbers, cost: (t: Trial) => number = trainingCpuSeconds): CostPoint[] {
  let spent = 0;
  const steps = hypervolumeSteps(trials, objectiveScale(hv), hv.objectives.length);
  return [{ cost: 0, hypervolume: 0 }, ...steps.map((s) => ({ cost: (spent += cost(s.trial)), hypervolume: s.hypervolume }))];
}

/** What the run had reached once `cost` was spent; past its end, its final value. */
export function hypervolumeAt(curve: readonly CostPoint[], cost: number): number {
  let value = 0;
  for (const p of curve) {
    if (p.cost > cost) break;
    value = p.hypervolume;
  }
  return value;
}

/** The least cost at which the curve reaches `target`; undefined when it never does. */
export function costToReach(curve: readonly { cost: number; hypervolume: number }[], target: number): number | undefined {
  return curve.find((p) => p.hypervolume >= target)?.cost;
}

/**
 * The mean of several runs' curves up to `upTo` (each run past its end keeps its final value): a
 * step function with a point wherever one of the runs steps, and at `upTo`.
 */
export function meanCostCurve(curves: readonly (readonly CostPoint[])[], upTo: number): MeanCostPoint[] {
  const costs = [...new Set([0, ...curves.flatMap((c) => c.map((p) => p.cost)).filter((x) => x <= upTo), upTo])].sort((a, b) => a - b);
  return costs.map((cost) => {
    const values = curves.map((c) => hypervolumeAt(c, cost));
    const m = mean(values);
    const band = tInterval(values) ?? [m, m];
    return { cost, mean: m, lo: Math.max(0, band[0]), hi: Math.min(1, band[1]) };
  });
}
