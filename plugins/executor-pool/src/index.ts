// Worker-thread pool executor: trains up to `workers` children at once. Each worker thread loads the
// run's trainer and dataset plugins itself (same versions, same options) and keeps them between
// trials. A worker that crashes, runs out of memory or exceeds the time limit fails that trial
// with the reason, and is replaced; the search goes on.
import * as os from 'node:os';
import { Worker } from 'node:worker_threads';
import {
  definePlugin,
  z,
  type Executor,
  type FromWorker,
  type ResolvedConfig,
  type ToWorker,
  type TrainRequest,
  type TrainingResult,
  type TrainingWorkerData,
} from '@coex/core';

const PLUGIN_NAME = '@coex/plugin-executor-pool';
const WORKER_ENTRY = require.resolve('@coex/core/training-worker');
/** How long a worker has to close its trainer before its thread is terminated anyway. */
const CLOSE_GRACE_MS = 10_000;

/**
 * Ends a worker thread after its trainer closed: terminate() alone skips that, so what the trainer
 * started (trainer-torch's Python process, its data files) would outlive the thread, the process
 * as a zombie nobody reaps.
 */
async function retire(worker: Worker): Promise<void> {
  if (worker.threadId !== -1) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, CLOSE_GRACE_MS);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      worker.on('message', (m: FromWorker) => m.type === 'closed' && done());
      worker.once('exit', done);
      worker.once('error', done);
      worker.postMessage({ type: 'close' } satisfies ToWorker);
    });
  }
  await worker.terminate();
}

export interface PoolOptions {
  workers: number;
  /** Seconds one trial may take before its worker is stopped (0: no limit). */
  timeLimit: number;
  /** Heap limit per worker in MB (0: Node's default). */
  maxMemoryMB: number;
}

interface Slot {
  worker: Worker;
  id: string;
  ready: Promise<void>;
  busy: boolean;
}

interface Job {
  request: TrainRequest;
  resolve: (r: TrainingResult & { worker: string }) => void;
  reject: (e: Error) => void;
}

export class WorkerPoolExecutor implements Executor {
  private slots: Slot[] = [];
  private queue: Job[] = [];
  private started = 0;
  private closed = false;

  constructor(private readonly config: ResolvedConfig, private readonly dir: string, private readonly options: PoolOptions, private readonly outDir = dir) {}

  get concurrency(): number {
    return this.options.workers;
  }

  train(request: TrainRequest): Promise<TrainingResult & { worker: string }> {
    return new Promise((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      this.dispatch();
    });
  }

  private spawn(): Slot {
    const id = `thread-${++this.started}`;
    const worker = new Worker(WORKER_ENTRY, {
      workerData: { config: this.config, dir: this.dir, outDir: this.outDir } satisfies TrainingWorkerData,
      ...(this.options.maxMemoryMB > 0 ? { resourceLimits: { maxOldGenerationSizeMb: this.options.maxMemoryMB } } : {}),
    });
    const ready = new Promise<void>((resolve, reject) => {
      const onMessage = (m: FromWorker) => {
        if (m.type === 'ready') { worker.off('message', onMessage); resolve(); }
        if (m.type === 'fatal') { worker.off('message', onMessage); reject(new Error(`training worker could not start: ${m.message}`)); }
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`training worker exited with code ${code} while starting`)));
    });
    ready.catch(() => undefined);
    return { worker, id, ready, busy: false };
  }

  private dispatch(): void {
    while (this.queue.length > 0 && !this.closed) {
      let slot = this.slots.find((s) => !s.busy);
      if (!slot) {
        if (this.slots.length >= this.options.workers) return;
        slot = this.spawn();
        this.slots.push(slot);
      }
      const job = this.queue.shift()!;
      slot.busy = true;
      void this.runOn(slot, job);
    }
  }

  private async runOn(slot: Slot, job: Job): Promise<void> {
    const { signal, report, ...request } = job.request;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    const finish = (error: Error | undefined, result?: TrainingResult, replace = false) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      slot.worker.removeAllListeners('message');
      slot.worker.removeAllListeners('error');
      slot.worker.removeAllListeners('exit');
      if (replace) {
        void retire(slot.worker);
        this.slots = this.slots.filter((s) => s !== slot);
      } else {
        slot.busy = false;
      }
      if (error) job.reject(error);
      else job.resolve({ ...(result as TrainingResult), worker: slot.id });
      this.dispatch();
    };
    const onAbort = () => finish(new Error('aborted'), undefined, true);
    if (signal?.aborted) return finish(new Error('aborted'));
    signal?.addEventListener('abort', onAbort);
    slot.worker.on('error', (error: Error & { code?: string }) =>
      finish(new Error(error.code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? `worker ${slot.id} ran out of memory (limit ${this.options.maxMemoryMB} MB)`
        : `worker ${slot.id} crashed: ${error.message}`), undefined, true));
    slot.worker.on('exit', (code) => finish(new Error(`worker ${slot.id} exited unexpectedly with code ${code}`), undefined, true));
    try {
      await slot.ready;
    } catch (error) {
      return finish(error as Error, undefined, true);
    }
    slot.worker.on('message', (m: FromWorker) => {
      if (m.type === 'result') finish(undefined, m.result as TrainingResult);
      else if (m.type === 'error') finish(new Error(m.message));
      else if (m.type === 'report' && report) {
        // The scheduler judges in the main process; its verdict goes back to the waiting trainer.
        report(m.point).then(
          (stop) => { if (!settled) slot.worker.postMessage({ type: 'verdict', id: m.id, n: m.n, stop } satisfies ToWorker); },
          (error: Error) => finish(error, undefined, true),
        );
      }
    });
    if (this.options.timeLimit > 0) {
      timer = setTimeout(() => finish(new Error(`exceeded the time limit of ${this.options.timeLimit} s (executor.timeLimit)`), undefined, true),
        this.options.timeLimit * 1000);
    }
    slot.worker.postMessage({ type: 'train', id: request.seq, request, reports: !!report } satisfies ToWorker);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error('executor closed'));
    await Promise.all(this.slots.map((s) => retire(s.worker)));
    this.slots = [];
  }
}

const { version } = require('../package.json') as { version: string };

export default definePlugin({
  name: PLUGIN_NAME,
  version,
  role: 'executor',
  description: 'Trains several children at once in worker threads (default: one per core)',
  options: z.object({
    workers: z.number().int().min(1).max(256).default(Math.max(1, os.availableParallelism())),
    timeLimit: z.number().min(0).default(0),
    maxMemoryMB: z.number().int().min(0).default(0),
  }),
  apply(ctx, options) {
    ctx.provide('executor', () => new WorkerPoolExecutor(ctx.config, ctx.dir, options, ctx.outDir));
  },
});
