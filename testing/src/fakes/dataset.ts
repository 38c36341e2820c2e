// Fake dataset: a tiny synthetic image set. Each class is a constant brightness plus noise, drawn
// from the dataset's own seed; the run seed only draws the train/validation split (core's makeSplits).
import { Rng, deriveSeed, type Dataset, type DatasetInfo, type InputShape } from '@coex/core';
import { parseInputShape } from '@coex/kit-chain-cnn';
import { makeSplits } from '@coex/kit-dataset';

export interface FakeDatasetOptions {
  /** HxWxC or an object (default 8x8x1). */
  shape?: string | InputShape;
  /** Classes (default 4). */
  classes?: number;
  /** Training images (default 32). */
  train?: number;
  /** Validation images (default 16). */
  validation?: number;
  /** Seed of the images themselves (default 0). */
  seed?: number;
}

export interface FakeDataset extends Dataset {
  /** How many times `load` ran. */
  readonly loads: number;
}

export function fakeDataset(options: FakeDatasetOptions = {}): FakeDataset {
  const shape = typeof options.shape === 'string' ? parseInputShape(options.shape, 'fakeDataset shape') : options.shape ?? { height: 8, width: 8, channels: 1 };
  const classes = options.classes ?? 4;
  const train = options.train ?? 32;
  const validation = options.validation ?? 16;
  const info: DatasetInfo = { name: 'fake', shape, classes };
  const size = shape.height * shape.width * shape.channels;
  let loads = 0;
  return {
    get loads() {
      return loads;
    },
    info: () => ({ ...info, shape: { ...shape } }),
    async load({ seed }) {
      loads += 1;
      const count = train + validation;
      const rng = new Rng(deriveSeed(options.seed ?? 0, 'fake-dataset'));
      const pixels = new Float32Array(count * size);
      const labels = new Int32Array(count);
      for (let n = 0; n < count; n++) {
        labels[n] = n % classes;
        const level = (labels[n] + 0.5) / classes;
        for (let i = 0; i < size; i++) pixels[n * size + i] = Math.min(1, Math.max(0, level + 0.1 * rng.normal()));
      }
      return makeSplits({ info, seed, pool: { pixels, labels, count }, scale: 1, options: { validationSize: validation, normalize: 'none' } });
    },
  };
}
