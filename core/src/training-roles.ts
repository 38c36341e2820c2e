// Loading the trainer (with its dataset) of a saved run configuration in another thread or on
// another machine: the same plugins at the same versions, with the same options. Hook taps are
// functions and do not cross thread boundaries, so only the trainer and dataset roles are loaded.
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { loadResolvedPlugins, type FolderTrust, type ResolvedConfig } from './config';
import { messageOf } from './errors';
import { loadRole } from './plugin-host';
import type { Trainer, TrainRequest } from './roles';
import type { CurvePoint } from './types';

/** The plugins a training worker loads: the trainer and the dataset roles only. */
export const TRAINING_ROLES = ['trainer', 'dataset'] as const;

export async function loadTrainer(config: ResolvedConfig, dir: string, outDir = dir, trust?: FolderTrust): Promise<Trainer> {
  const plugins = loadResolvedPlugins(config, dir, (p) => (TRAINING_ROLES as readonly string[]).includes(p.role ?? ''), trust);
  return loadRole('trainer', { dir, outDir, config, plugins });
}

export interface TrainingWorkerData {
  config: ResolvedConfig;
  dir: string;
  /** The run's folder for plugins' files (`PluginContext.outDir`). */
  outDir: string;
}

/**
 * To a training thread: a trial to train (`reports`: send intermediate results back), the verdict on
 * one, or `close`: free the trainer (its processes, its files) and answer `closed`, before the
 * thread is terminated.
 */
export type ToWorker =
  | { type: 'train'; id: number; request: Omit<TrainRequest, 'signal' | 'report'>; reports?: boolean }
  | { type: 'verdict'; id: number; n: number; stop: boolean }
  | { type: 'close' };
export type FromWorker =
  | { type: 'ready' }
  | { type: 'closed' }
  | { type: 'report'; id: number; n: number; point: CurvePoint }
  | { type: 'result'; id: number; result: unknown }
  | { type: 'error'; id: number; message: string }
  | { type: 'fatal'; message: string };

/** Body of a worker thread started with core/bin/training-worker.js. */
export async function startTrainingWorker(): Promise<void> {
  if (isMainThread || !parentPort) throw new Error('startTrainingWorker runs inside a worker thread');
  const port = parentPort;
  const { config, dir, outDir } = workerData as TrainingWorkerData;
  let trainer: Trainer;
  try {
    trainer = await loadTrainer(config, dir, outDir);
  } catch (error) {
    port.postMessage({ type: 'fatal', message: messageOf(error) } satisfies FromWorker);
    return;
  }
  // Intermediate results go to the main process, which answers each with the scheduler's verdict.
  const verdicts = new Map<string, (stop: boolean) => void>();
  port.on('message', async (message: ToWorker) => {
    if (message.type === 'close') {
      // Terminating the thread does not close the trainer: what it started (a Python process,
      // data files) would outlive it.
      await trainer.close?.().catch(() => undefined);
      return void port.postMessage({ type: 'closed' } satisfies FromWorker);
    }
    if (message.type === 'verdict') {
      verdicts.get(`${message.id}:${message.n}`)?.(message.stop);
      verdicts.delete(`${message.id}:${message.n}`);
      return;
    }
    if (message.type !== 'train') return;
    const { id } = message;
    let n = 0;
    const report = (point: CurvePoint) =>
      new Promise<boolean>((resolve) => {
        const key = `${id}:${++n}`;
        verdicts.set(key, resolve);
        port.postMessage({ type: 'report', id, n, point } satisfies FromWorker);
      });
    try {
      const result = await trainer.train({ ...message.request, ...(message.reports ? { report } : {}) });
      port.postMessage({ type: 'result', id: message.id, result } satisfies FromWorker);
    } catch (error) {
      port.postMessage({ type: 'error', id: message.id, message: messageOf(error) } satisfies FromWorker);
    }
  });
  port.postMessage({ type: 'ready' } satisfies FromWorker);
}
