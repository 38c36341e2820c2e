// Scoring a candidate: cut its subnetwork from the supernet, recalibrate its BatchNorm statistics
// on a few training batches (the statistics the supernet saw in training mix every subnetwork's,
// so each subnetwork gets its own) unless per-width BatchNorm's stored ones are used, then
// validation accuracy in inference mode.
import * as tf from '@tensorflow/tfjs';
import { Rng, deriveSeed, type ChainCnnArchitecture, type DataSplit, type DatasetSplits } from '@coex/core';
import { batchOf, evaluate, forwardTrain } from '@coex/plugin-trainer-tfjs/fast-path';
import { disposeSubnetwork, sliceSubnetwork, unbiasedVariance, type Subnetwork, type Supernet } from './supernet';

/** The training images BatchNorm is recalibrated on: the same batches for every candidate. */
export function calibrationBatches(data: DatasetSplits, seed: number, batches: number, batchSize: number): { x: tf.Tensor4D; y: tf.Tensor1D }[] {
  const order = new Rng(deriveSeed(seed, 'supernet', 'calibration')).shuffle(Array.from({ length: data.train.count }, (_, i) => i));
  const out = [];
  for (let b = 0; b < batches && b * batchSize < order.length; b++) out.push(batchOf(data.train, order.slice(b * batchSize, (b + 1) * batchSize), data.shape));
  return out;
}

/**
 * Sets each block's moving mean and variance to the average of its batch statistics over the
 * calibration batches (the variance unbiased, as training's moving variance is).
 */
export function recalibrate(sub: Subnetwork, batches: readonly { x: tf.Tensor4D }[]): void {
  const blocks = sub.net.blocks;
  const sums = tf.tidy(() => {
    const acc = blocks.map(() => ({ mean: tf.scalar(0) as tf.Tensor, variance: tf.scalar(0) as tf.Tensor }));
    for (const { x } of batches) {
      const forward = forwardTrain(sub.net, x);
      forward.batchStats.forEach(({ mean }, i) => {
        acc[i].mean = tf.add(acc[i].mean, tf.div(mean, batches.length));
        acc[i].variance = tf.add(acc[i].variance, tf.div(unbiasedVariance(forward, i), batches.length));
      });
    }
    return acc.flatMap((a) => [a.mean, a.variance]);
  });
  blocks.forEach((block, i) => {
    tf.dispose([block.movingMean, block.movingVariance]);
    (block as { movingMean: tf.Tensor }).movingMean = sums[2 * i];
    (block as { movingVariance: tf.Tensor }).movingVariance = sums[2 * i + 1];
  });
}

/** The first `count` images of a split (a view, no copy). */
export function firstImages(split: DataSplit, count: number | undefined, imageSize: number): DataSplit {
  if (count === undefined || count >= split.count) return split;
  return { x: split.x.subarray(0, count * imageSize), y: split.y.subarray(0, count), count };
}

export interface SupernetScore {
  accuracy: number;
  loss: number;
}

/**
 * Inherit the weights, recalibrate BatchNorm on `calibration` (undefined: keep per-width
 * BatchNorm's moving statistics), score on the validation split.
 */
export function scoreSubnetwork(
  supernet: Supernet,
  arch: ChainCnnArchitecture,
  calibration: readonly { x: tf.Tensor4D }[] | undefined,
  validation: DataSplit,
  shape: DatasetSplits['shape'],
  evalBatchSize: number,
): SupernetScore {
  if (!calibration && !supernet.shape.perWidthNorm) throw new Error('scoreSubnetwork: a shared BatchNorm needs calibration batches');
  const sub = sliceSubnetwork(supernet, arch);
  try {
    if (calibration) recalibrate(sub, calibration);
    return evaluate(sub.net, validation, shape, evalBatchSize);
  } finally {
    disposeSubnetwork(sub);
  }
}
