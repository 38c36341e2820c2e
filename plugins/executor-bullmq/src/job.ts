// What travels through Redis: one job per trial to train, carrying the run's trainer and dataset
// configuration (never the executor's options, so never a Redis password), and one outcome.
import { createHash } from 'node:crypto';
import { TRAINING_ROLES, type Architecture, type CurvePoint, type ResolvedConfig, type TrainingResult } from '@coex/core';

export const JOB_NAME = 'train';
/** Bumped when the job or outcome shape changes; a worker refuses jobs of another protocol. */
export const PROTOCOL = 2;
export const DEFAULT_QUEUE = 'coex';

export interface TrainingJobData {
  protocol: number;
  runId: string;
  /** The run's folder on the search machine; a worker that sees the same path uses it. */
  dir: string;
  /** The run's own folder for plugin files (`PluginContext.outDir`), inside `dir` for a run of a study. */
  outDir?: string;
  /** The run's resolved configuration restricted to its trainer and dataset plugins. */
  config: ResolvedConfig;
  request: { seq: number; seed: number; architecture: Architecture; checkpointDir?: string; resumeFrom?: string };
  /** Send intermediate results back as job progress and wait for each verdict (a scheduler listens). */
  reports?: boolean;
}

/** Job progress carrying one intermediate result: the n-th point of this job. */
export interface ReportProgress {
  n: number;
  point: CurvePoint;
}

/** Where the search leaves its verdict on the n-th point of a job ('1' stop, '0' go on), for the worker to read. */
export function verdictKey(jobId: string, n: number): string {
  return `coex:verdict:${jobId}:${n}`;
}

/**
 * A trainer failure (a NaN loss, an exception) is a result, returned as `ok: false`, so BullMQ
 * does not retry it; only infrastructure problems make the job itself fail.
 */
export type TrainingOutcome =
  | { ok: true; result: TrainingResult; worker: string }
  | { ok: false; error: string; worker: string };

export function isOutcome(value: unknown): value is TrainingOutcome {
  const v = value as { ok?: unknown; result?: unknown; error?: unknown } | null;
  return !!v && typeof v === 'object' && (v.ok === true ? !!v.result && typeof v.result === 'object' : v.ok === false && typeof v.error === 'string');
}

export function trainingConfig(config: ResolvedConfig): ResolvedConfig {
  return { ...config, plugins: config.plugins.filter((p) => (TRAINING_ROLES as readonly string[]).includes(p.role ?? '')) };
}

/** JSON with sorted keys, so equal configurations hash equally whatever their key order. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function hashOf(value: unknown, length = 16): string {
  return createHash('sha256').update(stableJson(value)).digest('hex').slice(0, length);
}

/**
 * Names a run's jobs: the run id plus a hash of its folder and training configuration, so two
 * runs never share a job, and the same run (resumed) finds its earlier jobs again. BullMQ rejects
 * ':' in job ids, and ids that look like integers.
 */
export function runKey(runId: string, dir: string, config: ResolvedConfig): string {
  return `${runId.replace(/[^A-Za-z0-9_.-]/g, '_')}-${hashOf({ runId, dir, config }, 12)}`;
}

export function jobIdOf(key: string, seq: number): string {
  return `${key}-${seq}`;
}
