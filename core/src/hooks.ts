// Hooks: *extend* a stage. All hooks live in one frozen object created per run; plugins tap them,
// never add or replace them. Each hook's kind is part of its contract (see docs/architecture.md).
import {
  AsyncSeriesBailHook,
  AsyncSeriesHook,
  AsyncSeriesWaterfallHook,
  SyncHook,
} from 'tapable';

/** tapable's registered tap: name, kind of function (`sync`, `async`, `promise`) and the function. */
interface RegisteredTap {
  name: string;
  type: 'sync' | 'async' | 'promise';
  fn: (...args: unknown[]) => unknown;
}
import { PluginError } from './errors';
import type { DecisionSpace, Feedback, StopVerdict } from './roles';
import type { Candidate, CurvePoint, HardwareDesign, HardwareMetrics, Trial, TrainingResult, Violation } from './types';

/** Identifies the trial a stage hook is working on. */
export interface TrialContext {
  runId: string;
  seq: number;
  batch: number;
  seed: number;
}

/** The fast level's output for one candidate: the hardware design and its analytic metrics. */
export interface HardwareEvaluation {
  design?: HardwareDesign;
  metrics?: HardwareMetrics;
}

/** A prune tap's answer: a reason (and the violated limits) drops the candidate before training. */
export interface PruneVerdict {
  reason: string;
  violations?: Violation[];
}

export interface RunInfo {
  runId: string;
  dir: string;
  seed: number;
  resumed: boolean;
  decisions: DecisionSpace;
}

export interface RunCounts {
  sampled: number;
  pruned: number;
  trained: number;
  failed: number;
  /** Trials a scheduler stopped early (status `stopped`). */
  stopped?: number;
}

export interface RunSummary {
  runId: string;
  status: 'finished' | 'interrupted' | 'failed';
  counts: RunCounts;
  seconds: number;
}

export interface UpdateInfo {
  batch: number;
  feedback: Feedback[];
}

export function createHooks() {
  return Object.freeze({
    /** Series: once, after roles are bound and before the first sample. */
    runStart: new AsyncSeriesHook<[RunInfo]>(['run']),
    /** Sync: a trial's proposal has been received (observe only). */
    trialStart: new SyncHook<[TrialContext]>(['trial']),
    /** Waterfall: each tap may return a changed candidate (e.g. repair or canonicalise it). */
    sample: new AsyncSeriesWaterfallHook<[Candidate, TrialContext]>(['candidate', 'trial']),
    /** Waterfall: taps may re-tune the design or add metrics to the hardware model's evaluation. */
    fastEvaluate: new AsyncSeriesWaterfallHook<[HardwareEvaluation, Candidate, TrialContext]>([
      'evaluation',
      'candidate',
      'trial',
    ]),
    /** Bail: the first tap that returns a verdict prunes the candidate (it is never trained). */
    prune: new AsyncSeriesBailHook<[Candidate, HardwareEvaluation, TrialContext], PruneVerdict | undefined>([
      'candidate',
      'evaluation',
      'trial',
    ]),
    /** Bail: the first tap that returns a result replaces training (cache, table lookup). */
    train: new AsyncSeriesBailHook<[Candidate, TrialContext], TrainingResult | undefined>(['candidate', 'trial']),
    /**
     * Bail: an intermediate result of a training trial (the trial's `curve` already ends with it).
     * The first tap that returns a verdict stops the trial; core's own tap (stage 0) asks the
     * scheduler role. Runs in the main process, also when the executor trains elsewhere.
     */
    report: new AsyncSeriesBailHook<[CurvePoint, Trial, TrialContext], StopVerdict | undefined>(['point', 'trial', 'context']),
    /** Waterfall: taps adjust the reward role's value for this trial. */
    reward: new AsyncSeriesWaterfallHook<[number, Trial, TrialContext]>(['reward', 'trial', 'context']),
    /** Series: the trial is final and stored. */
    trialEnd: new AsyncSeriesHook<[Trial, TrialContext]>(['trial', 'context']),
    /** Series: the controller has been told a batch of results. */
    controllerUpdate: new AsyncSeriesHook<[UpdateInfo]>(['update']),
    /** Series: once, after the last trial (also on interruption). */
    runEnd: new AsyncSeriesHook<[RunSummary]>(['summary']),
  });
}

export type CoexHooks = ReturnType<typeof createHooks>;
export type HookName = keyof CoexHooks;
export const HOOK_NAMES = Object.keys(createHooks()) as HookName[];

/** Per plugin, per hook: number of calls and milliseconds spent. */
export type PluginTimings = Record<string, Record<string, { calls: number; ms: number }>>;

function trialOf(args: unknown[]): number | undefined {
  for (const arg of args) {
    if (arg && typeof arg === 'object' && typeof (arg as { seq?: unknown }).seq === 'number') {
      return (arg as { seq: number }).seq;
    }
  }
  return undefined;
}

/**
 * One interceptor per hook wraps every tap: errors are re-thrown as PluginError naming the
 * plugin (the tap's name), the hook and the trial; time spent is added to `timings`.
 */
export function instrumentHooks(hooks: CoexHooks, timings: PluginTimings): void {
  for (const name of HOOK_NAMES) {
    const hook = hooks[name] as unknown as { intercept(i: { register(t: RegisteredTap): RegisteredTap }): void };
    hook.intercept({ register: (tap) => wrapTap(name, tap, timings) });
  }
}

/** Name of core's own taps (the spec check on `prune`, the scheduler on `report`). */
export const CORE_TAP = 'coex:core';

function wrapTap(hook: string, tap: RegisteredTap, timings: PluginTimings): RegisteredTap {
  const original = tap.fn;
  const plugin = tap.name;
  const record = (t0: number) => {
    const perPlugin = (timings[plugin] ??= {});
    const entry = (perPlugin[hook] ??= { calls: 0, ms: 0 });
    entry.calls += 1;
    entry.ms += performance.now() - t0;
  };
  // Core's own taps are not a plugin: their errors (and the role errors they carry) pass unchanged.
  const fail = (args: unknown[], error: unknown) =>
    error instanceof PluginError || plugin === CORE_TAP ? error : new PluginError(plugin, hook, trialOf(args), error, 'hook');
  let fn: (...args: unknown[]) => unknown;
  if (tap.type === 'promise') {
    fn = async (...args) => {
      const t0 = performance.now();
      try {
        return await original(...args);
      } catch (error) {
        throw fail(args, error);
      } finally {
        record(t0);
      }
    };
  } else if (tap.type === 'async') {
    fn = (...args) => {
      const t0 = performance.now();
      const callback = args.pop() as (err?: unknown, result?: unknown) => void;
      try {
        original(...args, (err?: unknown, result?: unknown) => {
          record(t0);
          callback(err ? fail(args, err) : err, result);
        });
      } catch (error) {
        record(t0);
        callback(fail(args, error));
      }
    };
  } else {
    fn = (...args) => {
      const t0 = performance.now();
      try {
        return original(...args);
      } catch (error) {
        throw fail(args, error);
      } finally {
        record(t0);
      }
    };
  }
  return { ...tap, fn };
}
