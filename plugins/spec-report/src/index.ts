// Accuracy-only NAS searches without the hardware spec; this plugin checks the spec afterwards.
// Every trained network's hardware metrics (from the hardware model, e.g. the FPGA pipeline in
// `tune` mode: the best design for that network) are checked against `spec` at the end of the run;
// the violations, and by how much the best networks miss, go to spec-report.json in the run's folder
// (for a run of a study, <study>/runs/<arm>/seed<s>/).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkSpec, definePlugin, z, type HardwareSpec, type Trial } from '@coex/core';

const PLUGIN_NAME = '@coex/plugin-spec-report';

export interface SpecReport {
  spec: HardwareSpec;
  trained: number;
  violating: number;
  /** For each violating trial: its accuracy, and each limit's actual/required ratio. */
  trials: { trial: number; accuracy?: number; violations: { limit: string; actual?: number; required?: number; factor?: number }[] }[];
  /** The most accurate trained network and whether it meets the spec. */
  best?: { trial: number; accuracy: number; meetsSpec: boolean; factor?: number };
}

export function buildSpecReport(trials: readonly Trial[], spec: HardwareSpec): SpecReport {
  const trained = trials.filter((t) => t.status === 'done' && t.hardware);
  const rows = trained.map((t) => ({
    trial: t.seq,
    accuracy: t.metrics.accuracy,
    violations: checkSpec(t.hardware!, spec).map((v) => ({
      limit: v.limit,
      actual: v.actual,
      required: v.required,
      // How far off: >1 means worse than required, for minimum and maximum limits alike.
      factor: v.actual && v.required ? (v.limit.startsWith('min') ? v.required / v.actual : v.actual / v.required) : undefined,
    })),
  }));
  const best = [...rows].sort((a, b) => (b.accuracy ?? -1) - (a.accuracy ?? -1))[0];
  return {
    spec,
    trained: trained.length,
    violating: rows.filter((r) => r.violations.length > 0).length,
    trials: rows.filter((r) => r.violations.length > 0),
    ...(best && typeof best.accuracy === 'number'
      ? { best: { trial: best.trial, accuracy: best.accuracy, meetsSpec: best.violations.length === 0,
          ...(best.violations.length ? { factor: Math.max(...best.violations.map((v) => v.factor ?? 1)) } : {}) } }
      : {}),
  };
}

const { version } = require('../package.json') as { version: string };

export default definePlugin({
  name: PLUGIN_NAME,
  version,
  description: 'After the run, checks trained networks against a hardware spec that was not used for pruning',
  options: z.object({
    minThroughput: z.number().positive().optional(),
    maxLatency: z.number().positive().optional(),
    maxPower: z.number().positive().optional(),
    minEnergyEfficiency: z.number().positive().optional(),
    file: z.string().default('spec-report.json'),
  }),
  apply(ctx, { file, ...spec }) {
    ctx.hooks.runEnd.tapPromise(PLUGIN_NAME, async () => {
      // From the store, so that a resumed run reports on all of its trials.
      const trials = await (await ctx.roles.get('store')).listTrials(ctx.runId);
      const report = buildSpecReport(trials, spec);
      const target = path.join(ctx.outDir, file);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, JSON.stringify(report, null, 2) + '\n');
      ctx.log(`${report.violating} of ${report.trained} trained networks violate the spec ${JSON.stringify(spec)}` +
        (report.best ? `; the most accurate (trial ${report.best.trial}) ${report.best.meetsSpec ? 'meets it' : `misses it by ${report.best.factor?.toFixed(2)}x`}` : ''));
    });
  },
});
