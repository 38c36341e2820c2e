// Summaries of stored trials: counts, the Pareto front, the best trial, the no-feasible message,
// and flat rows for export. Shared by `coex show`, `coex export` and the reports.
import { paretoFront } from './pareto';
import type { RunCounts } from './hooks';
import type { Objective, Trial } from './types';
import { countTrials } from './run';

export interface ParetoEntry {
  trial: number;
  candidate: Trial['candidate'];
  metrics: Trial['metrics'];
  reward: number | undefined;
  seed: number;
  status: Trial['status'];
}

export interface RunResults {
  counts: RunCounts;
  objectives: Objective[];
  pareto: ParetoEntry[];
  best?: ParetoEntry & { accuracy: number; testAccuracy?: number };
  /**
   * Where the trained trials' accuracies come from, when any is not a stand-alone training's:
   * 'supernet' (every one is a supernet score, `training.source`), or 'mixed' (some are).
   */
  accuracySource?: 'supernet' | 'mixed';
}

/** 'supernet' when every trained trial's accuracy is a supernet score, 'mixed' when some are. */
export function accuracySource(done: readonly Trial[]): RunResults['accuracySource'] {
  const scored = done.filter((t) => t.training?.source === 'supernet').length;
  return scored === 0 ? undefined : scored === done.length ? 'supernet' : 'mixed';
}

const entry = (t: Trial): ParetoEntry => ({
  trial: t.seq,
  candidate: t.candidate,
  metrics: t.metrics,
  reward: t.reward,
  seed: t.seed,
  status: t.status,
});

/** Trained trials on the front of `objectives` (by trial order), and the most accurate trial. */
export function summarizeTrials(trials: readonly Trial[], objectives: readonly Objective[]): RunResults {
  const done = trials.filter((t) => t.status === 'done').sort((a, b) => a.seq - b.seq);
  const front = paretoFront(done, objectives, (t, metric) => t.metrics[metric]);
  const source = accuracySource(done);
  let best: Trial | undefined;
  for (const t of done) if (best === undefined || (t.metrics.accuracy ?? -Infinity) > (best.metrics.accuracy ?? -Infinity)) best = t;
  return {
    counts: countTrials(trials.filter((t) => t.status !== 'training' && t.status !== 'pending')),
    objectives: [...objectives],
    pareto: front.map((i) => entry(done[i])),
    ...(best && typeof best.metrics.accuracy === 'number'
      ? {
          best: {
            ...entry(best),
            accuracy: best.metrics.accuracy,
            ...(typeof best.metrics.testAccuracy === 'number' ? { testAccuracy: best.metrics.testAccuracy } : {}),
          },
        }
      : {}),
    ...(source ? { accuracySource: source } : {}),
  };
}

/** When every candidate was pruned: which limits pruned how many, and the closest miss of each. */
export function prunedExplanation(trials: readonly Trial[]): string {
  const byLimit = new Map<string, { count: number; closest?: { actual: number; required: number } }>();
  for (const t of trials) {
    const violations: { limit: string; actual?: number; required?: number }[] = t.violations ?? [{ limit: 'other' }];
    for (const v of violations) {
      const e = byLimit.get(v.limit) ?? { count: 0 };
      e.count += 1;
      if (typeof v.actual === 'number' && typeof v.required === 'number') {
        const gap = Math.abs(v.actual - v.required) / Math.abs(v.required);
        const prev = e.closest ? Math.abs(e.closest.actual - e.closest.required) / Math.abs(e.closest.required) : Infinity;
        if (gap < prev) e.closest = { actual: v.actual, required: v.required };
      }
      byLimit.set(v.limit, e);
    }
  }
  const parts = [...byLimit.entries()].map(([limit, e]) =>
    `${limit}: ${e.count}${e.closest ? ` (closest: ${Number(e.closest.actual.toPrecision(4))} vs required ${e.closest.required})` : ''}`);
  return `every candidate (${trials.length}) was pruned by the hardware spec; violations by limit: ${parts.join(', ')}. Relax the spec (spec.*) or widen the hardware space.`;
}

/** Flat rows (one per trial) for CSV/JSON export. */
export function trialRows(trials: readonly Trial[], runId?: string): Record<string, unknown>[] {
  return trials.map((t) => ({
    ...(runId ? { run: runId } : {}),
    trial: t.seq,
    batch: t.batch,
    status: t.status,
    seed: t.seed,
    reward: t.reward,
    ...Object.fromEntries(Object.entries(t.metrics).map(([k, v]) => [k, v])),
    architecture: JSON.stringify(t.candidate.architecture),
    design: t.candidate.design ? JSON.stringify(t.candidate.design) : undefined,
    tokens: JSON.stringify(t.candidate.tokens),
    prunedReason: t.prunedReason,
    stoppedReason: t.stoppedReason,
    resource: t.resource,
    promotedIn: t.promotions?.map((p) => p.batch),
    error: t.error,
    backend: t.training?.backend,
    // Numeric training results beyond the metrics (query counts, simulated seconds, ...).
    ...Object.fromEntries(Object.entries(t.training ?? {}).filter(([k, v]) => typeof v === 'number' && !(k in t.metrics)).map(([k, v]) => [`training.${k}`, v])),
    trainSeconds: t.training?.seconds,
    worker: t.worker,
    startedAt: t.startedAt,
    finishedAt: t.finishedAt,
    curve: t.curve,
  }));
}

/** Learning curves as flat rows, one per point (the CSV export's second file). */
export function curveRows(trials: readonly Trial[], runId?: string): Record<string, unknown>[] {
  return trials.flatMap((t) =>
    (t.curve ?? []).map((p) => ({ ...(runId ? { run: runId } : {}), trial: t.seq, step: p.step, epoch: p.epoch, images: p.images, accuracy: p.accuracy, loss: p.loss })),
  );
}

/** Where the CSV export writes the learning curves: `trials.csv` -> `trials.curves.csv`. */
export function curvesFileOf(out: string): string {
  return `${out.replace(/\.csv$/i, '')}.curves.csv`;
}

export function toCsv(rows: readonly Record<string, unknown>[]): string {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown) => {
    if (v === undefined || v === null) return '';
    const s = String(v);
    return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\n') + '\n';
}
