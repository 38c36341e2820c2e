// Splits, subsets, downscaling and normalisation shared by the dataset plugins, so that every dataset
// takes the same options (subset, validationSize, testSubset, downscale, normalize) and draws its
// splits the same way: a permutation seeded from the run seed, so the same seed gives identical splits.
import { deriveSeed, Rng, UserError, z, type DataSplit, type DatasetInfo, type DatasetSplits } from '@coex/core';

/** Images as a dataset holds them before splitting: NHWC values (bytes or floats) and labels. */
export interface ImageSet {
  pixels: Uint8Array | Float32Array;
  labels: Uint8Array | Int32Array;
  count: number;
}

export const NORMALIZATIONS = ['unit', 'standard', 'none'] as const;
export type Normalization = (typeof NORMALIZATIONS)[number];

const wholeOrFraction = [(v: number) => v < 1 || Number.isInteger(v), { message: 'expected a whole number of images, or a fraction below 1' }] as const;

/** A number of images, or (below 1) a fraction of the images it is taken from. */
export const sizeOption = z.coerce.number().positive().refine(...wholeOrFraction);

/** Like `sizeOption`, where 0 means none (a split that may be left out). */
export const sizeOrNoneOption = z.coerce.number().min(0).refine(...wholeOrFraction);

export interface DatasetSplitOptions {
  subset?: number;
  validationSize: number;
  testSubset?: number;
  /** Average-pool every image by this factor (2: 28x28 -> 14x14), a cheaper proxy task; 1: as stored. */
  downscale?: number;
  normalize: Normalization;
}

/** The zod fields every dataset plugin accepts; spread them into the plugin's `z.object({...})`. */
export function datasetSplitOptions(defaults: { validationSize: number }) {
  return {
    /** Training images used (drawn by the seed from what the validation split leaves); default: all. */
    subset: sizeOption.optional(),
    /** Images split off the training pool for validation (count, or fraction below 1). */
    validationSize: sizeOption.default(defaults.validationSize),
    /** Test images used (drawn by the seed); default: all. */
    testSubset: sizeOption.optional(),
    /** Average-pool images by this whole factor (2: 28x28 -> 14x14); 1 keeps them as stored. */
    downscale: z.coerce.number().int().min(1).default(1),
    /** unit: [0,1]; standard: per-channel mean/std of the training split; none: stored values. */
    normalize: z.enum(NORMALIZATIONS).default('unit'),
  };
}

/**
 * Resolves a count-or-fraction option: a fraction is of `total` images, and at most `max` may be
 * taken (`why` says what the rest is kept for). `where` names the option in errors.
 */
export function resolveSize(value: number, total: number, where: string, max = total, why = ''): number {
  const count = value < 1 ? Math.round(value * total) : value;
  if (count < 1) throw new UserError(`${where}: ${value} of ${total} images is less than one image`);
  if (count > max) {
    throw new UserError(`${where}: ${count} images requested, but at most ${max} of ${total} can be used${why ? ` (${why})` : ''}`);
  }
  return count;
}

/**
 * The shape a dataset presents after `downscale`: height and width divided by the factor, rounded
 * down (the last rows and columns that do not fill a whole block are dropped). `where` names the
 * option in errors.
 */
export function downscaledInfo(info: DatasetInfo, factor = 1, where = 'dataset.downscale'): DatasetInfo {
  if (factor === 1) return info;
  const { height, width, channels } = info.shape;
  if (height < factor || width < factor) {
    throw new UserError(`${where}: ${factor} is larger than the ${height}x${width} images of ${info.name}`);
  }
  return { ...info, shape: { height: Math.floor(height / factor), width: Math.floor(width / factor), channels } };
}

export interface SplitRequest {
  /** The images as stored (before `downscale`). */
  info: DatasetInfo;
  seed: number;
  /** The pool that training and validation (and, without `test`, the test split) are drawn from. */
  pool: ImageSet;
  /** The official test set; when absent, `testSize` images of the pool become the test split. */
  test?: ImageSet;
  /** Images of the pool held out as the test split when there is no official one (0 or absent: none). */
  testSize?: number;
  /** Factor that maps stored values to [0,1] (1/255 for bytes). */
  scale: number;
  options: DatasetSplitOptions;
  /** Prefix of option names in errors, e.g. `dataset`. */
  where?: string;
}

/**
 * Draws the train / validation / test splits. One permutation of the pool (seeded by `seed`) gives,
 * in order, the carved test split (if any), the validation split and the training split; `subset`
 * keeps the first images of the training split, so a larger subset contains a smaller one.
 */
export function makeSplits(request: SplitRequest): DatasetSplits {
  const { info, pool, options } = request;
  const where = request.where ?? 'dataset';
  const order = permutation(pool.count, new Rng(deriveSeed(request.seed, 'dataset.split')));
  let next = 0;
  const take = (count: number) => order.subarray(next, (next += count));

  let testSource: ImageSet | undefined = request.test;
  let testRows: Int32Array | undefined = request.test ? identity(request.test.count) : undefined;
  if (!request.test && request.testSize) {
    testSource = pool;
    testRows = take(resolveSize(request.testSize, pool.count, `${where}.testSize`, pool.count - 2,
      'at least one validation and one training image must remain'));
  }
  const remaining = pool.count - next;
  const validationCount = resolveSize(options.validationSize, remaining, `${where}.validationSize`, remaining - 1,
    'at least one training image must remain');
  const validationRows = take(validationCount);
  let trainRows = order.subarray(next);
  if (options.subset !== undefined) {
    trainRows = trainRows.subarray(0, resolveSize(options.subset, trainRows.length, `${where}.subset`));
  }
  if (testRows && options.testSubset !== undefined) {
    const count = resolveSize(options.testSubset, testRows.length, `${where}.testSubset`);
    const drawn = permutation(testRows.length, new Rng(deriveSeed(request.seed, 'dataset.testSubset')));
    testRows = drawn.subarray(0, count).map((i) => testRows![i]);
  }

  const size = info.shape.height * info.shape.width * info.shape.channels;
  const factor = options.downscale ?? 1;
  const shown = downscaledInfo(info, factor, `${where}.downscale`);
  const scale = options.normalize === 'none' ? 1 : request.scale;
  const gathered = (set: ImageSet, rows: Int32Array) =>
    factor === 1 ? gather(set, rows, size, scale) : gatherPooled(set, rows, info.shape, factor, scale);
  const splits: DatasetSplits = {
    ...shown,
    train: gathered(pool, trainRows),
    validation: gathered(pool, validationRows),
    ...(testSource && testRows ? { test: gathered(testSource, testRows) } : {}),
  };
  if (options.normalize === 'standard') standardize(splits, info.shape.channels);
  return splits;
}

/** Copies the given rows into a new split, multiplying values by `scale`. */
export function gather(set: ImageSet, rows: ArrayLike<number>, imageSize: number, scale = 1): DataSplit {
  const x = new Float32Array(rows.length * imageSize);
  const y = new Int32Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const start = rows[r] * imageSize;
    const image = set.pixels.subarray(start, start + imageSize);
    const offset = r * imageSize;
    if (scale === 1) x.set(image, offset);
    else for (let i = 0; i < imageSize; i++) x[offset + i] = image[i] * scale;
    y[r] = set.labels[rows[r]];
  }
  return { x, y, count: rows.length };
}

/**
 * Copies the given rows into a new split, each NHWC image average-pooled over factor x factor
 * blocks (partial blocks dropped) and multiplied by `scale`; no full-size copy is made.
 */
export function gatherPooled(set: ImageSet, rows: ArrayLike<number>, shape: DatasetInfo['shape'], factor: number, scale = 1): DataSplit {
  const { height, width, channels } = shape;
  const [h, w] = [Math.floor(height / factor), Math.floor(width / factor)];
  const inSize = height * width * channels;
  const outSize = h * w * channels;
  const x = new Float32Array(rows.length * outSize);
  const y = new Int32Array(rows.length);
  const weight = 1 / (factor * factor);
  // Each value is scaled and rounded to float32 before it is summed, exactly as a gathered
  // full-size split would hold it, so the pooled values do not depend on how they were computed.
  const value = scale === 1 ? (i: number) => set.pixels[i] : (i: number) => Math.fround(set.pixels[i] * scale);
  for (let n = 0; n < rows.length; n++) {
    const image = rows[n] * inSize;
    for (let r = 0; r < h; r++) {
      for (let c = 0; c < w; c++) {
        for (let ch = 0; ch < channels; ch++) {
          let sum = 0;
          for (let dr = 0; dr < factor; dr++) {
            const row = image + ((r * factor + dr) * width + c * factor) * channels + ch;
            for (let dc = 0; dc < factor; dc++) sum += value(row + dc * channels);
          }
          x[n * outSize + (r * w + c) * channels + ch] = sum * weight;
        }
      }
    }
    y[n] = set.labels[rows[n]];
  }
  return { x, y, count: rows.length };
}

export interface ChannelStats {
  mean: number[];
  std: number[];
}

/** Per-channel mean and standard deviation of an NHWC split. */
export function channelStats(split: DataSplit, channels: number): ChannelStats {
  const sum = new Float64Array(channels);
  const squares = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    let s = 0;
    let s2 = 0;
    for (let i = c; i < split.x.length; i += channels) {
      const v = split.x[i];
      s += v;
      s2 += v * v;
    }
    sum[c] = s;
    squares[c] = s2;
  }
  const n = split.x.length / channels;
  const mean = Array.from(sum, (s) => s / n);
  const std = Array.from(squares, (s, c) => Math.sqrt(Math.max(0, s / n - mean[c] * mean[c])));
  return { mean, std };
}

/** Normalises every split in place with the training split's per-channel statistics. */
export function standardize(splits: DatasetSplits, channels: number): ChannelStats {
  const stats = channelStats(splits.train, channels);
  // a constant channel carries no information; leave its scale alone instead of dividing by zero
  const inverse = stats.std.map((s) => (s > 1e-8 ? 1 / s : 1));
  for (const split of [splits.train, splits.validation, splits.test]) {
    if (!split) continue;
    for (let c = 0; c < channels; c++) {
      const mean = stats.mean[c];
      const scale = inverse[c];
      for (let i = c; i < split.x.length; i += channels) split.x[i] = (split.x[i] - mean) * scale;
    }
  }
  return stats;
}

function permutation(n: number, rng: Rng): Int32Array {
  const order = identity(n);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

function identity(n: number): Int32Array {
  const rows = new Int32Array(n);
  for (let i = 0; i < n; i++) rows[i] = i;
  return rows;
}
