// The worker side (`coex worker`): takes training jobs from the queue, loads the job's trainer and
// dataset plugins (the same versions as the search, or the job fails unretried), keeps the loaded
// trainer per configuration for the next jobs, and returns an outcome. A trainer failure is an
// outcome; only infrastructure problems fail the job (and let BullMQ retry it).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import { UserError, isUserError, loadTrainer, messageOf, z, type CurvePoint, type ResolvedConfig, type Trainer } from '@coex/core';
import { PROTOCOL, hashOf, verdictKey, type ReportProgress, type TrainingJobData, type TrainingOutcome } from './job';

/** How long a worker waits for the search's verdict on an intermediate result, and how often it looks. */
const VERDICT_WAIT_MS = 120_000;
const VERDICT_POLL_MS = 20;
import { optionsSchema } from './options';
import { DEFAULT_REDIS_URL_ENV, checkReachable, connectionOptions, givenUrl, resolveRedisUrl, scrub, tlsOptions, type TlsFiles } from './redis-url';

const executorOption = optionsSchema.shape;

/**
 * The worker's settings: `coex worker` makes one flag of each (`--lock-duration <n>`, `--tls-ca
 * <value>`), with its description and default, and validates what it is given here. The queue,
 * TLS files and connect timeout are the executor's own options.
 */
export const workerOptionsSchema = z.object({
  redis: z.string().optional().describe('redis[s]://[user:password@]host:port[/db] (default: $COEX_REDIS_URL, then redis://127.0.0.1:6379); prefer the variable for a password'),
  queue: executorOption.queue.describe("queue to take jobs from: the search's executor.queue"),
  concurrency: z.number().int().min(1).max(1024).default(1).describe('jobs trained at once by this process'),
  name: z.string().min(1).optional().describe('worker name recorded with each trial (default: host:pid)'),
  dir: z.string().min(1).optional().describe("folder for trainer files when the run's folder is not on this machine (default: the current folder)"),
  tls: executorOption.tls.unwrap().pick({ ca: true, cert: true, key: true }).optional(),
  lockDuration: z.number().int().min(1).default(30_000).describe('milliseconds a job stays locked without renewal, i.e. how long a dead worker holds it'),
  stalledInterval: z.number().int().min(1).default(30_000).describe('milliseconds between looks for jobs whose worker died'),
  maxStalledCount: z.number().int().min(0).default(1).describe('how many times a job may be recovered from a dead worker before it fails'),
  connectTimeout: executorOption.connectTimeout,
});

/** The defaults of `workerOptionsSchema`, for callers that give only some settings. */
const WORKER_DEFAULTS = workerOptionsSchema.parse({});

export interface RunWorkerOptions extends Partial<Omit<z.output<typeof workerOptionsSchema>, 'tls'>> {
  /** Environment variable read for the URL when `redis` is not given. */
  redisUrlEnv?: string;
  tls?: TlsFiles;
  /** Loaded trainers kept (one per run configuration). */
  cacheSize?: number;
  log?: (message: string) => void;
}

export type StopMode = 'finish' | 'release';

export interface CoexWorker {
  readonly name: string;
  readonly queue: string;
  /** Settles when the worker has stopped and closed its connections. */
  readonly closed: Promise<void>;
  /** `finish`: take no new job, let the current ones finish. `release`: abort them and hand them back to the queue. */
  stop(mode?: StopMode): Promise<void>;
}

/**
 * The folders a job's trainer uses on this machine: the search's own when this machine sees them
 * (a shared file system), else the same layout under the worker's --dir (`ownDir`).
 */
export function workerFolders(data: Pick<TrainingJobData, 'dir' | 'outDir'>, ownDir: string, exists = fs.existsSync): { dir: string; outDir: string } {
  const dir = exists(data.dir) ? data.dir : ownDir;
  return { dir, outDir: path.join(dir, path.relative(data.dir, data.outDir ?? data.dir)) };
}

interface CacheEntry {
  trainer: Promise<Trainer>;
  users: number;
}

/** Loaded trainers by configuration hash; the least recently used idle one goes first. */
class TrainerCache {
  private readonly entries = new Map<string, CacheEntry>();
  constructor(private readonly size: number) {}

  async use<T>(config: ResolvedConfig, dir: string, outDir: string, fn: (trainer: Trainer) => Promise<T>): Promise<T> {
    const key = hashOf({ config, dir, outDir });
    let entry = this.entries.get(key);
    if (entry) this.entries.delete(key);
    else entry = { trainer: loadTrainer(config, dir, outDir), users: 0 };
    this.entries.set(key, entry);
    entry.users += 1;
    try {
      let trainer: Trainer;
      try {
        trainer = await entry.trainer;
      } catch (error) {
        if (this.entries.get(key) === entry) this.entries.delete(key);
        throw new LoadError(error);
      }
      return await fn(trainer);
    } finally {
      entry.users -= 1;
      this.evict();
    }
  }

  private evict(): void {
    for (const [key, entry] of this.entries) {
      if (this.entries.size <= this.size) return;
      if (entry.users > 0) continue;
      this.entries.delete(key);
      void entry.trainer.then((t) => t.close?.()).catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.allSettled(all.map((e) => e.trainer.then((t) => t.close?.())));
  }
}

/** The job's trainer could not be loaded on this worker. */
class LoadError extends Error {
  constructor(readonly cause: unknown) {
    super(messageOf(cause));
  }
}

export async function runWorker(options: RunWorkerOptions = {}): Promise<CoexWorker> {
  const log = options.log ?? (() => undefined);
  const queue = options.queue ?? WORKER_DEFAULTS.queue;
  if (!queue || queue.includes(':')) throw new UserError(`--queue ${JSON.stringify(queue)}: a queue name must be non-empty and cannot contain ':'`);
  const redisUrlEnv = options.redisUrlEnv ?? DEFAULT_REDIS_URL_ENV;
  // An explicit --redis wins over the environment variable (command-line convention).
  const resolved = options.redis ? givenUrl(options.redis, '--redis') : resolveRedisUrl({ redisUrlEnv }, '--redis');
  const target = {
    ...resolved,
    tls: tlsOptions(resolved.url, options.tls, process.cwd(), (key) => `--tls-${key}`),
    connectTimeoutMs: (options.connectTimeout ?? WORKER_DEFAULTS.connectTimeout) * 1000,
  };
  await checkReachable(target, { url: `--redis or $${redisUrlEnv}`, tls: '--tls-ca, --tls-cert and --tls-key' });

  const name = options.name ?? `${os.hostname()}:${process.pid}`;
  const ownDir = options.dir ?? process.cwd();
  const cache = new TrainerCache(options.cacheSize ?? 4);
  const running = new Set<AbortController>();
  let releasing = false;

  /**
   * Intermediate results go to the search as job progress; the search leaves its verdict in Redis
   * (one key per point), which this worker polls. Without an answer in VERDICT_WAIT_MS (the search
   * is gone) the child trains on.
   */
  const reporter = (job: Job<TrainingJobData, TrainingOutcome>, signal: AbortSignal) => {
    let n = 0;
    return async (point: CurvePoint): Promise<boolean> => {
      const progress: ReportProgress = { n: ++n, point };
      await job.updateProgress(progress as unknown as object);
      const client = await worker.getBackend().client;
      const key = verdictKey(job.id!, progress.n);
      for (const started = Date.now(); Date.now() - started < VERDICT_WAIT_MS && !signal.aborted; ) {
        const verdict = await client.get(key);
        if (verdict !== null) {
          await client.del(key);
          return verdict === '1';
        }
        await new Promise((resolve) => setTimeout(resolve, VERDICT_POLL_MS));
      }
      return false;
    };
  };

  const trainJob = async (job: Job<TrainingJobData, TrainingOutcome>, token?: string): Promise<TrainingOutcome> => {
    const data = job.data;
    if (data?.protocol !== PROTOCOL) {
      throw new UnrecoverableError(`job ${job.id} speaks protocol ${data?.protocol}, this worker ${PROTOCOL}: install the same Coex version as the search`);
    }
    const { seq } = data.request;
    const { dir, outDir } = workerFolders(data, ownDir);
    const controller = new AbortController();
    running.add(controller);
    log(`trial ${seq} (job ${job.id}): training`);
    const started = performance.now();
    try {
      const result = await cache.use(data.config, dir, outDir, (trainer) => {
        // Released while its trainer was loading: do not start.
        if (controller.signal.aborted) throw new Error('aborted');
        return trainer.train({ ...data.request, signal: controller.signal, ...(data.reports ? { report: reporter(job, controller.signal) } : {}) });
      });
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      log(`trial ${seq}: done in ${seconds} s, accuracy ${typeof result.accuracy === 'number' ? result.accuracy.toFixed(4) : result.accuracy}`);
      return { ok: true, result, worker: name };
    } catch (error) {
      if (releasing && controller.signal.aborted) {
        // Hand the job back at once, without spending an attempt, for another worker to take.
        await job.moveToWait(token);
        log(`trial ${seq}: handed back to the queue`);
        throw new WaitingError();
      }
      if (error instanceof LoadError) {
        log(`trial ${seq}: cannot load its trainer here: ${error.message}`);
        // A wrong plugin version fails the same everywhere: do not retry it.
        throw isUserError(error.cause) ? new UnrecoverableError(error.message) : error.cause;
      }
      log(`trial ${seq}: failed: ${messageOf(error)}`);
      return { ok: false, error: `${messageOf(error)} (on worker ${name})`, worker: name };
    } finally {
      running.delete(controller);
    }
  };

  const worker = new Worker<TrainingJobData, TrainingOutcome>(queue, trainJob, {
    connection: connectionOptions(target),
    name,
    concurrency: options.concurrency ?? WORKER_DEFAULTS.concurrency,
    lockDuration: options.lockDuration ?? WORKER_DEFAULTS.lockDuration,
    stalledInterval: options.stalledInterval ?? WORKER_DEFAULTS.stalledInterval,
    maxStalledCount: options.maxStalledCount ?? WORKER_DEFAULTS.maxStalledCount,
  });
  let lastError = '';
  worker.on('error', (error) => {
    const message = scrub(messageOf(error), target.url);
    if (message !== lastError) log(`queue error: ${message}`);
    lastError = message;
  });
  worker.on('stalled', (jobId) => log(`job ${jobId}: its worker stopped answering; it goes back to the queue`));
  await worker.waitUntilReady();
  log(`${name}: waiting for training jobs on queue "${queue}" at ${target.display} (concurrency ${worker.concurrency})`);

  let closing: Promise<void> | undefined;
  let resolveClosed!: () => void;
  const closed = new Promise<void>((resolve) => {
    resolveClosed = resolve;
  });
  return {
    name,
    queue,
    closed,
    async stop(mode: StopMode = 'finish') {
      if (mode === 'release') {
        releasing = true;
        for (const controller of running) controller.abort();
      }
      closing ??= (async () => {
        try {
          await worker.close();
          await cache.close();
        } finally {
          resolveClosed();
        }
      })();
      await closing;
    },
  };
}
