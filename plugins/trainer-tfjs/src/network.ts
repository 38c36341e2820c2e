// Forward and backward passes of a chain CNN, written out by hand instead of through tfjs's tape.
// The chain is simple enough that explicit gradients are short, and they avoid what made autodiff
// slow on wasm (measured, see README.md): BatchNorm's gradient broadcasting through Tile, the
// transpose-then-reduce of tf.sum over [N, H, W], the non-fused conv + bias + relu in gradient
// mode, and the slow C++ loop BatchMatMul falls back to for transposed operands. Here per-channel
// sums are global average pools, transposes are explicit, and the layer-0 input gradient is never
// computed. test/network.spec.ts checks these gradients against tf.grads.
import * as tf from '@tensorflow/tfjs';
import type { ChainNetwork, ConvBlock } from './model';

/** What the backward pass needs from one block's forward pass. */
interface BlockCache {
  x: tf.Tensor4D;
  /** ReLU output [N, OH, OW, C], BatchNorm's input. */
  y: tf.Tensor4D;
  mean: tf.Tensor1D;
  invStd: tf.Tensor1D;
  scale: tf.Tensor1D;
}

export interface ForwardResult {
  logits: tf.Tensor2D;
  /** Batch mean and (biased) variance per block, [C], for the moving statistics. */
  batchStats: { mean: tf.Tensor1D; variance: tf.Tensor1D }[];
  caches: BlockCache[];
  flat: tf.Tensor2D;
}

/**
 * Per-channel mean over N, H, W as [C]: a global average pool (XNNPACK, reads NHWC in place) then
 * a mean over the small [N, C] result. tf.mean/tf.sum over [0, 1, 2] transpose the whole tensor
 * first and were about 10x slower on wasm.
 */
function channelMean(t: tf.Tensor4D): tf.Tensor1D {
  const [n, h, w, c] = t.shape;
  const pooled = h * w > 1 ? tf.avgPool(t, [h, w], 1, 'valid') : t;
  return tf.mean(tf.reshape(pooled, [n, c]), 0);
}

/** Elements per channel, M = N * H * W. */
function perChannel(t: tf.Tensor4D): number {
  return t.shape[0] * t.shape[1] * t.shape[2];
}

function convRelu(block: ConvBlock, x: tf.Tensor4D): tf.Tensor4D {
  return tf.fused.conv2d({ x, filter: block.kernel as tf.Tensor4D, bias: block.bias, strides: block.stride, pad: block.pad, activation: 'relu' });
}

function logitsOf(net: ChainNetwork, h: tf.Tensor4D): { flat: tf.Tensor2D; logits: tf.Tensor2D } {
  const flat = tf.reshape(h, [h.shape[0], -1]) as tf.Tensor2D;
  return { flat, logits: tf.fused.matMul({ a: flat, b: net.denseKernel as tf.Tensor2D, bias: net.denseBias }) as tf.Tensor2D };
}

/** Training-mode forward pass: BatchNorm normalises with the batch's own statistics. Call inside tf.tidy. */
export function forwardTrain(net: ChainNetwork, x: tf.Tensor4D): ForwardResult {
  const caches: BlockCache[] = [];
  const batchStats: ForwardResult['batchStats'] = [];
  let h = x;
  for (const block of net.blocks) {
    const y = convRelu(block, h);
    const mean = channelMean(y);
    const variance = channelMean(tf.squaredDifference(y, mean));
    const invStd = tf.rsqrt(tf.add(variance, net.epsilon)) as tf.Tensor1D;
    const scale = tf.mul(block.gamma, invStd) as tf.Tensor1D;
    const shift = tf.sub(block.beta, tf.mul(mean, scale));
    caches.push({ x: h, y, mean, invStd, scale });
    batchStats.push({ mean, variance });
    h = tf.add(tf.mul(y, scale), shift);
  }
  return { ...logitsOf(net, h), batchStats, caches };
}

/** Inference-mode forward pass (BatchNorm with the moving statistics): the logits. */
export function forwardInfer(net: ChainNetwork, x: tf.Tensor4D): tf.Tensor2D {
  return tf.tidy(() => {
    let h = x;
    for (const block of net.blocks) {
      const y = convRelu(block, h);
      const scale = tf.mul(block.gamma, tf.rsqrt(tf.add(block.movingVariance, net.epsilon)));
      const shift = tf.sub(block.beta, tf.mul(block.movingMean, scale));
      h = tf.add(tf.mul(y, scale), shift);
    }
    return logitsOf(net, h).logits;
  });
}

/** Mean softmax cross-entropy over the batch and its gradient with respect to the logits. */
export function softmaxCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): { loss: tf.Scalar; dLogits: tf.Tensor2D } {
  const [batch, classes] = logits.shape;
  const logProbs = tf.logSoftmax(logits);
  const oneHot = tf.cast(tf.oneHot(labels, classes), 'float32');
  const loss = tf.div(tf.neg(tf.sum(tf.mul(oneHot, logProbs))), batch) as tf.Scalar;
  const dLogits = tf.div(tf.sub(tf.exp(logProbs), oneHot), batch) as tf.Tensor2D;
  return { loss, dLogits };
}

/**
 * Gradients of the loss with respect to every trainable variable, from the logits' gradient.
 * BatchNorm: with y the ReLU output, x^ = (y - mean) * invStd and z = gamma * x^ + beta,
 * dbeta = sum dz, dgamma = sum dz * x^ = invStd * (sum dz*y - mean * sum dz), and
 * dy = gamma * invStd * (dz - (x^ * dgamma + dbeta) / M), masked by the ReLU (y > 0).
 * Call inside tf.tidy.
 */
export function backward(net: ChainNetwork, forward: ForwardResult, dLogits: tf.Tensor2D): Map<tf.Variable, tf.Tensor> {
  const grads = new Map<tf.Variable, tf.Tensor>();
  grads.set(net.denseKernel, tf.matMul(tf.transpose(forward.flat), dLogits));
  grads.set(net.denseBias, tf.sum(dLogits, 0));
  let dz: tf.Tensor = tf.matMul(dLogits, tf.transpose(net.denseKernel as tf.Tensor2D));
  for (let i = net.blocks.length - 1; i >= 0; i--) {
    const block = net.blocks[i];
    const { x, y, mean, invStd, scale } = forward.caches[i];
    const m = perChannel(y);
    dz = tf.reshape(dz, y.shape);
    const meanDz = channelMean(dz as tf.Tensor4D);
    const meanDzY = channelMean(tf.mul(dz, y) as tf.Tensor4D);
    const dgamma = tf.mul(tf.mul(invStd, tf.sub(meanDzY, tf.mul(mean, meanDz))), m);
    grads.set(block.gamma, dgamma);
    grads.set(block.beta, tf.mul(meanDz, m));
    // dy = scale * dz - y * (scale * invStd * dgamma / M) + scale * (invStd * dgamma * mean / M - meanDz)
    const invStdDgamma = tf.mul(invStd, dgamma);
    const coefY = tf.div(tf.mul(scale, invStdDgamma), m);
    const offset = tf.mul(scale, tf.sub(tf.div(tf.mul(invStdDgamma, mean), m), meanDz));
    const dy = tf.mul(tf.add(tf.sub(tf.mul(dz, scale), tf.mul(y, coefY)), offset), tf.step(y)) as tf.Tensor4D;
    grads.set(block.bias, tf.mul(channelMean(dy), m));
    const convAttrs = { strides: block.stride, pad: block.pad, dataFormat: 'NHWC' };
    grads.set(block.kernel, tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, { ...convAttrs, filterShape: block.kernel.shape }) as tf.Tensor);
    if (i > 0) dz = tf.engine().runKernel('Conv2DBackpropInput', { dy, filter: block.kernel }, { ...convAttrs, inputShape: x.shape }) as tf.Tensor4D;
  }
  return grads;
}
