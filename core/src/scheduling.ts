// Early stopping and multi-fidelity, the parts shared by the scheduler plugins: the resource a
// learning-curve point stands for, the history a decision may look at (final trials of earlier
// batches, as they stood when the batch started), and the successive-halving rule that ASHA and
// Hyperband both apply. Decisions depend only on stored results in trial order, never on which
// trial finished first, so a resumed run makes the same decisions again.
import type { Scheduler, StopVerdict } from './roles';
import { isFinal, type CurvePoint, type Trial } from './types';

/** What a scheduler counts as training done: epochs (fractional inside an epoch), images seen, or steps. */
export const RESOURCES = ['epochs', 'images', 'steps'] as const;
export type ResourceUnit = (typeof RESOURCES)[number];

/** Resources are compared with this slack: 3 epochs reported as 2.9999999 have reached 3. */
const EPS = 1e-9;

export function resourceOf(point: CurvePoint, unit: ResourceUnit): number {
  if (unit === 'epochs') return point.epoch;
  if (unit === 'steps') return point.step;
  if (typeof point.images !== 'number') {
    throw new Error('the trainer reports no `images` in its intermediate results: use the resource `epochs` or `steps`');
  }
  return point.images;
}

/** Accuracy at the first point that reached `resource` (undefined if the curve never got there). */
export function accuracyAt(curve: readonly CurvePoint[] | undefined, resource: number, unit: ResourceUnit): number | undefined {
  for (const point of curve ?? []) if (resourceOf(point, unit) >= resource - EPS) return point.accuracy;
  return undefined;
}

/**
 * A trial as it stood when batch `batch` started: a trial continued (promoted) in that batch or
 * later is shown as it was before, stopped, with its curve cut at the step it continued from.
 */
export function asOfBatch(trial: Trial, batch: number): Trial {
  const later = trial.promotions?.find((p) => p.batch >= batch);
  if (!later) return trial;
  return { ...trial, status: 'stopped', curve: (trial.curve ?? []).filter((p) => p.step <= later.fromStep) };
}

/** What a scheduler may look at in batch `batch`: final trials of earlier batches, in trial order. */
export function historyAt(trials: Iterable<Trial>, batch: number): Trial[] {
  return [...trials]
    .filter((t) => t.batch < batch)
    .map((t) => asOfBatch(t, batch))
    .filter((t) => isFinal(t.status))
    .sort((a, b) => a.seq - b.seq);
}

/** The default scheduler: every trial trains to the end. */
export class NeverStop implements Scheduler {
  judge(): undefined {
    return undefined;
  }
}

/**
 * The successive-halving test at a rung (as Optuna's SuccessiveHalvingPruner): `value` goes on
 * when it is among the best floor(n / eta) of the n values at the rung (its own included); while
 * there are fewer than eta values, only the best goes on. Ties go on.
 */
export function passesRung(value: number, competing: readonly number[], eta: number): boolean {
  const sorted = [...competing, value].sort((a, b) => b - a);
  const keep = Math.max(1, Math.floor(sorted.length / eta));
  return value >= sorted[keep - 1];
}

/** Rung resources of a bracket: min * eta^(bracket + k), below `max` (the top is where training ends). */
export function rungsOf(min: number, eta: number, bracket: number, max = Infinity, limit = 64): number[] {
  const rungs: number[] = [];
  for (let k = 0; k < limit; k++) {
    const r = min * eta ** (bracket + k);
    if (r >= max - EPS) break;
    rungs.push(r);
  }
  return rungs;
}

export interface SuccessiveHalvingSettings {
  name: string;
  resource: ResourceUnit;
  minResource: number;
  reductionFactor: number;
  maxResource?: number;
  /** The bracket of a trial (0: rungs start at minResource; b: at minResource * eta^b). */
  bracketOf(seq: number): number;
}

/**
 * Asynchronous successive halving over a resource, judged at each rung against the history.
 * `judge` stops a trial at the first point that reaches a rung when it is not among the best
 * 1/eta there; `promote` continues a stopped trial once enough later trials rank below it (ASHA:
 * the best floor(n / eta) of a rung go on to the next).
 */
export class SuccessiveHalving implements Scheduler {
  constructor(private readonly s: SuccessiveHalvingSettings) {}

  rungs(seq: number): number[] {
    const { minResource, reductionFactor, maxResource } = this.s;
    return rungsOf(minResource, reductionFactor, this.s.bracketOf(seq), maxResource);
  }

  judge(point: CurvePoint, trial: Trial, history: readonly Trial[]): StopVerdict | undefined {
    const unit = this.s.resource;
    const curve = trial.curve ?? [];
    const before = curve.length >= 2 ? resourceOf(curve[curve.length - 2], unit) : -Infinity;
    const now = resourceOf(point, unit);
    const bracket = this.s.bracketOf(trial.seq);
    // Judge at each rung this point is the first to reach (usually one).
    for (const [k, rung] of this.rungs(trial.seq).entries()) {
      if (!(now >= rung - EPS && before < rung - EPS)) continue;
      const competing = this.valuesAt(history, bracket, rung, trial.seq);
      if (passesRung(point.accuracy, competing, this.s.reductionFactor)) continue;
      const keep = Math.max(1, Math.floor((competing.length + 1) / this.s.reductionFactor));
      return {
        reason: `${this.s.name}: rung ${k} (${rung} ${unit}${bracket ? `, bracket ${bracket}` : ''}): accuracy ${point.accuracy.toFixed(4)} ` +
          `is not among the best ${keep} of ${competing.length + 1} trials there`,
        resource: now,
      };
    }
    return undefined;
  }

  promote(history: readonly Trial[]): number[] {
    const unit = this.s.resource;
    const promoted: number[] = [];
    for (const trial of history) {
      if (trial.status !== 'stopped' || !trial.curve?.length) continue;
      const reached = resourceOf(trial.curve[trial.curve.length - 1], unit);
      const rungs = this.rungs(trial.seq);
      // The rung it stopped at: the highest one it reached.
      const k = rungs.findLastIndex((r) => reached >= r - EPS);
      if (k < 0) continue;
      const value = accuracyAt(trial.curve, rungs[k], unit)!;
      const competing = this.valuesAt(history, this.s.bracketOf(trial.seq), rungs[k], trial.seq);
      if (competing.length + 1 >= this.s.reductionFactor && passesRung(value, competing, this.s.reductionFactor)) promoted.push(trial.seq);
    }
    return promoted;
  }

  private valuesAt(history: readonly Trial[], bracket: number, rung: number, except: number): number[] {
    const values: number[] = [];
    for (const t of history) {
      if (t.seq === except || this.s.bracketOf(t.seq) !== bracket) continue;
      const v = accuracyAt(t.curve, rung, this.s.resource);
      if (v !== undefined) values.push(v);
    }
    return values;
  }
}
