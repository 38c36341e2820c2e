// The hardware spec check used by the built-in prune tap: which limit, required vs actual.
import type { HardwareMetrics, HardwareSpec, Violation } from './types';

const LIMITS: { key: keyof HardwareSpec; metric: keyof HardwareMetrics; kind: 'min' | 'max'; unit: string }[] = [
  { key: 'minThroughput', metric: 'throughput', kind: 'min', unit: 'images/s' },
  { key: 'maxLatency', metric: 'latency', kind: 'max', unit: 's' },
  { key: 'maxPower', metric: 'power', kind: 'max', unit: 'W' },
  { key: 'minEnergyEfficiency', metric: 'energyEfficiency', kind: 'min', unit: 'GOPS/W' },
];

const fmt = (x: number) => Number(x.toPrecision(4)).toString();

/** Every limit of `spec` that `metrics` violates, with the amount. Empty means the spec is met. */
export function checkSpec(metrics: HardwareMetrics, spec: HardwareSpec): Violation[] {
  const violations: Violation[] = [];
  if (metrics.feasible === false) {
    violations.push({
      limit: 'resources',
      message: `does not fit the hardware: ${(metrics.infeasible ?? ['resources exceeded']).join('; ')}`,
    });
  }
  for (const { key, metric, kind, unit } of LIMITS) {
    const required = spec[key];
    if (required === undefined) continue;
    const actual = metrics[metric] as number | undefined;
    if (actual === undefined || !Number.isFinite(actual)) {
      violations.push({ limit: key, required, message: `${key} ${fmt(required)} ${unit}: the hardware model gives no ${String(metric)}` });
      continue;
    }
    const bad = kind === 'min' ? actual < required : actual > required;
    if (bad) {
      const pct = (Math.abs(actual - required) / Math.abs(required)) * 100;
      violations.push({
        limit: key,
        required,
        actual,
        message: `${String(metric)} ${fmt(actual)} ${unit} is ${kind === 'min' ? 'below' : 'above'} ${key} ${fmt(required)} ${unit} by ${pct.toFixed(1)}%`,
      });
    }
  }
  return violations;
}
