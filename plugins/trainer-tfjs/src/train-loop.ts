// One child's training: our own loop (not model.fit, whose shuffle uses Math.random) with seeded
// shuffling, the learning-rate schedule, BatchNorm moving statistics, early stopping, abort and
// time-limit checks between batches, a NaN check on every step's loss, and scoring at the end.
import * as tf from '@tensorflow/tfjs';
import { Rng, UserError, deriveSeed, type Architecture, type CurvePoint, type DataSplit, type DatasetSplits, type TrainingResult } from '@coex/core';
import { loadCheckpoint, saveCheckpoint } from './checkpoint';
import { onBackend, type BackendName } from './backend';
import { AbortError, NonFiniteLossError, TimeLimitError } from './errors';
import { asChainCnn, buildChainModel, type ChainModel, type ChainNetwork } from './model';
import { backward, forwardInfer, forwardTrain, softmaxCrossEntropy } from './network';
import { createOptimizer, disposeOptimizer, setLearningRate } from './optimizer';
import type { TrainerOptions } from './options';
import { saveModel } from './save';
import { EarlyStopping, LossCurve, Throughput } from './progress';
import { learningRateAt } from './schedule';

/** What tfjs-trained children report beyond core's TrainingResult fields. */
export interface TfjsTrainingResult extends TrainingResult {
  accuracy: number;
  loss: number;
  lossCurve: number[];
  params: number;
  seconds: number;
  backend: string;
  /** Training images per second inside training steps (first step and evaluation excluded). */
  imagesPerSecond: number;
  /** Epochs run (fewer than planned after early stopping). */
  epochs: number;
  steps: number;
  validationLoss: number;
  /** Validation accuracy after each epoch. */
  accuracyCurve?: number[];
  stoppedEarly?: boolean;
  /** model.json of the saved model, when saving was asked for. */
  savedTo?: string;
}

export interface TrainChildRequest {
  architecture: Architecture;
  data: DatasetSplits;
  options: TrainerOptions;
  seed: number;
  /** An initialised backend (prepareBackend); it is active only while this trial's tfjs work runs. */
  backend: BackendName;
  signal?: AbortSignal;
  /** Folder to save the trained model to. */
  saveDir?: string;
  /** Receives each intermediate result; true stops training (the state is saved to checkpointDir). */
  report?: (point: CurvePoint) => Promise<boolean>;
  checkpointDir?: string;
  /** A checkpoint folder to continue from (a promoted trial). */
  resumeFrom?: string;
}

/** Throws a UserError when the network and the dataset disagree on shape, classes or labels. */
export function checkDataFits(chain: { input: DatasetSplits['shape']; classes: number }, data: DatasetSplits): void {
  const a = chain.input;
  const d = data.shape;
  if (a.height !== d.height || a.width !== d.width || a.channels !== d.channels) {
    throw new UserError(
      `the architecture's input is ${a.height}x${a.width}x${a.channels} but dataset ${data.name} has ${d.height}x${d.width}x${d.channels} images`,
    );
  }
  if (chain.classes !== data.classes) {
    throw new UserError(`the architecture has ${chain.classes} classes but dataset ${data.name} has ${data.classes}`);
  }
  const imageSize = d.height * d.width * d.channels;
  for (const [name, split] of [['train', data.train], ['validation', data.validation], ['test', data.test]] as const) {
    if (!split) continue;
    if (split.x.length !== split.count * imageSize || split.y.length !== split.count) {
      throw new UserError(`dataset ${data.name}: ${name} split holds ${split.x.length} values and ${split.y.length} labels for ${split.count} images of ${imageSize} values`);
    }
  }
  if (data.train.count === 0) throw new UserError(`dataset ${data.name}: the train split is empty`);
}

/** Copies the images and labels at `indices` into batch tensors. */
export function batchOf(split: DataSplit, indices: ArrayLike<number>, shape: DatasetSplits['shape']): { x: tf.Tensor4D; y: tf.Tensor1D } {
  const size = shape.height * shape.width * shape.channels;
  const x = new Float32Array(indices.length * size);
  const y = new Int32Array(indices.length);
  for (let i = 0; i < indices.length; i++) {
    const j = indices[i];
    x.set(split.x.subarray(j * size, (j + 1) * size), i * size);
    y[i] = split.y[j];
  }
  return { x: tf.tensor4d(x, [indices.length, shape.height, shape.width, shape.channels]), y: tf.tensor1d(y, 'int32') };
}

/** Accuracy (0..1) and mean loss of the network on a split, in inference mode. */
export function evaluate(net: ChainNetwork, split: DataSplit, shape: DatasetSplits['shape'], batchSize: number): { accuracy: number; loss: number } {
  let correct = 0;
  let lossSum = 0;
  for (let start = 0; start < split.count; start += batchSize) {
    const indices = Array.from({ length: Math.min(batchSize, split.count - start) }, (_, i) => start + i);
    const { x, y } = batchOf(split, indices, shape);
    const [hits, loss] = tf.tidy(() => {
      const logits = forwardInfer(net, x);
      const hit = tf.sum(tf.cast(tf.equal(tf.argMax(logits, 1), y), 'float32'));
      return [hit, tf.mul(softmaxCrossEntropy(logits, y).loss, indices.length)];
    });
    correct += hits.dataSync()[0];
    lossSum += loss.dataSync()[0];
    tf.dispose([x, y, hits, loss]);
  }
  return split.count > 0 ? { accuracy: correct / split.count, loss: lossSum / split.count } : { accuracy: Number.NaN, loss: Number.NaN };
}

/**
 * BatchNorm moving-statistics rate at 0-based `step`. Warm start: average the batches seen so far
 * until that window reaches 1/(1 - momentum) steps, then the usual exponential average, so short
 * runs carry no pull towards the initial mean 0 / variance 1.
 */
function movingRate(options: TrainerOptions, step: number): number {
  const rate = 1 - options.batchNormMomentum;
  return options.batchNormWarmStart ? Math.max(rate, 1 / (step + 1)) : rate;
}

/** One optimisation step on a batch (freed here); returns its loss. Only the variables change. */
function trainStep(chain: ChainModel, optimizer: tf.Optimizer, batch: { x: tf.Tensor4D; y: tf.Tensor1D }, learningRate: number, rate: number): number {
  const { net } = chain;
  setLearningRate(optimizer, learningRate);
  try {
    const loss = tf.tidy(() => {
      const forward = forwardTrain(net, batch.x);
      const { loss, dLogits } = softmaxCrossEntropy(forward.logits, batch.y);
      const grads = backward(net, forward, dLogits);
      optimizer.applyGradients(net.trainable.map((v) => ({ name: v.name, tensor: grads.get(v)! })));
      net.blocks.forEach((block, i) => {
        const { mean, variance } = forward.batchStats[i];
        const [n, h, w] = forward.caches[i].y.shape;
        const m = n * h * w;
        // The moving variance estimates the population variance: unbiased batch variance, as Keras and PyTorch do.
        const unbiased = tf.mul(variance, m / Math.max(m - 1, 1));
        block.movingMean.assign(tf.add(block.movingMean, tf.mul(tf.sub(mean, block.movingMean), rate)));
        block.movingVariance.assign(tf.add(block.movingVariance, tf.mul(tf.sub(unbiased, block.movingVariance), rate)));
      });
      return loss;
    });
    const value = loss.dataSync()[0];
    loss.dispose();
    return value;
  } finally {
    tf.dispose([batch.x, batch.y]);
  }
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Trains one child network and scores it; the model and optimizer are freed before returning. */
export async function trainChild(request: TrainChildRequest): Promise<TfjsTrainingResult> {
  const started = performance.now();
  const { data, options, signal } = request;
  const elapsed = () => (performance.now() - started) / 1000;
  const checkStop = (where: string) => {
    if (signal?.aborted) throw new AbortError(`training aborted ${where}`, { cause: signal.reason });
    if (options.timeLimit !== undefined && elapsed() > options.timeLimit) {
      throw new TimeLimitError(`training exceeded trainer.timeLimit (${options.timeLimit} s) ${where}, after ${elapsed().toFixed(1)} s`);
    }
  };
  checkStop('before it started');
  checkDataFits(asChainCnn(request.architecture), data);
  // tfjs work runs in synchronous sections on this trial's backend (see onBackend).
  const on = <T>(work: () => T): T => onBackend(request.backend, work);
  const { chain, optimizer } = on(() => ({
    chain: buildChainModel(request.architecture, {
      seed: request.seed,
      batchNormMomentum: options.batchNormMomentum,
      batchNormEpsilon: options.batchNormEpsilon,
    }),
    optimizer: createOptimizer(options.optimizer, options.learningRate),
  }));
  try {
    const stepsPerEpoch = Math.ceil(data.train.count / options.batchSize);
    const totalSteps = stepsPerEpoch * options.epochs;
    const lossCurve = new LossCurve(options.lossEvery);
    const throughput = new Throughput();
    const stopping = options.earlyStopping > 0 ? new EarlyStopping(options.earlyStopping) : undefined;
    const score = (split: DataSplit) => on(() => evaluate(chain.net, split, data.shape, options.evalBatchSize));
    const curve: CurvePoint[] = [];
    let step = 0;
    let epochLoss = Number.NaN;
    if (request.resumeFrom) {
      const position = await loadCheckpoint(request.resumeFrom, chain.net, optimizer, on);
      step = position.step;
      epochLoss = position.epochLoss;
      Object.assign(lossCurve, position.lossCurve);
      if (stopping && position.stopping) Object.assign(stopping, position.stopping);
      curve.push(...position.curve);
    }
    const imagesAfter = (steps: number) => {
      const epochs = Math.floor(steps / stepsPerEpoch);
      const rest = steps % stepsPerEpoch;
      return epochs * data.train.count + Math.min(rest * options.batchSize, data.train.count);
    };
    let lastValidation: { accuracy: number; loss: number; step: number } | undefined;
    let stopped = false;
    /** Scores the validation split as a learning-curve point; true when the scheduler stops the trial here. */
    const reportPoint = async (where: string): Promise<boolean> => {
      checkStop(`before validating ${where}`);
      const v = score(data.validation);
      lastValidation = { ...v, step };
      const point: CurvePoint = { step, epoch: step / stepsPerEpoch, accuracy: v.accuracy, loss: v.loss, images: imagesAfter(step) };
      curve.push(point);
      return request.report ? request.report(point) : false;
    };
    const startEpoch = Math.floor(step / stepsPerEpoch) + 1;
    training: for (let epoch = startEpoch; epoch <= options.epochs; epoch++) {
      const order = new Rng(deriveSeed(request.seed, 'shuffle', epoch)).shuffle(Array.from({ length: data.train.count }, (_, i) => i));
      for (let b = step % stepsPerEpoch; b < stepsPerEpoch; b++) {
        await yieldToEventLoop(); // lets the abort signal and other trials in
        checkStop(`at epoch ${epoch}, step ${b + 1}`);
        const stepStarted = performance.now();
        const indices = order.slice(b * options.batchSize, (b + 1) * options.batchSize);
        const learningRate = learningRateAt(options.schedule, options.learningRate, step, totalSteps);
        const loss = on(() => trainStep(chain, optimizer, batchOf(data.train, indices, data.shape), learningRate, movingRate(options, step)));
        throughput.addStep((performance.now() - stepStarted) / 1000, indices.length);
        step++;
        if (!Number.isFinite(loss)) {
          throw new NonFiniteLossError(`NaN loss at epoch ${epoch}, step ${b + 1}${Number.isNaN(loss) ? '' : ` (the loss was ${loss})`}`);
        }
        lossCurve.addStep(loss, indices.length);
        // Every reportEvery steps inside an epoch (the epoch's end reports below).
        if (options.reportEvery > 0 && step % options.reportEvery === 0 && b < stepsPerEpoch - 1) {
          if (await reportPoint(`step ${step}`)) { stopped = true; break training; }
        }
      }
      epochLoss = lossCurve.endEpoch();
      if (await reportPoint(`epoch ${epoch}`)) { stopped = true; break; }
      if (stopping && stopping.shouldStop(epoch, lastValidation!.accuracy)) break;
    }
    const epochsRun = Math.ceil(step / stepsPerEpoch);
    let checkpoint: string | undefined;
    if (stopped && request.checkpointDir) {
      const position = { step, epochLoss, lossCurve: { ...lossCurve }, stopping: stopping && { ...stopping }, curve };
      checkpoint = await saveCheckpoint(request.checkpointDir, chain.net, optimizer, position, on);
    }
    checkStop('before scoring');
    const validation = lastValidation?.step === step ? lastValidation : score(data.validation);
    const test = !stopped && data.test && data.test.count > 0 ? score(data.test) : undefined;
    const result: TfjsTrainingResult = {
      accuracy: validation.accuracy,
      ...(test ? { testAccuracy: test.accuracy } : {}),
      loss: epochLoss,
      lossCurve: lossCurve.finish(),
      validationLoss: validation.loss,
      params: chain.params,
      seconds: 0,
      backend: request.backend,
      imagesPerSecond: throughput.imagesPerSecond(),
      epochs: epochsRun,
      steps: step,
      images: imagesAfter(step),
      curve,
      accuracyCurve: curve.filter((p) => Number.isInteger(p.epoch)).map((p) => p.accuracy),
      ...(stopping ? { stoppedEarly: epochsRun < options.epochs } : {}),
      ...(stopped ? { stopped: true } : {}),
      ...(checkpoint ? { checkpoint } : {}),
    };
    if (request.saveDir) result.savedTo = await saveModel(chain.model, request.saveDir);
    result.seconds = elapsed();
    return result;
  } finally {
    on(() => {
      chain.model.dispose();
      disposeOptimizer(optimizer);
    });
  }
}
