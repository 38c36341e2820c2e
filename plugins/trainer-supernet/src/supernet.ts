// The weight-sharing supernet of the chain-CNN space and the subnetworks cut from it. Each layer
// position holds the largest choice (kernel K x K, F filters, input channels of the largest previous
// layer); a subnetwork takes the centre k x k of each kernel, its first f filters and the matching
// input channels, and the layer's stride is applied when it runs (weights do not depend on it).
// The classifier flattens [h, w, f], so it cannot be shared across final resolutions: there is one
// dense head per reachable final resolution, stored as [h, w, F, classes] and sliced on f.
// BatchNorm is shared (one gamma/beta of F channels, sliced on f; statistics recalibrated per
// subnetwork when it is scored) or per width (one gamma, beta and pair of moving statistics per
// filter count, updated in training by the subnetworks that use that width).
//
// A subnetwork is a ChainNetwork of sliced tensors, so trainer-tfjs's hand-written forward and
// backward passes run on it unchanged; `gradientsToSupernet` pads each sliced gradient back into
// its weight's full shape, so gradients land in the sliced part only.
import * as tf from '@tensorflow/tfjs';
import { Rng, UserError, deriveSeed, type ChainCnnArchitecture, type InputShape } from '@coex/core';
import type { ChainNetwork, ConvBlock, ExplicitPadding, ForwardResult } from '@coex/plugin-trainer-tfjs/fast-path';
import { PLUGIN_NAME } from './options';

/** What fixes the supernet's weights: the data's shape, the layer positions and the largest choice. */
export interface SupernetShape {
  input: InputShape;
  classes: number;
  depth: number;
  maxKernel: number;
  maxFilters: number;
  /** Stride choices: they decide which final resolutions need a head. */
  strides: number[];
  /** Per-width BatchNorm: the filter counts that have their own; absent, one BatchNorm shared by every width. */
  perWidthNorm?: number[];
}

/** A BatchNorm's parameters; the moving statistics exist only per width (shared ones are recalibrated per subnetwork). */
export interface SuperNorm {
  gamma: tf.Variable;
  beta: tf.Variable;
  movingMean?: tf.Variable;
  movingVariance?: tf.Variable;
}

export interface SuperLayer {
  kernel: tf.Variable;
  bias: tf.Variable;
  /** By width: one entry (the largest width, sliced on f) when shared, one per filter count when per width. */
  norms: Map<number, SuperNorm>;
}

export interface SuperHead {
  kernel: tf.Variable;
  bias: tf.Variable;
}

export interface Supernet {
  shape: SupernetShape;
  layers: SuperLayer[];
  /** Per final resolution "HxW". */
  heads: Map<string, SuperHead>;
  /** Every trainable variable, in a fixed order (optimizer state and checkpoints follow it). */
  variables: tf.Variable[];
  /** Per-width BatchNorm's moving statistics (empty when shared): in checkpoints, not in the optimizer. */
  statistics: tf.Variable[];
  epsilon: number;
}

/** Where a sliced tensor sits in its supernet weight. */
interface SliceOrigin {
  variable: tf.Variable;
  begin: number[];
  /** Shape of the slice in the weight's layout (dense heads are reshaped after slicing). */
  size: number[];
}

export interface Subnetwork {
  architecture: ChainCnnArchitecture;
  /** trainer-tfjs's network view; its tensors are slices of the supernet's variables. */
  net: ChainNetwork;
  origins: Map<tf.Tensor, SliceOrigin>;
  /** Each block's BatchNorm in the supernet (per-width training updates its moving statistics). */
  norms: SuperNorm[];
}

export const headKey = (h: number, w: number) => `${h}x${w}`;

/** Final resolutions reachable with `depth` layers whose strides come from `strides`. */
export function finalResolutions(shape: Pick<SupernetShape, 'input' | 'depth' | 'strides'>): [number, number][] {
  let sizes = new Map<string, [number, number]>([[headKey(shape.input.height, shape.input.width), [shape.input.height, shape.input.width]]]);
  const all = new Map(sizes);
  for (let i = 0; i < shape.depth; i++) {
    const next = new Map<string, [number, number]>();
    for (const [h, w] of sizes.values()) {
      for (const s of shape.strides) {
        const size: [number, number] = [Math.ceil(h / s), Math.ceil(w / s)];
        next.set(headKey(...size), size);
      }
    }
    sizes = next;
    for (const [k, v] of next) all.set(k, v);
  }
  // Shallower subnetworks end at the resolutions of any prefix, so every depth's are kept.
  return [...all.values()];
}

/** Glorot-uniform values from a seeded generator (the same on every backend). */
function glorot(seed: number, shape: number[], fanIn: number, fanOut: number): tf.Tensor {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const rng = new Rng(seed);
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = (2 * rng.float() - 1) * limit;
  return tf.tensor(values, shape);
}

/** Gamma 1 and beta 0 of f channels (and moving mean 0, variance 1 when per width), named under `name`. */
function norm(f: number, name: string, perWidth: boolean): SuperNorm {
  const gamma = tf.variable(tf.ones([f]), true, `${name}/gamma`);
  const beta = tf.variable(tf.zeros([f]), true, `${name}/beta`);
  if (!perWidth) return { gamma, beta };
  return { gamma, beta, movingMean: tf.variable(tf.zeros([f]), false, `${name}/moving_mean`), movingVariance: tf.variable(tf.ones([f]), false, `${name}/moving_variance`) };
}

/** The BatchNorm that layer position `i` uses with f filters. */
export function normFor(supernet: Supernet, i: number, f: number): SuperNorm {
  const found = supernet.layers[i].norms.get(supernet.shape.perWidthNorm ? f : supernet.shape.maxFilters);
  if (!found) throw new Error(`${PLUGIN_NAME}: no per-width BatchNorm for ${f} filters at layer ${i}`);
  return found;
}

/** Builds the supernet with seeded Glorot-uniform kernels, zero biases, gamma 1 and beta 0. */
export function buildSupernet(shape: SupernetShape, seed: number, epsilon: number): Supernet {
  const { maxKernel: K, maxFilters: F } = shape;
  const layers = Array.from({ length: shape.depth }, (_, i): SuperLayer => {
    const cin = i === 0 ? shape.input.channels : F;
    const norms = shape.perWidthNorm
      ? new Map([...new Set(shape.perWidthNorm)].sort((a, b) => a - b).map((f) => [f, norm(f, `supernet/bn${i}/w${f}`, true)]))
      : new Map([[F, norm(F, `supernet/bn${i}`, false)]]);
    return {
      kernel: tf.variable(glorot(deriveSeed(seed, 'supernet', 'layer', i), [K, K, cin, F], K * K * cin, K * K * F), true, `supernet/conv${i}/kernel`),
      bias: tf.variable(tf.zeros([F]), true, `supernet/conv${i}/bias`),
      norms,
    };
  });
  const heads = new Map<string, SuperHead>();
  for (const [h, w] of finalResolutions(shape)) {
    const key = headKey(h, w);
    heads.set(key, {
      kernel: tf.variable(glorot(deriveSeed(seed, 'supernet', 'head', key), [h, w, F, shape.classes], h * w * F, shape.classes), true, `supernet/head${key}/kernel`),
      bias: tf.variable(tf.zeros([shape.classes]), true, `supernet/head${key}/bias`),
    });
  }
  const norms = layers.flatMap((l) => [...l.norms.values()]);
  const variables = [
    ...layers.flatMap((l) => [l.kernel, l.bias, ...[...l.norms.values()].flatMap((n) => [n.gamma, n.beta])]),
    ...[...heads.values()].flatMap((h) => [h.kernel, h.bias]),
  ];
  const statistics = norms.flatMap((n) => (n.movingMean && n.movingVariance ? [n.movingMean, n.movingVariance] : []));
  return { shape, layers, heads, variables, statistics, epsilon };
}

export function disposeSupernet(supernet: Supernet): void {
  tf.dispose([...supernet.variables, ...supernet.statistics]);
}

function samePadding(h: number, w: number, c: number, kernel: number, filters: number, stride: number): ExplicitPadding {
  const { top, bottom, left, right } = tf.backend_util.computeConv2DInfo([1, h, w, c], [kernel, kernel, c, filters], stride, 1, 'same').padInfo;
  return [[0, 0], [top, bottom], [left, right], [0, 0]];
}

/** A UserError when the supernet cannot hold the architecture. */
export function checkFits(supernet: Supernet, arch: ChainCnnArchitecture): void {
  const { shape } = supernet;
  const where = `${PLUGIN_NAME}`;
  const a = arch.input;
  if (a.height !== shape.input.height || a.width !== shape.input.width || a.channels !== shape.input.channels || arch.classes !== shape.classes) {
    throw new UserError(`${where}: the supernet was built for ${shape.input.height}x${shape.input.width}x${shape.input.channels} inputs and ${shape.classes} classes, ` +
      `the candidate has ${a.height}x${a.width}x${a.channels} and ${arch.classes}`);
  }
  if (arch.layers.length > shape.depth) {
    throw new UserError(`${where}: the candidate has ${arch.layers.length} layers, the supernet ${shape.depth} (set trainer.depth to the space's depth)`);
  }
  arch.layers.forEach((l, i) => {
    if (l.kernel > shape.maxKernel || l.filters > shape.maxFilters) {
      throw new UserError(`${where}: layer ${i} of the candidate (kernel ${l.kernel}, ${l.filters} filters) is larger than the supernet's ` +
        `(kernel ${shape.maxKernel}, ${shape.maxFilters} filters); set trainer.kernels and trainer.filters to the space's choices`);
    }
    if (shape.perWidthNorm && !shape.perWidthNorm.includes(l.filters)) {
      throw new UserError(`${where}: layer ${i} of the candidate has ${l.filters} filters; per-width BatchNorm (trainer.batchNorm) holds ` +
        `${shape.perWidthNorm.join(', ')}; set trainer.filters to the space's choices`);
    }
  });
}

/**
 * The subnetwork of `arch`: slices of the supernet's weights (call inside tf.tidy, or dispose the
 * slices with disposeSubnetwork). BatchNorm's moving statistics are copies of the per-width ones,
 * or, when BatchNorm is shared, start at mean 0, variance 1 and are set by recalibration.
 */
export function sliceSubnetwork(supernet: Supernet, arch: ChainCnnArchitecture): Subnetwork {
  checkFits(supernet, arch);
  const origins = new Map<tf.Tensor, SliceOrigin>();
  const cut = (variable: tf.Variable, begin: number[], size: number[]): tf.Tensor => {
    const t = tf.slice(variable, begin, size);
    origins.set(t, { variable, begin, size });
    return t;
  };
  const K = supernet.shape.maxKernel;
  let [h, w, c] = [arch.input.height, arch.input.width, arch.input.channels];
  const norms: SuperNorm[] = [];
  const blocks = arch.layers.map((layer, i): ConvBlock => {
    const sl = supernet.layers[i];
    const { kernel: k, filters: f, stride } = layer;
    const bn = normFor(supernet, i, f);
    norms.push(bn);
    const o = Math.floor((K - k) / 2);
    const [oh, ow] = [Math.ceil(h / stride), Math.ceil(w / stride)];
    const block = {
      index: i,
      kernel: cut(sl.kernel, [o, o, 0, 0], [k, k, c, f]),
      bias: cut(sl.bias, [0], [f]),
      gamma: cut(bn.gamma, [0], [f]),
      beta: cut(bn.beta, [0], [f]),
      movingMean: bn.movingMean ? tf.clone(bn.movingMean) : tf.zeros([f]),
      movingVariance: bn.movingVariance ? tf.clone(bn.movingVariance) : tf.ones([f]),
      stride,
      pad: samePadding(h, w, c, k, f, stride),
      inShape: [h, w, c],
      outShape: [oh, ow, f],
    };
    [h, w, c] = [oh, ow, f];
    return block as unknown as ConvBlock;
  });
  const head = supernet.heads.get(headKey(h, w));
  if (!head) throw new Error(`${PLUGIN_NAME}: no classifier head for final resolution ${headKey(h, w)}`);
  const denseSlice = cut(head.kernel, [0, 0, 0, 0], [h, w, c, supernet.shape.classes]);
  const denseKernel = tf.reshape(denseSlice, [h * w * c, supernet.shape.classes]);
  origins.set(denseKernel, origins.get(denseSlice)!);
  const denseBias = cut(head.bias, [0], [supernet.shape.classes]);
  const trainable = [...blocks.flatMap((b) => [b.kernel, b.bias, b.gamma, b.beta]), denseKernel, denseBias] as tf.Variable[];
  const net = { blocks, denseKernel, denseBias, epsilon: supernet.epsilon, trainable } as unknown as ChainNetwork;
  return { architecture: arch, net, origins, norms };
}

/** Block i's batch variance, unbiased (over N * H * W values per channel), as moving variances estimate it. */
export function unbiasedVariance(forward: ForwardResult, i: number): tf.Tensor {
  const [n, h, w] = forward.caches[i].y.shape;
  const m = n * h * w;
  return tf.mul(forward.batchStats[i].variance, m / Math.max(m - 1, 1));
}

/**
 * Per-width BatchNorm: moves each block's moving statistics towards the batch's (the variance
 * unbiased), as trainer-tfjs's training does, with `rate` = 1 - momentum. Call inside tf.tidy.
 */
export function updateMovingStatistics(sub: Subnetwork, forward: ForwardResult, rate: number): void {
  sub.norms.forEach((bn, i) => {
    if (!bn.movingMean || !bn.movingVariance) return;
    const { mean } = forward.batchStats[i];
    const unbiased = unbiasedVariance(forward, i);
    bn.movingMean.assign(tf.add(bn.movingMean, tf.mul(tf.sub(mean, bn.movingMean), rate)));
    bn.movingVariance.assign(tf.add(bn.movingVariance, tf.mul(tf.sub(unbiased, bn.movingVariance), rate)));
  });
}

/** Frees a subnetwork's slices and statistics made outside tf.tidy. */
export function disposeSubnetwork(sub: Subnetwork): void {
  tf.dispose([...sub.origins.keys(), ...sub.net.blocks.flatMap((b) => [b.movingMean, b.movingVariance])]);
}

/**
 * Adds a subnetwork's gradients (keyed by its sliced tensors, as trainer-tfjs's backward returns
 * them) into `into`, keyed by supernet variable: each is padded with zeros to the weight's full
 * shape, so only the sliced part receives it. Call inside tf.tidy.
 */
export function gradientsToSupernet(sub: Subnetwork, grads: Map<tf.Variable, tf.Tensor>, into: Map<tf.Variable, tf.Tensor>): void {
  for (const [tensor, grad] of grads) {
    const origin = sub.origins.get(tensor as tf.Tensor);
    if (!origin) throw new Error(`${PLUGIN_NAME}: a gradient for a tensor that is not a supernet slice`);
    const full = origin.variable.shape;
    const shaped = tf.reshape(grad, origin.size);
    const padded = tf.pad(shaped, full.map((n, d) => [origin.begin[d], n - origin.begin[d] - origin.size[d]] as [number, number]));
    const sum = into.get(origin.variable);
    into.set(origin.variable, sum ? tf.add(sum, padded) : padded);
  }
}
