// The search side: each trial to train becomes a job on a BullMQ queue; `coex worker` processes
// anywhere take the jobs and return outcomes. The search process keeps the controller and the
// store. Waiting uses the queue's event stream, backed by a periodic check that also re-adds a
// job Redis lost (a restart without persistence), so a run survives a Redis restart.
import { Job, Queue, QueueEvents } from 'bullmq';
import { messageOf, type Executor, type ResolvedConfig, type TrainRequest, type TrainingResult } from '@coex/core';
import { JOB_NAME, PROTOCOL, hashOf, isOutcome, jobIdOf, runKey, trainingConfig, verdictKey, type ReportProgress, type TrainingJobData, type TrainingOutcome } from './job';
import { checkReachable, connectionOptions, scrub, type RedisTarget, type SettingNames } from './redis-url';

export interface BullmqExecutorSettings {
  runId: string;
  dir: string;
  /** The run's own folder for plugin files (`PluginContext.outDir`); default `dir`. */
  outDir?: string;
  config: ResolvedConfig;
  redis: RedisTarget;
  /** Which settings name the Redis URL and TLS files, for error messages. */
  redisWhere: SettingNames;
  queue: string;
  concurrency: number;
  attempts: number;
  retryDelayMs: number;
  checkIntervalMs: number;
  keepJobsSeconds: number;
  log: (message: string) => void;
}

interface Waiter {
  id: string;
  data: TrainingJobData;
  done: boolean;
  checking: boolean;
  /** Consecutive checks that failed with an error (Redis answering errors, not just away). */
  errors: number;
  resolve: (outcome: TrainingOutcome) => void;
  reject: (error: Error) => void;
  report?: TrainRequest['report'];
}

/** Seconds a verdict waits in Redis for its worker. */
const VERDICT_TTL = 3600;

/** A check that failed this many times in a row fails the trial instead of trying forever. */
const MAX_CHECK_ERRORS = 5;
/** States in which a job has not started yet, so an aborted trial can take it back. */
const NOT_STARTED = new Set(['waiting', 'delayed', 'prioritized', 'paused', 'waiting-children']);

export class BullmqExecutor implements Executor {
  private readonly queue: Queue;
  private readonly events: QueueEvents;
  private readonly waiters = new Map<string, Waiter>();
  private readonly key: string;
  private readonly jobConfig: ResolvedConfig;
  private readonly timer: NodeJS.Timeout;
  private lastError = '';
  private closed = false;

  /** Checks that Redis answers (a UserError naming the URL otherwise), then opens the queue. */
  static async connect(settings: BullmqExecutorSettings): Promise<BullmqExecutor> {
    await checkReachable(settings.redis, settings.redisWhere);
    const executor = new BullmqExecutor(settings);
    try {
      await Promise.all([executor.queue.waitUntilReady(), executor.events.waitUntilReady()]);
    } catch (error) {
      await executor.close();
      throw error;
    }
    settings.log(`training jobs go to queue "${settings.queue}" at ${settings.redis.display} (URL from ${settings.redis.source}); ` +
      `start workers with: coex worker --queue ${settings.queue}`);
    return executor;
  }

  private constructor(private readonly settings: BullmqExecutorSettings) {
    const connection = connectionOptions(settings.redis);
    this.queue = new Queue(settings.queue, { connection });
    this.events = new QueueEvents(settings.queue, { connection });
    this.jobConfig = trainingConfig(settings.config);
    this.key = runKey(settings.runId, settings.dir, this.jobConfig);
    this.queue.on('error', (error) => this.onRedisError(error));
    this.events.on('error', (error) => this.onRedisError(error));
    this.events.on('completed', ({ jobId, returnvalue }) => this.settle(this.waiters.get(jobId), returnvalue));
    this.events.on('failed', ({ jobId, failedReason }) => this.fail(this.waiters.get(jobId), failedReason));
    this.events.on('progress', ({ jobId, data }) => void this.onReport(this.waiters.get(jobId), data as unknown as ReportProgress));
    this.timer = setInterval(() => {
      for (const waiter of this.waiters.values()) void this.check(waiter, false);
    }, settings.checkIntervalMs);
    this.timer.unref();
  }

  get concurrency(): number {
    return this.settings.concurrency;
  }

  /** The job id of a trial of this run (a promoted trial's continuation is a job of its own). */
  jobId(seq: number, resumeFrom?: string): string {
    return resumeFrom ? `${jobIdOf(this.key, seq)}-r${hashOf(resumeFrom, 8)}` : jobIdOf(this.key, seq);
  }

  /** An intermediate result from a worker: the scheduler's verdict goes back through Redis. */
  private async onReport(waiter: Waiter | undefined, progress: ReportProgress): Promise<void> {
    if (!waiter?.report || waiter.done || !progress || typeof progress.n !== 'number' || !progress.point) return;
    try {
      const stop = await waiter.report(progress.point);
      const client = await this.queue.getBackend().client;
      const key = verdictKey(waiter.id, progress.n);
      await client.set(key, stop ? '1' : '0', { EX: VERDICT_TTL });
    } catch (error) {
      this.finish(waiter, error instanceof Error ? error : new Error(messageOf(error)));
    }
  }

  async train(request: TrainRequest): Promise<TrainingResult & { worker: string }> {
    const { signal } = request;
    if (this.closed) throw new Error('executor closed');
    if (signal?.aborted) throw new Error('aborted');
    const id = this.jobId(request.seq, request.resumeFrom);
    const { checkpointDir, resumeFrom } = request;
    const data: TrainingJobData = {
      protocol: PROTOCOL,
      runId: this.settings.runId,
      dir: this.settings.dir,
      outDir: this.settings.outDir ?? this.settings.dir,
      config: this.jobConfig,
      request: { seq: request.seq, seed: request.seed, architecture: request.architecture, ...(checkpointDir ? { checkpointDir } : {}), ...(resumeFrom ? { resumeFrom } : {}) },
      ...(request.report ? { reports: true } : {}),
    };
    const onAbort = () => {
      const waiter = this.waiters.get(id);
      if (waiter) this.finish(waiter, new Error('aborted'));
      void this.withdraw(id);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const outcome = await new Promise<TrainingOutcome>((resolve, reject) => {
        const waiter: Waiter = { id, data, done: false, checking: false, errors: 0, resolve, reject, report: request.report };
        const previous = this.waiters.get(id);
        if (previous) this.finish(previous, new Error(`trial ${request.seq} was sent again`));
        this.waiters.set(id, waiter);
        void this.check(waiter, true);
      });
      if (!outcome.ok) throw new Error(outcome.error);
      return { ...outcome.result, worker: outcome.worker };
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * Makes sure the job exists and picks up a result the event stream did not deliver. On the first
   * check a job that already exists is an earlier attempt at this trial (a resumed run): a result
   * is reused, a failure is tried again. Later, a job that vanished is added again.
   */
  private async check(waiter: Waiter, first: boolean): Promise<void> {
    if (waiter.done || waiter.checking) return;
    waiter.checking = true;
    try {
      const job = await Job.fromId<TrainingJobData, TrainingOutcome>(this.queue, waiter.id);
      const state = job ? await job.getState() : 'unknown';
      if (!job || state === 'unknown') {
        if (!first) this.settings.log(`job ${waiter.id} (trial ${waiter.data.request.seq}) is no longer in Redis (restarted without persistence?); adding it again`);
        await this.add(waiter);
      } else if (state === 'completed') {
        this.settle(waiter, job.returnvalue);
      } else if (state === 'failed') {
        if (first) {
          await job.remove();
          await this.add(waiter);
        } else {
          this.fail(waiter, job.failedReason);
        }
      }
      waiter.errors = 0;
    } catch (error) {
      if (waiter.done || this.closed) return;
      waiter.errors += 1;
      if (waiter.errors >= MAX_CHECK_ERRORS) {
        this.finish(waiter, new Error(`job ${waiter.id}: Redis keeps answering with an error: ${this.scrub(messageOf(error))}`));
      }
    } finally {
      waiter.checking = false;
    }
  }

  private async add(waiter: Waiter): Promise<void> {
    const keep = { age: this.settings.keepJobsSeconds };
    await this.queue.add(JOB_NAME, waiter.data, {
      jobId: waiter.id,
      attempts: this.settings.attempts,
      backoff: { type: 'exponential', delay: this.settings.retryDelayMs },
      removeOnComplete: keep,
      removeOnFail: keep,
    });
  }

  /** An aborted trial takes its job back if no worker has started it; a started one runs on. */
  private async withdraw(id: string): Promise<void> {
    try {
      const job = await Job.fromId(this.queue, id);
      if (job && NOT_STARTED.has(await job.getState())) await job.remove();
    } catch {
      /* started meanwhile, or Redis is away: its result will wait in Redis for a resume */
    }
  }

  private settle(waiter: Waiter | undefined, value: unknown): void {
    if (!waiter) return;
    if (isOutcome(value)) this.finish(waiter, value);
    else this.finish(waiter, new Error(`job ${waiter.id} returned something that is not a Coex training outcome: is another program using queue "${this.settings.queue}"?`));
  }

  private fail(waiter: Waiter | undefined, reason: string | undefined): void {
    if (!waiter) return;
    const why = reason ?? 'no reason given';
    const hint = /stalled more than allowable limit/.test(why)
      ? ' (the workers training it stopped answering too often: see `coex worker --max-stalled-count`)'
      : '';
    this.finish(waiter, new Error(`training job ${waiter.id} failed on the workers: ${why}${hint}`));
  }

  private finish(waiter: Waiter, outcome: TrainingOutcome | Error): void {
    if (waiter.done) return;
    waiter.done = true;
    if (this.waiters.get(waiter.id) === waiter) this.waiters.delete(waiter.id);
    if (outcome instanceof Error) waiter.reject(outcome);
    else waiter.resolve(outcome);
  }

  /** Logs connection trouble once per distinct message (clients reconnect on their own). */
  private onRedisError(error: Error): void {
    const message = this.scrub(messageOf(error));
    if (this.closed || message === this.lastError) return;
    this.lastError = message;
    this.settings.log(`Redis at ${this.settings.redis.display}: ${message} (reconnecting; jobs lost by a restart are added again)`);
  }

  private scrub(message: string): string {
    return scrub(message, this.settings.redis.url);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    for (const waiter of [...this.waiters.values()]) this.finish(waiter, new Error('executor closed'));
    // Closing waits for Redis when it is away; do not let that hold up the end of a run.
    const grace = new Promise<void>((resolve) => setTimeout(resolve, 3000).unref());
    await Promise.race([Promise.allSettled([this.events.close(), this.queue.close()]), grace]);
  }
}
