// The `trainer` role: trains each child in a persistent Python process. Python starts once per
// slot, not per child: an idle process trains the next child, and a new one starts only when every
// process is busy (so there are as many as the executor trains at once). The dataset is loaded once
// per trainer (with the run's seed) and written once as binary files the processes memory-map.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError, type CurvePoint, type Dataset, type DatasetSplits, type Trainer, type TrainingResult, type TrainRequest } from '@coex/core';
import { isChainCnn, validateChainCnn } from '@coex/kit-chain-cnn';
import { writeDataFiles } from './data-files';
import { resolveInterpreter, type PythonInterpreter } from './interpreter';
import { PLUGIN_NAME, PYTHON_OPTIONS, type TorchTrainerOptions } from './options';
import { TorchProcess, namedError } from './worker-process';

/** Seconds past trainer.timeLimit before Node stops a worker that did not stop itself (a step or scoring that hangs). */
export const HARD_LIMIT_GRACE = 30;

export interface TorchTrainingResult extends TrainingResult {
  accuracy: number;
  loss: number;
  lossCurve: number[];
  validationLoss: number;
  params: number;
  seconds: number;
  backend: 'torch';
  imagesPerSecond: number;
  epochs: number;
  steps: number;
  curve: CurvePoint[];
  /**
   * CPU seconds of the Python process for this child (all its threads; a new process's start-up
   * included), from the process's own clock (time.process_time) at its last reply for the child.
   */
  cpuSeconds: number;
  /** The Python process that trained it (reused across children). */
  pid: number;
  torch: string;
  savedTo?: string;
}

export interface TorchTrainerSettings {
  /** Seed handed to Dataset.load (the run's seed): the same splits in every trial and worker. */
  dataSeed: number;
  /** The run's folder: dataDir and relative saveDir paths start here. */
  baseDir: string;
  log?: (message: string) => void;
  env?: NodeJS.ProcessEnv;
  /** Called with each learning-curve point as the Python side reports it (trial `seq`). */
  onCurve?: (seq: number, point: CurvePoint) => void;
}

/** Throws a UserError when the network and the dataset disagree on shape or classes. */
function checkFits(request: TrainRequest, data: DatasetSplits): void {
  const arch = request.architecture;
  if (!isChainCnn(arch)) throw new UserError(`${PLUGIN_NAME} trains architectures of kind "chain-cnn" only, got kind "${arch.kind}"`);
  validateChainCnn(arch);
  const [a, d] = [arch.input, data.shape];
  if (a.height !== d.height || a.width !== d.width || a.channels !== d.channels) {
    throw new UserError(`the architecture's input is ${a.height}x${a.width}x${a.channels} but dataset ${data.name} has ${d.height}x${d.width}x${d.channels} images`);
  }
  if (arch.classes !== data.classes) throw new UserError(`the architecture has ${arch.classes} classes but dataset ${data.name} has ${data.classes}`);
  if (data.train.count === 0) throw new UserError(`dataset ${data.name}: the train split is empty`);
}

export class TorchTrainer implements Trainer {
  private readonly idle: TorchProcess[] = [];
  private readonly processes = new Set<TorchProcess>();
  private data?: Promise<{ manifest: string; dir: string; created: boolean; splits: DatasetSplits }>;
  private python?: PythonInterpreter;
  private closed = false;

  constructor(
    private readonly dataset: Dataset,
    readonly options: TorchTrainerOptions,
    private readonly settings: TorchTrainerSettings,
  ) {}

  /** The interpreter (resolved on first use; a UserError when none imports torch). */
  interpreter(): PythonInterpreter {
    this.python ??= resolveInterpreter(this.options.python, this.settings.env ?? process.env);
    return this.python;
  }

  /** Pids of the live Python processes. */
  pids(): number[] {
    return [...this.processes].filter((p) => p.alive).map((p) => p.pid!);
  }

  private dataFiles() {
    this.data ??= this.dataset.load({ seed: this.settings.dataSeed }).then((splits) => ({
      ...writeDataFiles(splits, path.resolve(this.settings.baseDir, this.options.dataDir)),
      splits,
    })).catch((error: unknown) => {
      this.data = undefined; // a later trial tries again
      throw error;
    });
    return this.data;
  }

  private acquire(): TorchProcess {
    for (let p = this.idle.pop(); p; p = this.idle.pop()) if (p.alive) return p;
    const { command, torch } = this.interpreter();
    const threads = String(this.options.threads);
    const env = this.settings.env ?? process.env;
    const proc = new TorchProcess(command, {
      // glibc keeps large freed blocks instead of unmapping them every step (the reference benchmark's setting).
      MALLOC_MMAP_THRESHOLD_: '134217728',
      MALLOC_TRIM_THRESHOLD_: '1073741824',
      ...env,
      PYTHONUNBUFFERED: '1',
      COEX_TORCH_THREADS: threads,
      OMP_NUM_THREADS: threads,
      MKL_NUM_THREADS: threads,
    });
    // Kept until it has exited, so that close() also waits for the ones being killed.
    this.processes.add(proc);
    void proc.exit.then(() => this.processes.delete(proc));
    proc.ready.then(
      ({ pid }) => this.settings.log?.(`${PLUGIN_NAME}: Python worker ${pid} started (${command}, torch ${torch}, ${threads} thread${threads === '1' ? '' : 's'})`),
      () => undefined,
    );
    return proc;
  }

  async train(request: TrainRequest): Promise<TorchTrainingResult> {
    const { signal, seq } = request;
    if (this.closed) throw new Error(`${PLUGIN_NAME}: the trainer is closed`);
    const abortError = () => namedError('AbortError', `training aborted (trial ${seq})`);
    if (signal?.aborted) throw abortError();
    this.interpreter();
    const data = await this.dataFiles();
    checkFits(request, data.splits);
    if (signal?.aborted) throw abortError();
    const proc = this.acquire();
    let timer: NodeJS.Timeout | undefined;
    const onAbort = () => proc.kill(abortError());
    signal?.addEventListener('abort', onAbort, { once: true });
    const { timeLimit } = this.options;
    if (timeLimit !== undefined) {
      timer = setTimeout(() => proc.kill(namedError('TimeLimitError',
        `training exceeded trainer.timeLimit (${timeLimit} s) and the Python worker did not stop by itself within ${HARD_LIMIT_GRACE} s; stopped it`)),
      (timeLimit + HARD_LIMIT_GRACE) * 1000);
    }
    const curve: CurvePoint[] = [];
    // A scheduler's stop (request.report resolving true) ends the child where it is: its process is
    // stopped like an aborted one, and the result is the last point's. No state is saved, so a
    // promoted child trains again from scratch (trainer-tfjs continues from its checkpoint).
    let stoppedAt: CurvePoint | undefined;
    const stopError = () => namedError('StoppedByScheduler', `trial ${seq} stopped by the scheduler`);
    try {
      const { pid, torch } = await proc.ready;
      const options = Object.fromEntries(PYTHON_OPTIONS.map((k) => [k, this.options[k]]));
      const saveDir = this.options.saveDir ? path.resolve(this.settings.baseDir, this.options.saveDir, `trial-${seq}`) : undefined;
      const result = await proc.train(
        { type: 'train', id: seq, seed: request.seed, architecture: request.architecture, data: data.manifest, options, ...(saveDir ? { saveDir } : {}) },
        (point) => {
          curve.push(point);
          this.settings.onCurve?.(seq, point);
          void request.report?.(point).then((stop) => {
            if (!stop || stoppedAt) return;
            stoppedAt = point;
            proc.kill(stopError());
          });
        },
      );
      const cpuSeconds = proc.takeCpuSeconds();
      if (!this.closed) this.idle.push(proc); // a trial that failed inside Python leaves the process usable
      return { ...result, curve: (result.curve as CurvePoint[] | undefined) ?? curve, cpuSeconds, pid, torch } as TorchTrainingResult;
    } catch (error) {
      // Charged to this child either way; a stopped child up to its last reply (the stop's point).
      const cpuSeconds = proc.takeCpuSeconds();
      if (stoppedAt && !signal?.aborted) {
        const upTo = curve.slice(0, curve.indexOf(stoppedAt) + 1);
        return { accuracy: stoppedAt.accuracy, loss: stoppedAt.loss, curve: upTo, backend: 'torch', stopped: true, cpuSeconds } as TorchTrainingResult;
      }
      // Aborted, stopped by the hard limit or dead: gone for good. Failed inside Python: still usable.
      if (proc.alive && !this.closed) this.idle.push(proc);
      // Aborted while Python was still starting: the process died of the stop, the trial of the abort.
      throw signal?.aborted && (error as Error).name !== 'AbortError' ? abortError() : error;
    } finally {
      if (timer) clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.processes].map((proc) => proc.close()));
    this.processes.clear();
    this.idle.length = 0;
    const data = await this.data?.catch(() => undefined);
    this.data = undefined;
    // Files this trainer wrote go with it; those another worker wrote stay for that worker.
    if (!data?.created) return;
    fs.rmSync(data.dir, { recursive: true, force: true });
    // Then the data folder and its parents up to the run's folder, when nothing else is in them.
    for (let dir = path.dirname(data.dir); dir.startsWith(this.settings.baseDir + path.sep); dir = path.dirname(dir)) {
      try {
        fs.rmdirSync(dir);
      } catch {
        break;
      }
    }
  }
}
