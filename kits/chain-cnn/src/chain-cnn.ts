// Geometry of the paper's chain CNN, shared by the search space, trainers and hardware models:
// Conv2D(kernel, filters, stride, bias, same padding) -> ReLU -> BatchNorm per layer, then
// Flatten -> Dense(classes). Trainable parameters count conv weights and biases, BatchNorm's gamma
// and beta (moving statistics are not trainable), and the dense layer.
import { UserError, type ChainCnnArchitecture, type ConvLayerSpec, type InputShape } from '@coex/core';

export interface ChainLayerInfo {
  index: number;
  kind: 'conv' | 'dense';
  kernel: number;
  stride: number;
  inChannels: number;
  outChannels: number;
  inHeight: number;
  inWidth: number;
  outHeight: number;
  outWidth: number;
  params: number;
  macs: number;
}

export interface ChainCnnSummary {
  params: number;
  macs: number;
  layers: ChainLayerInfo[];
}

/** Validates a chain-CNN architecture; throws a UserError naming the first impossible layer. */
export function validateChainCnn(arch: ChainCnnArchitecture, where = 'architecture'): void {
  const { input, classes, layers } = arch;
  const positive = (v: unknown) => Number.isInteger(v) && (v as number) > 0;
  if (!input || !positive(input.height) || !positive(input.width) || !positive(input.channels)) {
    throw new UserError(`${where}: input must be HxWxC with positive integers, got ${JSON.stringify(input)}`);
  }
  if (!positive(classes) || classes < 2) throw new UserError(`${where}: classes must be an integer >= 2, got ${classes}`);
  if (!Array.isArray(layers) || layers.length === 0) throw new UserError(`${where}: needs at least one layer`);
  layers.forEach((l, i) => {
    for (const key of ['kernel', 'filters', 'stride'] as const) {
      if (!positive(l?.[key])) {
        throw new UserError(`${where}: layer ${i} ${key} must be a positive integer, got ${JSON.stringify(l?.[key])}`);
      }
    }
  });
}

export function describeChainCnn(arch: ChainCnnArchitecture): ChainCnnSummary {
  validateChainCnn(arch);
  let h = arch.input.height;
  let w = arch.input.width;
  let c = arch.input.channels;
  const layers: ChainLayerInfo[] = [];
  arch.layers.forEach((l, index) => {
    const outH = Math.ceil(h / l.stride);
    const outW = Math.ceil(w / l.stride);
    const params = l.kernel * l.kernel * c * l.filters + l.filters + 2 * l.filters;
    const macs = outH * outW * l.kernel * l.kernel * c * l.filters;
    layers.push({ index, kind: 'conv', kernel: l.kernel, stride: l.stride, inChannels: c, outChannels: l.filters,
      inHeight: h, inWidth: w, outHeight: outH, outWidth: outW, params, macs });
    h = outH;
    w = outW;
    c = l.filters;
  });
  const flat = h * w * c;
  layers.push({ index: arch.layers.length, kind: 'dense', kernel: 1, stride: 1, inChannels: flat, outChannels: arch.classes,
    inHeight: 1, inWidth: 1, outHeight: 1, outWidth: 1, params: flat * arch.classes + arch.classes, macs: flat * arch.classes });
  return {
    params: layers.reduce((s, l) => s + l.params, 0),
    macs: layers.reduce((s, l) => s + l.macs, 0),
    layers,
  };
}

export function chainCnn(layers: ConvLayerSpec[] | [number, number, number][], input: InputShape, classes: number): ChainCnnArchitecture {
  return {
    kind: 'chain-cnn',
    input,
    classes,
    layers: layers.map((l) => (Array.isArray(l) ? { kernel: l[0], filters: l[1], stride: l[2] } : { ...l })),
  };
}

export function isChainCnn(arch: { kind: string }): arch is ChainCnnArchitecture {
  return arch.kind === 'chain-cnn';
}

/** Parses "32x32x3" (HxWxC). */
export function parseInputShape(text: string, where = '--input'): InputShape {
  const m = /^\s*(\d+)\s*x\s*(\d+)\s*x\s*(\d+)\s*$/i.exec(text);
  if (!m) throw new UserError(`${where}: expected HxWxC such as 32x32x3, got "${text}"`);
  const [height, width, channels] = [m[1], m[2], m[3]].map(Number);
  if (!height || !width || !channels) throw new UserError(`${where}: every dimension must be positive, got "${text}"`);
  return { height, width, channels };
}

/** The three nets the authors released (CIFAR-10, 32x32x3, 10 classes) with their logged parameter counts. */
export const RELEASED_NETS: { name: string; params: number; layers: [number, number, number][] }[] = [
  { name: 'FixedStride/OptHW', params: 603_922, layers: [[5, 24, 1], [1, 64, 1], [5, 48, 1], [7, 24, 1], [5, 36, 1], [1, 24, 1], [5, 48, 1], [3, 24, 1], [7, 24, 1], [3, 36, 1]] },
  { name: 'PredictableStride/OptHW', params: 285_974, layers: [[3, 36, 1], [5, 36, 1], [1, 64, 1], [3, 48, 2], [7, 24, 1], [1, 64, 1]] },
  { name: 'PredictableStride/OptSW', params: 608_522, layers: [[1, 24, 1], [7, 64, 1], [1, 64, 1], [5, 48, 2], [5, 48, 1], [7, 24, 1], [7, 64, 1], [5, 24, 2], [1, 48, 1], [5, 36, 1], [1, 48, 1], [7, 24, 2], [1, 64, 1], [7, 36, 1]] },
];

/** Parses `--arch '[[kernel,filters,stride],...]'` into a chain-CNN architecture. */
export function parseArchFlag(text: string, input: string, classes: number): ChainCnnArchitecture {
  let layers: unknown;
  try {
    layers = JSON.parse(text);
  } catch (error) {
    throw new UserError(`--arch: not valid JSON (${(error as Error).message}); expected a list of [kernel, filters, stride], e.g. '[[3,36,1],[5,48,2]]'`);
  }
  if (!Array.isArray(layers) || layers.length === 0) throw new UserError('--arch: expected a non-empty list of [kernel, filters, stride]');
  layers.forEach((l, i) => {
    if (!Array.isArray(l) || l.length !== 3) throw new UserError(`--arch: layer ${i} must be [kernel, filters, stride], got ${JSON.stringify(l)}`);
  });
  const arch = chainCnn(layers as [number, number, number][], parseInputShape(input), classes);
  describeChainCnn(arch); // validates every layer
  return arch;
}
