// One run: the search loop over a plugin host (host.ts: the plugins, the roles, the hooks).
// The loop is an RxJS pipeline per batch: the controller proposes a batch, the fast level
// (decode, sample hook, hardware model, fastEvaluate hook, prune hook) runs on every proposal,
// survivors are trained through the executor with bounded concurrency, every trial is stored the
// moment it is final, and the controller is told the batch in trial order (so a seed reproduces
// the run whatever order training finishes in).
import { setMaxListeners } from 'node:events';
import * as path from 'node:path';
import { Subject, defer, from, lastValueFrom, mergeMap, toArray } from 'rxjs';
import { PluginError, UserError, messageOf } from './errors';
import type { CoexEvent } from './events';
import { CORE_TAP, type CoexHooks, type HardwareEvaluation, type PluginTimings, type RunCounts, type RunSummary, type TrialContext } from './hooks';
import { PluginHost, type HostOptions } from './plugin-host';
import type { RoleResolver } from './plugin';
import { deriveSeed } from './random';
import type { DecisionSpace, Feedback, RoleName, RoleTypes, RunRecord, StopVerdict } from './roles';
import { historyAt } from './scheduling';
import type { ResolvedConfig } from './config-settings';
import { checkSpec } from './spec';
import { isFinal, type Budget, type Candidate, type CurvePoint, type Metrics, type Proposal, type Trial } from './types';
import { CORE_VERSION, STORE_SCHEMA_VERSION } from './version';

/** Where the run stands; `trained` counts children trained to the end, `stopped` those a scheduler stopped. */
export function countTrials(trials: Iterable<Trial>): RunCounts {
  const counts: RunCounts = { sampled: 0, pruned: 0, trained: 0, failed: 0, stopped: 0 };
  for (const t of trials) {
    counts.sampled += 1;
    if (t.status === 'pruned') counts.pruned += 1;
    else if (t.status === 'done') counts.trained += 1;
    else if (t.status === 'failed') counts.failed += 1;
    else if (t.status === 'stopped') counts.stopped! += 1;
  }
  return counts;
}

/** Children that count against `budget.trained`: trained to the end, stopped early, or failed. */
export const childrenTrained = (c: RunCounts): number => c.trained + c.failed + (c.stopped ?? 0);

/** A trial's training CPU seconds: its trainer's `cpuSeconds`, else its train-stage wall seconds. */
export const trainingCpuSeconds = (t: Trial): number => t.training?.cpuSeconds ?? (t.timings.train ?? 0) / 1000;

/**
 * Training spent so far, over every trial: seconds in the train stage, CPU seconds (the trainer's
 * `cpuSeconds`, else the trial's train-stage seconds) and images seen (from learning curves).
 */
export function trainingSpent(trials: Iterable<Trial>): { seconds: number; cpuSeconds: number; images: number } {
  let seconds = 0;
  let cpuSeconds = 0;
  let images = 0;
  for (const t of trials) {
    seconds += (t.timings.train ?? 0) / 1000;
    cpuSeconds += trainingCpuSeconds(t);
    images += t.curve?.at(-1)?.images ?? t.training?.images ?? 0;
  }
  return { seconds, cpuSeconds, images };
}

/** Which budget (if any) ends the run now; `undefined` while a new batch may start. */
export function budgetSpent(budget: Budget, trials: Iterable<Trial>, seq: number, elapsed: number): string | undefined {
  const list = [...trials];
  const counts = countTrials(list);
  const spent = trainingSpent(list);
  if (seq >= budget.candidates) return 'candidates';
  if (budget.trained !== undefined && childrenTrained(counts) >= budget.trained) return 'trained';
  if (budget.timeLimit !== undefined && elapsed >= budget.timeLimit) return 'timeLimit';
  if (budget.trainSeconds !== undefined && spent.seconds >= budget.trainSeconds) return 'trainSeconds';
  if (budget.trainCpuSeconds !== undefined && spent.cpuSeconds >= budget.trainCpuSeconds) return 'trainCpuSeconds';
  if (budget.images !== undefined && spent.images >= budget.images) return 'images';
  return undefined;
}

export interface RunOptions extends HostOptions {
  resume?: boolean;
}

/** The search loop over a plugin host: budgets, batches, the stages, the store's records. */
export class Run {
  /** The plugins, the roles and the hooks of this run. */
  readonly host: PluginHost;
  private readonly events = new Subject<CoexEvent>();
  /** Typed public event stream. */
  readonly events$ = this.events.asObservable();
  private readonly abort = new AbortController();
  private readonly trials = new Map<number, Trial>();
  private tapped = false;

  constructor(private readonly options: RunOptions) {
    // Every trial in flight listens for cancellation on the one signal.
    setMaxListeners(0, this.abort.signal);
    this.host = new PluginHost(options);
  }

  get runId(): string {
    return this.host.runId;
  }

  get hooks(): CoexHooks {
    return this.host.hooks;
  }

  get pluginTimings(): PluginTimings {
    return this.host.pluginTimings;
  }

  get resolver(): RoleResolver {
    return this.host.resolver;
  }

  get config(): ResolvedConfig {
    return this.options.config;
  }

  /** The run's trials so far (stored ones of a resumed run included), in trial order. */
  trialList(): Trial[] {
    return [...this.trials.values()].sort((a, b) => a.seq - b.seq);
  }

  /** Stops the run: no new trial starts; trials in flight are abandoned and re-run on resume. */
  cancel(): void {
    this.abort.abort();
  }

  get cancelled(): boolean {
    return this.abort.signal.aborted;
  }

  /** Applies the host's plugins, then core's own taps: the scheduler on `report`, the spec check on `prune`. */
  async applyPlugins(): Promise<void> {
    await this.host.applyPlugins();
    if (this.tapped) return;
    this.tapped = true;
    this.hooks.report.tapPromise({ name: CORE_TAP, stage: 0 }, async (point, trial, ctx) => {
      if (!this.hasScheduler) return undefined;
      const scheduler = await this.role('scheduler');
      return this.callRole('scheduler', 'judge', trial.seq, () => scheduler.judge(point, trial, historyAt(this.trials.values(), ctx.batch)));
    });
    this.hooks.prune.tapPromise({ name: CORE_TAP, stage: 0 }, async (_candidate, evaluation) => {
      if (!evaluation.metrics) return undefined;
      const violations = checkSpec(evaluation.metrics, this.config.spec);
      return violations.length ? { reason: violations.map((v) => v.message).join('; '), violations } : undefined;
    });
  }

  /** The host's preflight (see `PluginHost.preflight`), with core's taps applied. */
  async preflight(): Promise<void> {
    await this.applyPlugins();
    await this.host.preflight();
  }

  /** True when a plugin fills the scheduler role (the default never stops and promotes nothing). */
  private get hasScheduler(): boolean {
    return this.host.filledByPlugin('scheduler');
  }

  /** Which plugin fills each role. */
  roleProviders(): Partial<Record<RoleName, string>> {
    return this.host.roleProviders();
  }

  private emit(event: CoexEvent): void {
    this.events.next(event);
  }

  /** Runs the loop until the budget is spent, the time limit passes, or the run is cancelled. */
  async execute(): Promise<RunSummary> {
    await this.applyPlugins();
    const started = performance.now();
    const { config } = this.options;
    const store = await this.resolver.get('store');
    // The run record exists before any other role is created, so a failure is recorded against it.
    const existing = await store.getRun(this.runId);
    if (existing && !this.options.resume) {
      // A fresh run would overwrite that run's trials seq by seq (e.g. two runs given one store.file).
      await store.close();
      throw new UserError(
        `the store of this run already holds a run "${this.runId}" (seed ${existing.seed}, created ${existing.createdAt}, ${existing.status}); ` +
          'a new run would overwrite its trials: give this run a store file of its own (store.file), or continue that run with `coex resume <its folder>`', 'COEX_RUN_EXISTS',
      );
    }
    const record: RunRecord = existing
      ? { ...existing, status: 'running' }
      : { id: this.runId, preset: config.preset, seed: config.seed, status: 'running', schemaVersion: STORE_SCHEMA_VERSION,
          coexVersion: CORE_VERSION, createdAt: new Date().toISOString(), config };
    await store.putRun(record);
    let status: RunSummary['status'] = 'finished';
    let failure: unknown;
    try {
      await this.loop(store, started);
      if (this.cancelled) status = 'interrupted';
    } catch (error) {
      status = this.cancelled ? 'interrupted' : 'failed';
      failure = error;
      this.abort.abort();
    }
    const summary: RunSummary = {
      runId: this.runId,
      status,
      counts: countTrials(this.trials.values()),
      seconds: (performance.now() - started) / 1000,
    };
    try {
      await this.hooks.runEnd.promise(summary);
    } catch (error) {
      failure ??= error;
      summary.status = 'failed';
    }
    try {
      await store.putRun({
        ...record,
        status: summary.status,
        finishedAt: new Date().toISOString(),
        summary: { ...summary, pluginTimings: this.pluginTimings, roles: this.roleProviders(), ...(failure ? { error: messageOf(failure) } : {}) },
      });
      await store.appendEvent(this.runId, { at: new Date().toISOString(), type: 'run-end', data: summary });
    } catch (error) {
      // After a failure, recording it is best effort: the store may be what failed (a full disk),
      // and the first error is the one the user must see. The roles are closed either way.
      failure ??= error;
    }
    this.emit({ type: 'run-end', runId: this.runId, summary });
    this.events.complete();
    await this.host.close();
    if (failure) throw failure;
    return summary;
  }

  private role<R extends RoleName>(role: R): Promise<RoleTypes[R]> {
    return this.host.role(role);
  }

  private callRole<T>(role: RoleName, method: string, seq: number | undefined, fn: () => T | Promise<T>): Promise<T> {
    return this.host.callRole(role, method, seq, fn);
  }

  private async loop(store: RoleTypes['store'], started: number): Promise<void> {
    const { config } = this.options;
    const controller = await this.role('controller');
    const space = await this.role('space');
    const hardware = this.resolver.has('hardware') ? await this.role('hardware') : undefined;
    const decisions: DecisionSpace = {
      arch: space.decisions(),
      hw: hardware ? await this.callRole('hardware', 'designSpace', undefined, () => hardware.designSpace({ maxLayers: space.maxLayers })) : [],
    };
    await this.callRole('controller', 'init', undefined, () => controller.init(decisions));

    const stored = this.options.resume ? await store.listTrials(this.runId) : [];
    for (const t of stored) this.trials.set(t.seq, t);
    // Resume: restore the controller's last saved state, then replay later complete batches.
    let batch = 0;
    let seq = 0;
    if (this.options.resume && controller.setState) {
      const saved = await store.getControllerState(this.runId);
      if (saved) {
        await this.callRole('controller', 'setState', undefined, () => controller.setState!(saved.state));
        batch = saved.batch + 1;
        seq = Math.max(-1, ...stored.filter((t) => t.batch <= saved.batch).map((t) => t.seq)) + 1;
      }
    }
    const resumed = stored.length > 0;
    await this.hooks.runStart.promise({ runId: this.runId, dir: this.options.dir, seed: config.seed, resumed, decisions });
    this.emit({ type: 'run-start', runId: this.runId, resumed, budget: config.budget, counts: countTrials(this.trials.values()) });
    // The decisions go with the event so readers (the Optuna export) can name tokens without loading plugins.
    await store.appendEvent(this.runId, { at: new Date().toISOString(), type: resumed ? 'run-resume' : 'run-start', data: { decisions } });

    const { budget } = config;
    for (;; batch++) {
      if (this.cancelled) return;
      if (budgetSpent(budget, this.trials.values(), seq, (performance.now() - started) / 1000)) return;
      const size = Math.min(controller.batchSize, budget.candidates - seq);
      const proposals = await this.callRole('controller', 'ask', undefined, () => controller.ask(size));
      if (!Array.isArray(proposals) || proposals.length === 0) return;
      const { trials, complete } = await this.runBatch(batch, seq, proposals, store);
      // An interrupted batch is not told to the controller; the trained-children cap ends a capped one.
      if (this.cancelled || !complete) return;
      seq += proposals.length;
      const feedback: Feedback[] = trials.map((t) => ({
        seq: t.seq,
        proposal: t.candidate.tokens,
        status: t.status,
        reward: t.reward ?? 0,
        metrics: t.metrics,
      }));
      await this.callRole('controller', 'tell', undefined, () => controller.tell(feedback));
      if (controller.getState) {
        const state = await this.callRole('controller', 'getState', undefined, () => controller.getState!());
        await store.putControllerState(this.runId, { batch, state });
      }
      await this.hooks.controllerUpdate.promise({ batch, feedback });
      this.emit({ type: 'controller-update', runId: this.runId, batch, size: trials.length });
    }
  }

  /** Runs one batch: the fast level on every proposal, then training of the survivors. */
  private async runBatch(
    batch: number,
    firstSeq: number,
    proposals: Proposal[],
    store: RoleTypes['store'],
  ): Promise<{ trials: Trial[]; complete: boolean }> {
    const { config } = this.options;
    const items = proposals.map((proposal, i) => ({ seq: firstSeq + i, proposal }));
    const fast = await lastValueFrom(
      from(items).pipe(
        mergeMap((item) => defer(() => this.fastStage(batch, item.seq, item.proposal, store))),
        toArray(),
      ),
    );
    fast.sort((a, b) => a.seq - b.seq);
    // The trained-children cap is applied in trial order, so it does not depend on timing.
    const before = countTrials([...this.trials.values()].filter((t) => t.batch < batch && isFinal(t.status)));
    let room = config.budget.trained === undefined ? Infinity : config.budget.trained - childrenTrained(before);
    const kept: Trial[] = [];
    const toTrain: Trial[] = [];
    for (const trial of fast) {
      if (trial.status !== 'pruned') {
        if (room <= 0) break;
        room -= 1;
        if (!isFinal(trial.status)) toTrain.push(trial);
      }
      kept.push(trial);
    }
    const promoted = await this.promotions(batch);
    if (toTrain.length + promoted.length > 0) {
      const executor = await this.role('executor');
      await lastValueFrom(
        from([...promoted, ...toTrain]).pipe(
          mergeMap((trial) => defer(() => this.trainStage(trial, executor, store)), Math.max(1, executor.concurrency)),
          toArray(),
        ),
      );
    }
    const final = kept.map((t) => this.trials.get(t.seq) ?? t);
    return { trials: final, complete: kept.length === proposals.length && final.every((t) => isFinal(t.status)) };
  }

  /**
   * Stopped trials of earlier batches that the scheduler continues in this batch, from their saved
   * state, as working copies: a copy replaces the stored trial only when it is final again. A
   * promotion already final in this batch (a resumed run) is not repeated.
   */
  private async promotions(batch: number): Promise<Trial[]> {
    if (!this.hasScheduler) return [];
    const scheduler = await this.role('scheduler');
    if (!scheduler.promote) return [];
    const history = historyAt(this.trials.values(), batch);
    const seqs = await this.callRole('scheduler', 'promote', undefined, () => scheduler.promote!(history));
    const out: Trial[] = [];
    for (const seq of seqs) {
      const stored = this.trials.get(seq);
      const before = history.find((t) => t.seq === seq);
      if (!stored || !before || before.status !== 'stopped' || !before.training?.checkpoint) continue;
      if (isFinal(stored.status) && stored.promotions?.some((p) => p.batch === batch)) continue;
      const fromStep = before.curve?.at(-1)?.step ?? 0;
      out.push({
        ...structuredClone(before),
        status: 'pending',
        promotions: [...(before.promotions ?? []).filter((p) => p.batch < batch), { batch, fromStep }],
      });
    }
    return out;
  }

  private contextOf(batch: number, seq: number): TrialContext {
    return { runId: this.runId, seq, batch, seed: deriveSeed(this.config.seed, 'trial', seq) };
  }

  /** Decode, sample hook, hardware model, fastEvaluate hook, prune hook. Pruned trials are final here. */
  private async fastStage(batch: number, seq: number, proposal: Proposal, store: RoleTypes['store']): Promise<Trial> {
    const previous = this.trials.get(seq);
    if (previous && isFinal(previous.status)) {
      if (JSON.stringify(previous.candidate.tokens) !== JSON.stringify(proposal)) {
        this.emit({ type: 'warning', runId: this.runId, message: `trial ${seq}: the controller proposed other tokens on resume than the stored ones; keeping the stored trial` });
      }
      return previous;
    }
    const ctx = this.contextOf(batch, seq);
    const timings: Record<string, number> = {};
    const timed = async <T>(stage: string, fn: () => Promise<T>): Promise<T> => {
      const t0 = performance.now();
      try {
        return await fn();
      } finally {
        timings[stage] = (timings[stage] ?? 0) + (performance.now() - t0);
      }
    };
    const startedAt = new Date().toISOString();
    this.hooks.trialStart.call(ctx);
    this.emit({ type: 'trial-start', runId: this.runId, seq, batch });
    const space = await this.resolver.get('space');
    let candidate: Candidate = await timed('sample', async () => {
      const architecture = await this.callRole('space', 'decode', seq, () => space.decode(proposal.arch));
      return this.hooks.sample.promise({ tokens: proposal, architecture }, ctx);
    });
    let evaluation: HardwareEvaluation = {};
    evaluation = await timed('fastEvaluate', async () => {
      if (this.resolver.has('hardware')) {
        const hardware = await this.resolver.get('hardware');
        const design = await this.callRole('hardware', 'propose', seq, () => hardware.propose(candidate.architecture, proposal.hw, this.config.spec));
        const metrics = await this.callRole('hardware', 'evaluate', seq, () => hardware.evaluate(candidate.architecture, design));
        evaluation = { design, metrics };
      }
      return this.hooks.fastEvaluate.promise(evaluation, candidate, ctx);
    });
    if (evaluation.design) candidate = { ...candidate, design: evaluation.design };
    const verdict = await timed('prune', () => this.hooks.prune.promise(candidate, evaluation, ctx));
    const trial: Trial = {
      seq,
      batch,
      seed: ctx.seed,
      status: verdict ? 'pruned' : 'pending',
      candidate,
      ...(evaluation.metrics ? { hardware: evaluation.metrics } : {}),
      ...(verdict?.violations?.length ? { violations: verdict.violations } : {}),
      ...(verdict ? { prunedReason: verdict.reason } : {}),
      metrics: hardwareMetrics(evaluation),
      timings,
      startedAt,
    };
    if (verdict) await this.finish(trial, ctx, store);
    return trial;
  }

  private async trainStage(trial: Trial, executor: RoleTypes['executor'], store: RoleTypes['store']): Promise<void> {
    if (this.cancelled) return;
    // A promoted trial keeps its batch's context (seed, batch) and continues from its saved state.
    const promotion = trial.promotions?.at(-1);
    const resumeFrom = promotion ? trial.training?.checkpoint : undefined;
    const ctx = this.contextOf(trial.batch, trial.seq);
    const judgedIn = promotion?.batch ?? trial.batch;
    trial.status = 'training';
    if (!promotion) this.trials.set(trial.seq, trial);
    await this.callRole('store', 'putTrial', trial.seq, () => store.putTrial(this.runId, trial));
    this.emit({ type: 'training-start', runId: this.runId, seq: trial.seq });
    const curve: CurvePoint[] = (trial.curve = [...(trial.curve ?? [])]);
    const reportedBefore = curve.length;
    let verdict: StopVerdict | undefined;
    const report = async (point: CurvePoint): Promise<boolean> => {
      if (verdict) return true;
      curve.push(point);
      verdict = (await this.hooks.report.promise(point, trial, { ...ctx, batch: judgedIn })) ?? undefined;
      this.emit({ type: 'trial-report', runId: this.runId, seq: trial.seq, point, stopped: !!verdict });
      return !!verdict;
    };
    const t0 = performance.now();
    try {
      const result =
        (await this.hooks.train.promise(trial.candidate, ctx)) ??
        (await executor.train({
          seq: trial.seq,
          seed: trial.seed,
          architecture: trial.candidate.architecture,
          signal: this.abort.signal,
          report,
          checkpointDir: path.join(this.options.outDir ?? this.options.dir, 'checkpoints', `trial-${trial.seq}`),
          ...(resumeFrom ? { resumeFrom } : {}),
        }));
      const { worker, ...training } = result as typeof result & { worker?: string };
      // A promoted trial's CPU time is that of all its training calls, like its train timing.
      const cpuBefore = promotion ? trial.training?.cpuSeconds : undefined;
      if (cpuBefore !== undefined && training.cpuSeconds !== undefined) training.cpuSeconds += cpuBefore;
      trial.training = training;
      if (worker) trial.worker = worker;
      if (!Number.isFinite(training.accuracy)) throw new Error(`the trainer returned no finite accuracy (${training.accuracy})`);
      // A trainer that reports only in its result (no report calls) still gets its curve kept.
      if (curve.length === reportedBefore && training.curve?.length) curve.push(...training.curve);
      delete training.curve; // kept once, on the trial
      if (training.stopped) {
        trial.status = 'stopped';
        trial.stoppedReason = verdict?.reason ?? 'stopped by the trainer';
        if (verdict?.resource !== undefined) trial.resource = verdict.resource;
      } else {
        trial.status = 'done';
        delete trial.stoppedReason;
        delete trial.resource;
      }
      trial.metrics = { ...trial.metrics, ...trainingMetrics(training) };
    } catch (error) {
      if (error instanceof PluginError) throw error;
      if (this.cancelled) return; // abandoned: stays 'training' in the store and runs again on resume
      trial.status = 'failed';
      trial.error = messageOf(error);
    } finally {
      trial.timings.train = (promotion ? trial.timings.train ?? 0 : 0) + performance.now() - t0;
    }
    if (!curve.length) delete trial.curve;
    await this.finish(trial, ctx, store);
  }

  /** Reward, store, events: the trial is final from here on. */
  private async finish(trial: Trial, ctx: TrialContext, store: RoleTypes['store']): Promise<void> {
    const t0 = performance.now();
    const reward = await this.resolver.get('reward');
    const base = await this.callRole('reward', 'compute', trial.seq, () => reward.compute(trial, this.config.spec));
    trial.reward = await this.hooks.reward.promise(base, trial, ctx);
    trial.timings.reward = performance.now() - t0;
    trial.finishedAt = new Date().toISOString();
    // A failed save names the store plugin and the trial, and stays a user error if it is one (a lock).
    await this.callRole('store', 'putTrial', trial.seq, () => store.putTrial(this.runId, trial));
    this.trials.set(trial.seq, trial);
    this.emit({ type: 'trial-end', runId: this.runId, trial, counts: countTrials(this.trials.values()) });
    await this.hooks.trialEnd.promise(trial, ctx);
  }
}

function hardwareMetrics(evaluation: HardwareEvaluation): Metrics {
  const m = evaluation.metrics;
  if (!m) return {};
  const out: Metrics = {};
  for (const key of ['throughput', 'latency', 'power', 'energy', 'energyEfficiency', 'gops', 'cycles'] as const) {
    if (typeof m[key] === 'number') out[key] = m[key] as number;
  }
  return out;
}

function trainingMetrics(result: { accuracy: number; testAccuracy?: number; params?: number }): Metrics {
  return {
    accuracy: result.accuracy,
    ...(typeof result.testAccuracy === 'number' ? { testAccuracy: result.testAccuracy } : {}),
    ...(typeof result.params === 'number' ? { params: result.params } : {}),
  };
}

