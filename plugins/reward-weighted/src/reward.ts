// The weighted normalised reward (PAPER.md, "Reward"): R = alpha*norm(accuracy) +
// (1 - alpha)*norm(efficiency), each term mapped linearly (or log-linearly) from its bounds onto
// [-1, 1] and clamped; pruned and failed trials get the penalty.
import { UserError, type HardwareSpec, type RewardFunction, type Trial } from '@coex/core';

export type Bounds = readonly [number, number];
export type Goal = 'max' | 'min';
export type Scale = 'linear' | 'log';

/**
 * `value` mapped onto [-1, 1]: the bound that is best for `goal` (hi for 'max', lo for 'min')
 * maps to 1, the other to -1; values outside the bounds are clamped.
 */
export function normalize(value: number, [lo, hi]: Bounds, goal: Goal = 'max', scale: Scale = 'linear'): number {
  const t = scale === 'log'
    ? (value > 0 ? (Math.log(value) - Math.log(lo)) / (Math.log(hi) - Math.log(lo)) : -Infinity)
    : (value - lo) / (hi - lo);
  const n = (goal === 'max' ? 1 : -1) * (2 * t - 1);
  return Math.min(1, Math.max(-1, n));
}

/** Metrics a hardware spec limits, with the limit's key: they give default efficiency bounds. */
const SPEC_LIMITS: Record<string, { key: keyof HardwareSpec; goal: Goal }> = {
  throughput: { key: 'minThroughput', goal: 'max' },
  energyEfficiency: { key: 'minEnergyEfficiency', goal: 'max' },
  latency: { key: 'maxLatency', goal: 'min' },
  power: { key: 'maxPower', goal: 'min' },
};

/** How far beyond the spec's limit the derived bounds reach (one order of magnitude). */
export const DERIVED_SPAN = 10;

/** latency and power are minimised; every other efficiency metric is maximised. */
export function defaultGoal(metric: string): Goal {
  return SPEC_LIMITS[metric]?.goal ?? 'max';
}

/**
 * Bounds derived from the spec's limit on `metric`: [limit, 10*limit] for a minimum (throughput,
 * energy efficiency), [limit/10, limit] for a maximum (latency, power). Every candidate that
 * survives pruning meets the limit, so the limit is the natural worst end.
 */
export function boundsFromSpec(metric: string, spec: HardwareSpec): Bounds | undefined {
  const limit = SPEC_LIMITS[metric];
  const value = limit && spec[limit.key];
  if (value === undefined) return undefined;
  return limit.goal === 'max' ? [value, value * DERIVED_SPAN] : [value / DERIVED_SPAN, value];
}

export interface WeightedRewardSettings {
  mode: 'weighted' | 'hardware';
  alpha: number;
  accuracyBounds: Bounds;
  efficiency: string;
  efficiencyGoal: Goal;
  /** Undefined when neither given nor derivable: only accuracy-only trials can then be scored. */
  efficiencyBounds?: Bounds;
  efficiencyScale: Scale;
  penalty: number;
}

export class WeightedReward implements RewardFunction {
  constructor(readonly settings: WeightedRewardSettings) {}

  compute(trial: Trial): number {
    const s = this.settings;
    if (trial.status === 'pruned' || trial.status === 'failed') return s.penalty;
    if (s.mode === 'hardware') return this.efficiencyTerm(trial, this.efficiencyOf(trial));
    const accuracy = trial.metrics.accuracy;
    // A child a scheduler stopped early is scored on its last intermediate accuracy (docs/early-stopping.md).
    const trained = trial.status === 'done' || trial.status === 'stopped';
    if (!trained || typeof accuracy !== 'number' || !Number.isFinite(accuracy)) return s.penalty;
    const accuracyTerm = normalize(accuracy, s.accuracyBounds);
    const efficiency = this.efficiencyOf(trial);
    // Accuracy-only NAS: no hardware in the loop, so the reward is the accuracy term alone.
    if (efficiency === undefined && !trial.hardware) return accuracyTerm;
    return s.alpha * accuracyTerm + (1 - s.alpha) * this.efficiencyTerm(trial, efficiency);
  }

  private efficiencyOf(trial: Trial): number | undefined {
    const value = trial.metrics[this.settings.efficiency] ?? trial.hardware?.[this.settings.efficiency];
    return typeof value === 'number' && !Number.isNaN(value) ? value : undefined;
  }

  private efficiencyTerm(trial: Trial, value: number | undefined): number {
    const { efficiency, efficiencyBounds, efficiencyGoal, efficiencyScale } = this.settings;
    if (value === undefined) {
      const known = numericKeys(trial.metrics, trial.hardware);
      throw new UserError(
        `reward.efficiency "${efficiency}" is not among trial ${trial.seq}'s metrics (${known.join(', ') || 'none'})` +
          (trial.hardware ? '; choose one of them' : `; reward.mode=${this.settings.mode} needs a hardware model in the run`),
      );
    }
    if (!efficiencyBounds) throw new UserError(missingBoundsMessage(efficiency));
    return normalize(value, efficiencyBounds, efficiencyGoal, efficiencyScale);
  }
}

function numericKeys(...records: (object | undefined)[]): string[] {
  const keys = records.flatMap((r) => Object.entries(r ?? {}).filter(([, v]) => typeof v === 'number').map(([k]) => k));
  return [...new Set(keys)];
}

export function missingBoundsMessage(metric: string): string {
  const limit = SPEC_LIMITS[metric];
  return (
    `option reward.efficiencyBounds is needed to normalise ${metric}: give [lo, hi] in ${metric}'s units ` +
    `(e.g. --set reward.efficiencyBounds=[100,10000])` +
    (limit ? ` or set spec.${limit.key} to derive them from` : '')
  );
}
