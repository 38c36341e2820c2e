// Supernet training: per step, the sandwich of subnetworks (sampling.ts) is cut from the supernet,
// each runs trainer-tfjs's hand-written forward and backward passes, and their gradients, padded
// into the full weights, are summed into one optimizer update. Everything that varies between
// steps is a function of the seed and the step number (the epoch's shuffle, the step's subnetworks),
// and the optimizer's state is saved with the weights, so training resumed from a checkpoint
// reaches the weights an uninterrupted run reaches.
import * as tf from '@tensorflow/tfjs';
import { Rng, UserError, deriveSeed, type DatasetSplits } from '@coex/core';
import {
  AbortError,
  NonFiniteLossError,
  backward,
  batchOf,
  forwardTrain,
  learningRateAt,
  onBackend,
  softmaxCrossEntropy,
  type BackendName,
} from '@coex/plugin-trainer-tfjs/fast-path';
import { readCheckpoint, writeCheckpoint, type CheckpointMeta } from './checkpoint';
import { PLUGIN_NAME, type SupernetOptions } from './options';
import { SupernetOptimizer } from './optimizer';
import { sandwich } from './sampling';
import { gradientsToSupernet, sliceSubnetwork, updateMovingStatistics, type Supernet } from './supernet';

export interface SupernetTrainingRequest {
  supernet: Supernet;
  data: DatasetSplits;
  options: SupernetOptions;
  seed: number;
  backend: BackendName;
  checkpointFile: string;
  /** What the weights depend on; a checkpoint with another fingerprint is refused. */
  fingerprint: string;
  signal?: AbortSignal;
  log?: (message: string) => void;
  /** Stop, as an interruption would, once this many steps are done (tests of resume). */
  stopAtStep?: number;
}

export interface SupernetTrainingSummary {
  steps: number;
  totalSteps: number;
  /** Seconds of supernet training, summed over every process that trained it. */
  trainSeconds: number;
  /** Step the training resumed from (0: from scratch). */
  resumedFrom: number;
  complete: boolean;
}

/** Mean cross-entropy against soft targets (in-place distillation) and its gradient. */
function softTargetLoss(logits: tf.Tensor2D, targets: tf.Tensor2D): { loss: tf.Scalar; dLogits: tf.Tensor2D } {
  const batch = logits.shape[0];
  const logProbs = tf.logSoftmax(logits);
  return {
    loss: tf.div(tf.neg(tf.sum(tf.mul(targets, logProbs))), batch) as tf.Scalar,
    dLogits: tf.div(tf.sub(tf.exp(logProbs), targets), batch) as tf.Tensor2D,
  };
}

/** One step over the step's subnetworks; frees everything but the updated weights. Returns the mean loss. */
function trainStep(request: SupernetTrainingRequest, optimizer: SupernetOptimizer, indices: number[], step: number, totalSteps: number): number {
  const { supernet, data, options } = request;
  const subnets = sandwich(new Rng(deriveSeed(request.seed, 'supernet', 'subnets', step)), supernet.shape, options, options, step / totalSteps);
  const { x, y } = batchOf(data.train, indices, data.shape);
  const sums = new Map<tf.Variable, tf.Tensor>();
  let teacher: tf.Tensor2D | undefined;
  let lossSum = 0;
  try {
    subnets.forEach((arch, j) => {
      const updatedVariables: tf.Variable[] = [];
      const out = tf.tidy(() => {
        const sub = sliceSubnetwork(supernet, arch);
        const forward = forwardTrain(sub.net, x);
        updateMovingStatistics(sub, forward, 1 - options.batchNormMomentum);
        const { loss, dLogits } = teacher ? softTargetLoss(forward.logits, teacher) : softmaxCrossEntropy(forward.logits, y);
        const local = new Map<tf.Variable, tf.Tensor>();
        gradientsToSupernet(sub, backward(sub.net, forward, dLogits), local);
        const grads = [...local].map(([v, g]) => {
          updatedVariables.push(v);
          const old = sums.get(v);
          return old ? tf.add(old, g) : g;
        });
        return { loss, grads, ...(j === 0 && options.distillation ? { soft: tf.softmax(forward.logits) } : {}) };
      }) as { loss: tf.Scalar; grads: tf.Tensor[]; soft?: tf.Tensor2D };
      updatedVariables.forEach((v, i) => {
        sums.get(v)?.dispose();
        sums.set(v, out.grads[i]);
      });
      if (out.soft) teacher = out.soft;
      lossSum += out.loss.dataSync()[0];
      out.loss.dispose();
    });
    optimizer.apply(sums, learningRateAt(options.schedule, options.learningRate, step, totalSteps));
  } finally {
    tf.dispose([x, y, ...sums.values(), ...(teacher ? [teacher] : [])]);
  }
  return lossSum / subnets.length;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Steps of supernet training for these options and data. */
export function plannedSteps(options: Pick<SupernetOptions, 'epochs' | 'batchSize'>, trainCount: number): number {
  return options.epochs * Math.ceil(trainCount / options.batchSize);
}

function save(request: SupernetTrainingRequest, optimizer: SupernetOptimizer, meta: CheckpointMeta): void {
  const tensors = onBackend(request.backend, () => [
    ...[...request.supernet.variables, ...request.supernet.statistics].map((v) => ({ name: v.name, shape: v.shape, values: v.dataSync() as Float32Array })),
    ...optimizer.state(),
  ]);
  writeCheckpoint(request.checkpointFile, meta, tensors);
}

/**
 * Trains the supernet to its planned steps, starting from the checkpoint when there is one (a
 * complete checkpoint only loads the weights). Writes a checkpoint every `checkpointEvery` steps
 * and at the end.
 */
export async function trainSupernet(request: SupernetTrainingRequest): Promise<SupernetTrainingSummary> {
  const { supernet, data, options } = request;
  const on = <T>(work: () => T): T => onBackend(request.backend, work);
  const totalSteps = plannedSteps(options, data.train.count);
  const stepsPerEpoch = Math.ceil(data.train.count / options.batchSize);
  const optimizer = new SupernetOptimizer(options.optimizer, supernet.variables);
  try {
    let step = 0;
    let priorSeconds = 0;
    const checkpoint = readCheckpoint(request.checkpointFile);
    if (checkpoint) {
      if (checkpoint.meta.fingerprint !== request.fingerprint) {
        throw new UserError(`${PLUGIN_NAME}: the supernet checkpoint ${request.checkpointFile} was trained with other settings (supernet shape, ` +
          'training options, seed or data); delete it to train the supernet again, or run with the settings it was made with');
      }
      const byName = new Map(checkpoint.tensors.map((t) => [t.name, t]));
      on(() => {
        for (const v of [...supernet.variables, ...supernet.statistics]) {
          const saved = byName.get(v.name);
          if (!saved) throw new UserError(`${PLUGIN_NAME}: the supernet checkpoint ${request.checkpointFile} lacks ${v.name}; delete it to train again`);
          tf.tidy(() => v.assign(tf.tensor(saved.values, saved.shape)));
        }
        optimizer.restore(checkpoint.meta.step, checkpoint.tensors);
      });
      step = checkpoint.meta.step;
      priorSeconds = checkpoint.meta.trainSeconds;
      if (checkpoint.meta.complete) return { steps: step, totalSteps, trainSeconds: priorSeconds, resumedFrom: step, complete: true };
      request.log?.(`${PLUGIN_NAME}: resuming supernet training at step ${step} of ${totalSteps} from ${request.checkpointFile}`);
    }
    const resumedFrom = step;
    const started = performance.now();
    const seconds = () => priorSeconds + (performance.now() - started) / 1000;
    const meta = (complete: boolean): CheckpointMeta => ({ fingerprint: request.fingerprint, step, totalSteps, complete, trainSeconds: seconds() });
    let order: number[] = [];
    let orderEpoch = 0;
    while (step < totalSteps) {
      if (request.stopAtStep !== undefined && step >= request.stopAtStep) {
        return { steps: step, totalSteps, trainSeconds: seconds(), resumedFrom, complete: false };
      }
      await yieldToEventLoop();
      if (request.signal?.aborted) throw new AbortError(`supernet training aborted at step ${step}`, { cause: request.signal.reason });
      const epoch = Math.floor(step / stepsPerEpoch) + 1;
      if (epoch !== orderEpoch) {
        order = new Rng(deriveSeed(request.seed, 'supernet', 'shuffle', epoch)).shuffle(Array.from({ length: data.train.count }, (_, i) => i));
        orderEpoch = epoch;
      }
      const b = step % stepsPerEpoch;
      const loss = on(() => trainStep(request, optimizer, order.slice(b * options.batchSize, (b + 1) * options.batchSize), step, totalSteps));
      if (!Number.isFinite(loss)) throw new NonFiniteLossError(`supernet training: the loss became ${loss} at step ${step + 1}`);
      step += 1;
      if (step % options.checkpointEvery === 0 && step < totalSteps) save(request, optimizer, meta(false));
    }
    save(request, optimizer, meta(true));
    return { steps: step, totalSteps, trainSeconds: seconds(), resumedFrom, complete: true };
  } finally {
    on(() => optimizer.dispose());
  }
}
