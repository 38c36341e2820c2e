// The `trainer` role: trains each child for real with TensorFlow.js. The dataset is loaded once per
// trainer (with the run's seed) and reused by every trial; the backend is chosen on first use.
import * as path from 'node:path';
import type { Architecture, Dataset, DatasetSplits, Trainer, TrainRequest } from '@coex/core';
import { prepareBackend, type BackendChoice } from './backend';
import { savedModelToOnnx } from './onnx';
import { PLUGIN_NAME, resolveTrainerOptions, type TrainerOptions, type TrainerOptionsInput } from './options';
import { trainChild, type TfjsTrainingResult } from './train-loop';

export interface TfjsTrainerSettings {
  /** Seed handed to Dataset.load (the run's seed): the same splits in every trial and worker. */
  dataSeed: number;
  /** Where relative saveDir paths start (the run's folder); default: the working directory. */
  baseDir?: string;
  log?: (message: string) => void;
}

export class TfjsTrainer implements Trainer {
  private data?: Promise<DatasetSplits>;
  private backend?: Promise<BackendChoice>;

  constructor(
    private readonly dataset: Dataset,
    readonly options: TrainerOptions,
    private readonly settings: TfjsTrainerSettings,
  ) {}

  /** The backend that trains (chosen once; 'tensorflow', 'wasm' or 'cpu'). */
  ready(): Promise<BackendChoice> {
    this.backend ??= prepareBackend(this.options.backend).then((choice) => {
      this.settings.log?.(`${PLUGIN_NAME}: training on the ${choice.name} backend${choice.notes.length ? ` (${choice.notes.join('; ')})` : ''}`);
      return choice;
    });
    return this.backend;
  }

  /** The dataset's splits, loaded on first use and kept for every later trial. */
  splits(): Promise<DatasetSplits> {
    this.data ??= this.dataset.load({ seed: this.settings.dataSeed }).catch((error: unknown) => {
      this.data = undefined; // let a later trial retry
      throw error;
    });
    return this.data;
  }

  async train(request: TrainRequest): Promise<TfjsTrainingResult> {
    const [backend, data] = await Promise.all([this.ready(), this.splits()]);
    const saveDir = this.options.saveDir
      ? path.resolve(this.settings.baseDir ?? process.cwd(), this.options.saveDir, `trial-${request.seq}`)
      : undefined;
    return trainChild({
      architecture: request.architecture,
      data,
      options: this.options,
      seed: request.seed,
      backend: backend.name,
      signal: request.signal,
      saveDir,
      report: request.report,
      checkpointDir: request.checkpointDir,
      resumeFrom: request.resumeFrom,
    });
  }

  async close(): Promise<void> {
    this.data = undefined;
  }

  toOnnx(savedTo: string, architecture: Architecture): Promise<Uint8Array> {
    return savedModelToOnnx(savedTo, architecture);
  }
}

export type TrainOnceOptions = TrainerOptionsInput & {
  /** Seed of the weights and the shuffling. */
  seed: number;
  /** Save the trained model here (model.json + weights.bin). */
  saveDir?: string;
  signal?: AbortSignal;
  /** Seed for Dataset.load; default: `seed`. */
  dataSeed?: number;
};

function isSplits(value: Dataset | DatasetSplits): value is DatasetSplits {
  return 'train' in value && 'validation' in value;
}

/**
 * Trains one architecture once (what `coex train ... --save <dir>` needs): options are validated
 * like the plugin's (UserError naming `trainer.<option>`), the model is saved to `saveDir` as-is.
 */
export async function trainOnce(architecture: Architecture, dataset: Dataset | DatasetSplits, options: TrainOnceOptions): Promise<TfjsTrainingResult> {
  const { seed, saveDir, signal, dataSeed, ...rest } = options;
  const resolved = resolveTrainerOptions(rest);
  const backend = await prepareBackend(resolved.backend);
  const data = isSplits(dataset) ? dataset : await dataset.load({ seed: dataSeed ?? seed });
  return trainChild({ architecture, data, options: resolved, seed, backend: backend.name, signal, saveDir: saveDir ? path.resolve(saveDir) : undefined });
}
