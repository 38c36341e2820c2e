// Zero-cost proxies of a chain CNN, scored at initialisation with no training (tfjs, cpu backend):
// * synflow (Tanaka et al., NeurIPS 2020; as a proxy Abdelfattah et al., ICLR 2021): with every
//   parameter replaced by its absolute value and an all-ones input, R = sum of the outputs and the
//   score is sum over parameters of theta * dR/dtheta. Reported as log10 (the raw score spans
//   dozens of orders of magnitude across a space).
// * NASWOT (Mellor et al., ICML 2021): each image of a minibatch gets the binary code of which ReLUs
//   it switches on; K[i][j] = (number of ReLUs) - Hamming(code_i, code_j); the score is log|det K|.
// The network is the trainer's: Conv2D(bias, same padding) -> ReLU -> BatchNorm per layer, then
// Flatten -> Dense, with seeded Glorot-uniform kernels and zero biases (BatchNorm at init: gamma 1,
// beta 0; NASWOT normalises with the minibatch's statistics, synflow with the initial moving ones).
import * as tf from '@tensorflow/tfjs';
import { deriveSeed, type ChainCnnArchitecture } from '@coex/core';

export interface InitNetwork {
  kernels: tf.Tensor4D[];
  biases: tf.Tensor1D[];
  strides: number[];
  denseKernel: tf.Tensor2D;
  denseBias: tf.Tensor1D;
}

const BN_EPSILON = 1e-3;

/** The chain CNN at initialisation, kernels seeded per layer from `seed`. Dispose with disposeNetwork. */
export function initNetwork(arch: ChainCnnArchitecture, seed: number): InitNetwork {
  let channels = arch.input.channels;
  let [h, w] = [arch.input.height, arch.input.width];
  const kernels: tf.Tensor4D[] = [];
  const biases: tf.Tensor1D[] = [];
  arch.layers.forEach((layer, i) => {
    const init = tf.initializers.glorotUniform({ seed: deriveSeed(seed, 'layer', i) });
    kernels.push(init.apply([layer.kernel, layer.kernel, channels, layer.filters]) as tf.Tensor4D);
    biases.push(tf.zeros([layer.filters]));
    channels = layer.filters;
    [h, w] = [Math.ceil(h / layer.stride), Math.ceil(w / layer.stride)];
  });
  const init = tf.initializers.glorotUniform({ seed: deriveSeed(seed, 'layer', arch.layers.length) });
  return {
    kernels,
    biases,
    strides: arch.layers.map((l) => l.stride),
    denseKernel: init.apply([h * w * channels, arch.classes]) as tf.Tensor2D,
    denseBias: tf.zeros([arch.classes]),
  };
}

export function disposeNetwork(net: InitNetwork): void {
  tf.dispose([...net.kernels, ...net.biases, net.denseKernel, net.denseBias]);
}

/** log10 of the synflow score. */
export function synflow(net: InitNetwork, arch: ChainCnnArchitecture): number {
  return tf.tidy(() => {
    const { height, width, channels } = arch.input;
    const params = [...net.kernels, ...net.biases, net.denseKernel, net.denseBias].map((p) => tf.abs(p));
    const layers = net.kernels.length;
    const output = (...ps: tf.Tensor[]) => {
      let x: tf.Tensor4D = tf.ones([1, height, width, channels]);
      for (let i = 0; i < layers; i++) {
        x = tf.relu(tf.add(tf.conv2d(x, ps[i] as tf.Tensor4D, net.strides[i], 'same'), ps[layers + i])) as tf.Tensor4D;
        // BatchNorm at init with moving mean 0 and variance 1.
        x = tf.div(x, Math.sqrt(1 + BN_EPSILON)) as tf.Tensor4D;
      }
      const flat = tf.reshape(x, [1, -1]) as tf.Tensor2D;
      return tf.sum(tf.add(tf.matMul(flat, ps[2 * layers] as tf.Tensor2D), ps[2 * layers + 1]));
    };
    const grads = tf.grads(output)(params);
    const score = params.reduce((sum, p, k) => sum + (tf.sum(tf.mul(p, grads[k])).dataSync()[0] as number), 0);
    return score > 0 ? Math.log10(score) : -Infinity;
  });
}

/** The binary ReLU codes of each image of the minibatch (NHWC float32), one row per image. */
export function reluCodes(net: InitNetwork, images: tf.Tensor4D): Uint8Array[] {
  const rows = images.shape[0];
  const codes: Uint8Array[][] = Array.from({ length: rows }, () => []);
  tf.tidy(() => {
    let x = images;
    for (let i = 0; i < net.kernels.length; i++) {
      const pre = tf.add(tf.conv2d(x, net.kernels[i], net.strides[i], 'same'), net.biases[i]) as tf.Tensor4D;
      const on = tf.reshape(tf.greater(pre, 0), [rows, -1]).arraySync() as unknown as boolean[][];
      on.forEach((row, r) => codes[r].push(Uint8Array.from(row, (b) => (b ? 1 : 0))));
      const active = tf.relu(pre);
      const { mean, variance } = tf.moments(active, [0, 1, 2]);
      x = tf.batchNorm(active, mean, variance, undefined, undefined, BN_EPSILON) as tf.Tensor4D;
    }
  });
  return codes.map((parts) => {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  });
}

/**
 * NASWOT's log|det K| of the codes. A singular K (images no ReLU tells apart, e.g. all ReLUs dead)
 * has log|det| = -Infinity; pivots are floored at 1e-9 x (number of ReLUs) so that the score stays
 * a finite number that ranks such networks last.
 */
export function naswotScore(codes: readonly Uint8Array[]): number {
  const n = codes.length;
  const units = codes[0]?.length ?? 0;
  const k = Array.from({ length: n }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let hamming = 0;
      const a = codes[i];
      const b = codes[j];
      for (let u = 0; u < units; u++) hamming += a[u] ^ b[u];
      k[i][j] = k[j][i] = units - hamming;
    }
  }
  return logAbsDet(k, 1e-9 * Math.max(1, units));
}

/** log|det A| by Gaussian elimination with partial pivoting, pivots floored at `floor`. */
export function logAbsDet(a: Float64Array[], floor: number): number {
  const n = a.length;
  const m = a.map((row) => Float64Array.from(row));
  let sum = 0;
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[pivot][c])) pivot = r;
    [m[c], m[pivot]] = [m[pivot], m[c]];
    const p = m[c][c];
    sum += Math.log(Math.max(Math.abs(p), floor));
    if (Math.abs(p) < floor) continue;
    for (let r = c + 1; r < n; r++) {
      const f = m[r][c] / p;
      if (f === 0) continue;
      for (let j = c; j < n; j++) m[r][j] -= f * m[c][j];
    }
  }
  return sum;
}
