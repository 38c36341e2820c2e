// The median stopping rule (Golovin et al., "Google Vizier", KDD 2017) as the `scheduler` role: at
// an intermediate result, a child stops when its best accuracy so far is below the median of the
// running averages (mean accuracy up to the same resource) of the earlier trials that reached
// that resource. Earlier trials are those of earlier batches (core's history), so the decisions
// are a function of the stored results in trial order.
import { RESOURCES, definePlugin, resourceOf, z, type CurvePoint, type Scheduler, type StopVerdict, type Trial } from '@coex/core';

const PLUGIN_NAME = '@coex/plugin-scheduler-median';

export const medianOptions = z.object({
  resource: z.enum(RESOURCES).default('epochs'),
  /** Trials that must have reached a resource before the rule judges anyone there. */
  startupTrials: z.number().int().min(1).default(5),
  /** No child is stopped before this much resource (in the resource's unit). */
  warmup: z.number().min(0).default(0),
});

export type MedianOptions = z.output<typeof medianOptions>;

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export class MedianStopping implements Scheduler {
  constructor(private readonly options: MedianOptions) {}

  judge(point: CurvePoint, trial: Trial, history: readonly Trial[]): StopVerdict | undefined {
    const { resource: unit, startupTrials, warmup } = this.options;
    const at = resourceOf(point, unit);
    if (at < warmup) return undefined;
    const averages: number[] = [];
    for (const other of history) {
      const curve = other.curve ?? [];
      if (other.seq === trial.seq || !curve.some((p) => resourceOf(p, unit) >= at)) continue;
      const upTo = curve.filter((p) => resourceOf(p, unit) <= at);
      if (upTo.length) averages.push(upTo.reduce((sum, p) => sum + p.accuracy, 0) / upTo.length);
    }
    if (averages.length < startupTrials) return undefined;
    const best = Math.max(...(trial.curve ?? [point]).filter((p) => resourceOf(p, unit) <= at).map((p) => p.accuracy));
    const mid = median(averages);
    if (best >= mid) return undefined;
    return {
      reason: `median rule: best accuracy ${best.toFixed(4)} by ${Number(at.toFixed(4))} ${unit} is below the median ${mid.toFixed(4)} of ${averages.length} earlier trials' running averages`,
      resource: at,
    };
  }
}

const { version } = require('../package.json') as { version: string };

export default definePlugin({
  name: PLUGIN_NAME,
  version,
  role: 'scheduler',
  description: 'Median stopping rule: stop a child whose best accuracy so far is below the median of earlier running averages',
  options: medianOptions,
  apply(ctx, options) {
    ctx.provide('scheduler', () => new MedianStopping(options));
  },
});
