// Test fixtures: a small, seeded, learnable synthetic dataset implementing core's Dataset role,
// and a per-suite backend switch.
import * as tf from '@tensorflow/tfjs';
import { Rng, type DataSplit, type Dataset, type DatasetSplits, type InputShape } from '@coex/core';
import { selectBackend } from '../src/backend';

/**
 * Selects `name` for the enclosing describe() and gives the previous backend back afterwards:
 * the backend is global, and other packages' specs in the same mocha process use tfjs too.
 */
export function useBackend(name: 'wasm' | 'cpu'): void {
  let previous: string | undefined;
  before(async () => {
    previous = tf.getBackend() || undefined;
    await selectBackend(name);
  });
  after(async () => {
    // With none active before, leave tfjs's own default here (cpu), as prepareBackend does.
    const restore = previous ?? 'cpu';
    if (tf.getBackend() !== restore) await tf.setBackend(restore);
  });
}

export interface SyntheticOptions {
  shape?: InputShape;
  classes?: number;
  train?: number;
  validation?: number;
  test?: number;
  /** Noise amplitude on top of each class's template (templates are in 0..1). */
  noise?: number;
}

/**
 * Each class has a fixed random template; an image is its class template plus uniform noise,
 * clipped to 0..1. Templates come from `seed` alone, so every split shares them.
 */
export function syntheticSplits(seed: number, options: SyntheticOptions = {}): DatasetSplits {
  const shape = options.shape ?? { height: 8, width: 8, channels: 3 };
  const classes = options.classes ?? 4;
  const size = shape.height * shape.width * shape.channels;
  const templates = new Rng(seed);
  const template = Array.from({ length: classes }, () => Float32Array.from({ length: size }, () => templates.float()));
  const noise = options.noise ?? 0.6;
  const split = (label: string, count: number): DataSplit => {
    const rng = new Rng(seed + label.length * 7919);
    const x = new Float32Array(count * size);
    const y = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      const c = i % classes;
      y[i] = c;
      for (let j = 0; j < size; j++) x[i * size + j] = Math.min(1, Math.max(0, template[c][j] + noise * (rng.float() - 0.5)));
    }
    return { x, y, count };
  };
  return {
    name: 'synthetic-test',
    shape,
    classes,
    train: split('train', options.train ?? 256),
    validation: split('validation', options.validation ?? 128),
    ...(options.test === 0 ? {} : { test: split('test-split', options.test ?? 64) }),
  };
}

/** A Dataset role object over syntheticSplits that counts its loads. */
export function syntheticDataset(options: SyntheticOptions = {}): Dataset & { loads: number } {
  const dataset = {
    loads: 0,
    info: () => {
      const s = syntheticSplits(0, { ...options, train: 0, validation: 0, test: 0 });
      return { name: s.name, shape: s.shape, classes: s.classes };
    },
    load: async ({ seed }: { seed: number }) => {
      dataset.loads++;
      return syntheticSplits(seed, options);
    },
  };
  return dataset;
}
