// The tfjs model of a chain CNN: Conv2D(bias, same padding, ReLU) -> BatchNorm per layer, then
// Flatten -> Dense(softmax). It is a tf.LayersModel (so it saves in the tfjs layers format and
// reloads with tf.loadLayersModel); training reads and updates its variables directly through
// the views below (see network.ts for why training does not go through model.fit).
import * as tf from '@tensorflow/tfjs';
import { UserError, deriveSeed, type Architecture, type ChainCnnArchitecture } from '@coex/core';
import { isChainCnn, validateChainCnn } from '@coex/kit-chain-cnn';
import { PLUGIN_NAME } from './options';

export type ExplicitPadding = [[number, number], [number, number], [number, number], [number, number]];

/** One Conv2D -> ReLU -> BatchNorm block: its variables and geometry. */
export interface ConvBlock {
  index: number;
  kernel: tf.Variable;
  bias: tf.Variable;
  gamma: tf.Variable;
  beta: tf.Variable;
  movingMean: tf.Variable;
  movingVariance: tf.Variable;
  stride: number;
  /** TensorFlow "same" padding written out (XNNPACK's own "same" is wrong when kernel < stride). */
  pad: ExplicitPadding;
  /** Input height, width, channels. */
  inShape: [number, number, number];
  outShape: [number, number, number];
}

export interface ChainNetwork {
  blocks: ConvBlock[];
  denseKernel: tf.Variable;
  denseBias: tf.Variable;
  epsilon: number;
  /** Trainable variables in a fixed order (conv kernel, bias, gamma, beta per block; dense kernel, bias). */
  trainable: tf.Variable[];
}

export interface ChainModel {
  model: tf.LayersModel;
  net: ChainNetwork;
  /** Trainable parameter count. */
  params: number;
}

export interface ModelSettings {
  seed: number;
  batchNormMomentum: number;
  batchNormEpsilon: number;
}

/** The architecture as a chain CNN, or a UserError naming what this trainer accepts. */
export function asChainCnn(architecture: Architecture): ChainCnnArchitecture {
  if (!isChainCnn(architecture)) {
    throw new UserError(`${PLUGIN_NAME} trains architectures of kind "chain-cnn" only, got kind "${architecture.kind}"`);
  }
  validateChainCnn(architecture);
  return architecture;
}

/** TensorFlow "same" padding of one convolution, written out (what training and the ONNX export use). */
export function samePadding(h: number, w: number, c: number, kernel: number, filters: number, stride: number): ExplicitPadding {
  const { top, bottom, left, right } = tf.backend_util.computeConv2DInfo([1, h, w, c], [kernel, kernel, c, filters], stride, 1, 'same').padInfo;
  return [[0, 0], [top, bottom], [left, right], [0, 0]];
}

function variablesOf(layer: tf.layers.Layer): tf.Variable[] {
  // LayerVariable.read() hands back the tf.Variable the layer owns.
  return layer.weights.map((w) => w.read() as tf.Variable);
}

/**
 * Builds the model with seeded Glorot-uniform kernels (seed per layer: deriveSeed(seed, 'layer', i)),
 * zero biases, BatchNorm gamma 1 / beta 0 / moving mean 0 / moving variance 1.
 */
export function buildChainModel(architecture: Architecture, settings: ModelSettings): ChainModel {
  const arch = asChainCnn(architecture);
  const { height, width, channels } = arch.input;
  const model = tf.sequential();
  const convLayers: tf.layers.Layer[] = [];
  const bnLayers: tf.layers.Layer[] = [];
  const geometry: Pick<ConvBlock, 'stride' | 'pad' | 'inShape' | 'outShape'>[] = [];
  let [h, w, c] = [height, width, channels];
  arch.layers.forEach((layer, i) => {
    const conv = tf.layers.conv2d({
      name: `conv${i}`,
      ...(i === 0 ? { inputShape: [height, width, channels] } : {}),
      filters: layer.filters,
      kernelSize: layer.kernel,
      strides: layer.stride,
      padding: 'same',
      useBias: true,
      activation: 'relu',
      kernelInitializer: tf.initializers.glorotUniform({ seed: deriveSeed(settings.seed, 'layer', i) }),
      biasInitializer: 'zeros',
    });
    const bn = tf.layers.batchNormalization({
      name: `bn${i}`,
      axis: -1,
      momentum: settings.batchNormMomentum,
      epsilon: settings.batchNormEpsilon,
    });
    model.add(conv);
    model.add(bn);
    convLayers.push(conv);
    bnLayers.push(bn);
    const [oh, ow] = [Math.ceil(h / layer.stride), Math.ceil(w / layer.stride)];
    geometry.push({ stride: layer.stride, pad: samePadding(h, w, c, layer.kernel, layer.filters, layer.stride), inShape: [h, w, c], outShape: [oh, ow, layer.filters] });
    [h, w, c] = [oh, ow, layer.filters];
  });
  model.add(tf.layers.flatten({ name: 'flatten' }));
  const dense = tf.layers.dense({
    name: 'dense',
    units: arch.classes,
    activation: 'softmax',
    kernelInitializer: tf.initializers.glorotUniform({ seed: deriveSeed(settings.seed, 'layer', arch.layers.length) }),
    biasInitializer: 'zeros',
  });
  model.add(dense);

  const blocks = convLayers.map((conv, i): ConvBlock => {
    const [kernel, bias] = variablesOf(conv);
    const [gamma, beta, movingMean, movingVariance] = variablesOf(bnLayers[i]);
    return { index: i, kernel, bias, gamma, beta, movingMean, movingVariance, ...geometry[i] };
  });
  const [denseKernel, denseBias] = variablesOf(dense);
  const trainable = [...blocks.flatMap((b) => [b.kernel, b.bias, b.gamma, b.beta]), denseKernel, denseBias];
  const params = trainable.reduce((sum, v) => sum + v.size, 0);
  return { model, net: { blocks, denseKernel, denseBias, epsilon: settings.batchNormEpsilon, trainable }, params };
}
