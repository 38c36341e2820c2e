// The `trainer` role of one-shot search: the supernet trains once per run (on the first train call,
// resuming from its checkpoint in the run's folder), then every candidate is scored by inheriting
// its weights. Results say `source: 'supernet'`: the accuracy is an estimate that ranks candidates;
// `standAlone()` gives the trainer that retrains one for real (finalizeTopK, `coex finalize`).
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { asChainCnn, checkDataFits, onBackend, prepareBackend, resolveTrainerOptions, TfjsTrainer, type BackendChoice } from '@coex/plugin-trainer-tfjs/fast-path';
import type { ChainCnnArchitecture, Dataset, DatasetSplits, Trainer, TrainingResult, TrainRequest } from '@coex/core';
import { PLUGIN_NAME, perWidthNorm, recalibrates, type SupernetOptions } from './options';
import { calibrationBatches, firstImages, scoreSubnetwork } from './score';
import { buildSupernet, disposeSupernet, type Supernet, type SupernetShape } from './supernet';
import { trainSupernet, type SupernetTrainingSummary } from './train';

export const CHECKPOINT_FILE = 'checkpoint.bin';

/** What a supernet-scored trial records beside core's TrainingResult fields. */
export interface SupernetTrainingResult extends TrainingResult {
  accuracy: number;
  /** The accuracy is the inherited-weights score of a shared supernet, not a stand-alone training's. */
  source: 'supernet';
  loss: number;
  params: number;
  /** Seconds to score this candidate (inherit, recalibrate, validate); supernet training excluded. */
  seconds: number;
  backend: string;
  supernet: { steps: number; trainSeconds: number; checkpoint: string };
}

export interface SupernetTrainerSettings {
  /** The run's seed: the data split, the supernet's weights and its training. */
  seed: number;
  /** The run's folder (PluginContext.outDir): the checkpoint and saved models go under it. */
  outDir: string;
  log?: (message: string) => void;
}

interface ReadySupernet {
  supernet: Supernet;
  summary: SupernetTrainingSummary;
  /** Undefined with per-width BatchNorm's stored statistics. */
  calibration?: { x: tf.Tensor4D; y: tf.Tensor1D }[];
}

/** Parameters of a chain CNN (conv, BatchNorm's gamma and beta, dense), as trainer-tfjs counts them. */
function paramsOf(arch: ChainCnnArchitecture): number {
  let [h, w, c] = [arch.input.height, arch.input.width, arch.input.channels];
  let params = 0;
  for (const l of arch.layers) {
    params += l.kernel * l.kernel * c * l.filters + 3 * l.filters;
    [h, w, c] = [Math.ceil(h / l.stride), Math.ceil(w / l.stride), l.filters];
  }
  return params + h * w * c * arch.classes + arch.classes;
}

export class SupernetTrainer implements Trainer {
  private data?: Promise<DatasetSplits>;
  private backend?: Promise<BackendChoice>;
  private ready?: Promise<ReadySupernet>;

  constructor(
    private readonly dataset: Dataset,
    readonly options: SupernetOptions,
    private readonly settings: SupernetTrainerSettings,
  ) {}

  get checkpointFile(): string {
    return path.resolve(this.settings.outDir, this.options.checkpointDir, CHECKPOINT_FILE);
  }

  private splits(): Promise<DatasetSplits> {
    this.data ??= this.dataset.load({ seed: this.settings.seed });
    return this.data;
  }

  private chooseBackend(): Promise<BackendChoice> {
    this.backend ??= prepareBackend(this.options.backend).then((choice) => {
      this.settings.log?.(`${PLUGIN_NAME}: supernet on the ${choice.name} backend${choice.notes.length ? ` (${choice.notes.join('; ')})` : ''}`);
      return choice;
    });
    return this.backend;
  }

  /** The supernet's shape for the run's first candidate. */
  shapeFor(arch: ChainCnnArchitecture): SupernetShape {
    const o = this.options;
    return {
      input: arch.input, classes: arch.classes, depth: o.depth ?? arch.layers.length, maxKernel: Math.max(...o.kernels), maxFilters: Math.max(...o.filters), strides: o.strides,
      ...(perWidthNorm(o.batchNorm) ? { perWidthNorm: o.filters } : {}),
    };
  }

  /** What the trained weights depend on: a checkpoint made with anything else is refused. */
  fingerprint(shape: SupernetShape, data: DatasetSplits): string {
    // BatchNorm's mode is in the shape (per width or shared) and in scoring (recalibrated or not); its momentum matters per width only.
    const { finalizeTopK: _k, standAlone: _s, saveDir: _d, evalBatchSize: _e, scoreImages: _i, recalibrationBatches: _r, checkpointDir: _c, backend: _b,
      batchNorm, batchNormMomentum, ...rest } = this.options;
    const training = perWidthNorm(batchNorm) ? { ...rest, batchNormMomentum } : rest;
    return JSON.stringify({ shape, training, seed: this.settings.seed, data: { name: data.name, train: data.train.count, validation: data.validation.count } });
  }

  /** Trains the supernet (or loads its complete checkpoint) once; later calls share the result. */
  prepare(arch: ChainCnnArchitecture, signal?: AbortSignal): Promise<ReadySupernet> {
    this.ready ??= (async () => {
      const [backend, data] = await Promise.all([this.chooseBackend(), this.splits()]);
      checkDataFits(arch, data);
      const shape = this.shapeFor(arch);
      const supernet = onBackend(backend.name, () => buildSupernet(shape, this.settings.seed, this.options.batchNormEpsilon));
      try {
        const summary = await trainSupernet({
          supernet, data, options: this.options, seed: this.settings.seed, backend: backend.name,
          checkpointFile: this.checkpointFile, fingerprint: this.fingerprint(shape, data), signal, log: this.settings.log,
        });
        if (summary.resumedFrom < summary.totalSteps) {
          this.settings.log?.(`${PLUGIN_NAME}: supernet trained, ${summary.steps} steps in ${summary.trainSeconds.toFixed(1)} s (checkpoint ${this.checkpointFile})`);
        }
        const calibration = recalibrates(this.options.batchNorm)
          ? onBackend(backend.name, () => calibrationBatches(data, this.settings.seed, this.options.recalibrationBatches, this.options.batchSize))
          : undefined;
        return { supernet, summary, calibration };
      } catch (error) {
        onBackend(backend.name, () => disposeSupernet(supernet));
        throw error;
      }
    })();
    this.ready.catch(() => {
      this.ready = undefined; // a later call retries (from the checkpoint)
    });
    return this.ready;
  }

  async train(request: TrainRequest): Promise<SupernetTrainingResult> {
    const arch = asChainCnn(request.architecture);
    const { supernet, summary, calibration } = await this.prepare(arch, request.signal);
    const [backend, data] = await Promise.all([this.chooseBackend(), this.splits()]);
    const started = performance.now();
    const imageSize = data.shape.height * data.shape.width * data.shape.channels;
    const validation = firstImages(data.validation, this.options.scoreImages, imageSize);
    const score = onBackend(backend.name, () => scoreSubnetwork(supernet, arch, calibration, validation, data.shape, this.options.evalBatchSize));
    return {
      accuracy: score.accuracy,
      source: 'supernet',
      loss: score.loss,
      params: paramsOf(arch),
      seconds: (performance.now() - started) / 1000,
      backend: backend.name,
      supernet: { steps: summary.steps, trainSeconds: summary.trainSeconds, checkpoint: this.checkpointFile },
    };
  }

  /** The trainer that retrains a candidate stand-alone (trainer-tfjs with `standAlone` options and these overrides). */
  standAlone(overrides: { epochs?: number; saveDir?: string } = {}): Trainer {
    const saveDir = overrides.saveDir ?? this.options.saveDir;
    const options = resolveTrainerOptions({ ...this.options.standAlone, backend: this.options.backend, ...(overrides.epochs ? { epochs: overrides.epochs } : {}), ...(saveDir ? { saveDir } : {}) }, 'trainer.standAlone');
    return new TfjsTrainer(this.dataset, options, { dataSeed: this.settings.seed, baseDir: this.settings.outDir, log: this.settings.log });
  }

  async close(): Promise<void> {
    const ready = this.ready;
    this.ready = undefined;
    this.data = undefined;
    if (!ready) return;
    const loaded = await ready.catch(() => undefined);
    const backend = await this.backend;
    if (loaded && backend) onBackend(backend.name, () => { disposeSupernet(loaded.supernet); tf.dispose((loaded.calibration ?? []).flatMap((b) => [b.x, b.y])); });
  }
}
