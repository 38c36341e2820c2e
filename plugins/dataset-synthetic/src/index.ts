// Synthetic image classification data of any shape: each class has its own smooth spatial pattern
// (gratings plus a blob per channel); an image is its class pattern, randomly shifted by a pixel and
// scaled in contrast, plus Gaussian noise. Linear models learn it well above chance, CNNs better.
// The images come from `dataSeed` (the dataset itself); the run seed only draws the splits.
import {
  definePlugin,
  deriveSeed,
  Rng,
  z,
  type Dataset,
  type DatasetInfo,
  type DatasetSplits,
  type InputShape,
} from '@coex/core';
import { parseInputShape } from '@coex/kit-chain-cnn';
import { datasetSplitOptions, downscaledInfo, makeSplits, resolveSize, type DatasetSplitOptions, type ImageSet } from '@coex/kit-dataset';

const PLUGIN_NAME = '@coex/plugin-dataset-synthetic';

export interface SyntheticOptions extends DatasetSplitOptions {
  input: InputShape;
  classes: number;
  /** Training images (before `subset`); the validation images are generated on top of them. */
  trainSize: number;
  testSize: number;
  noise: number;
  dataSeed: number;
}

/** Generation parameters that decide the images (the cache key). */
type GenerationKey = Pick<SyntheticOptions, 'input' | 'classes' | 'noise' | 'dataSeed'>;

export class SyntheticDataset implements Dataset {
  private static readonly cache = new Map<string, ImageSet>();

  constructor(private readonly options: SyntheticOptions) {}

  info(): DatasetInfo {
    return downscaledInfo(this.stored(), this.options.downscale);
  }

  private stored(): DatasetInfo {
    return { name: 'synthetic', shape: { ...this.options.input }, classes: this.options.classes };
  }

  async load({ seed }: { seed: number }): Promise<DatasetSplits> {
    const o = this.options;
    // a fraction means a fraction of trainSize here, as the pool is generated to measure
    const validation = resolveSize(o.validationSize, o.trainSize, 'dataset.validationSize');
    const pool = this.generate('pool', o.trainSize + validation);
    const test = o.testSize > 0 ? this.generate('test', o.testSize) : undefined;
    return makeSplits({ info: this.stored(), seed, pool, test, scale: 1, options: { ...o, validationSize: validation } });
  }

  private generate(part: string, count: number): ImageSet {
    const key: GenerationKey = { input: this.options.input, classes: this.options.classes, noise: this.options.noise, dataSeed: this.options.dataSeed };
    const id = JSON.stringify([key, part, count]);
    let set = SyntheticDataset.cache.get(id);
    if (!set) {
      set = generateImages(key, part, count);
      SyntheticDataset.cache.set(id, set);
    }
    return set;
  }
}

/** One pattern per class, values in [-1, 1], NHWC without the N. */
export function classPatterns(shape: InputShape, classes: number, dataSeed: number): Float32Array[] {
  const { height: H, width: W, channels: C } = shape;
  return Array.from({ length: classes }, (_, k) => {
    const rng = new Rng(deriveSeed(dataSeed, 'synthetic.pattern', k));
    const pattern = new Float32Array(H * W * C);
    for (let c = 0; c < C; c++) {
      const gratings = [0, 1].map(() => ({ fy: rng.int(3), fx: rng.int(3), phase: 2 * Math.PI * rng.float() }));
      const blob = { y: rng.float() * H, x: rng.float() * W, sign: rng.int(2) ? 1 : -1 };
      const radius = Math.max(1, Math.min(H, W) / 4);
      for (let i = 0; i < H; i++) {
        for (let j = 0; j < W; j++) {
          let v = 0;
          for (const g of gratings) v += Math.cos(2 * Math.PI * ((g.fy * i) / H + (g.fx * j) / W) + g.phase);
          v += 2 * blob.sign * Math.exp(-((i - blob.y) ** 2 + (j - blob.x) ** 2) / (2 * radius * radius));
          pattern[(i * W + j) * C + c] = v;
        }
      }
    }
    // scale to [-1, 1] but keep the mean: on a 1x1 input the mean is all a class has
    let peak = 0;
    for (const v of pattern) peak = Math.max(peak, Math.abs(v));
    for (let i = 0; i < pattern.length; i++) pattern[i] /= peak || 1;
    return pattern;
  });
}

/** `count` images, labels cycling through the classes; values clamped to [0, 1]. */
export function generateImages(key: GenerationKey, part: string, count: number): ImageSet {
  const { height: H, width: W, channels: C } = key.input;
  const patterns = classPatterns(key.input, key.classes, key.dataSeed);
  const rng = new Rng(deriveSeed(key.dataSeed, 'synthetic.images', part));
  const gaussian = gaussianPairs(rng);
  const size = H * W * C;
  const pixels = new Float32Array(count * size);
  const labels = new Int32Array(count);
  const shiftRange = (n: number) => (n >= 4 ? 3 : 1); // shifts of -1, 0, +1 pixel on inputs large enough
  for (let n = 0; n < count; n++) {
    const label = n % key.classes;
    labels[n] = label;
    const pattern = patterns[label];
    const dy = rng.int(shiftRange(H)) - (shiftRange(H) >> 1);
    const dx = rng.int(shiftRange(W)) - (shiftRange(W) >> 1);
    const contrast = 0.35 * (0.7 + 0.6 * rng.float());
    for (let i = 0; i < H; i++) {
      const si = (i + dy + H) % H;
      for (let j = 0; j < W; j++) {
        const sj = (j + dx + W) % W;
        for (let c = 0; c < C; c++) {
          const v = 0.5 + contrast * pattern[(si * W + sj) * C + c] + key.noise * gaussian();
          pixels[n * size + (i * W + j) * C + c] = v < 0 ? 0 : v > 1 ? 1 : v;
        }
      }
    }
  }
  return { pixels, labels, count };
}

/** Standard normals from Box-Muller keeping both values of each pair: noise is most of the work. */
function gaussianPairs(rng: Rng): () => number {
  let spare = NaN;
  return () => {
    if (!Number.isNaN(spare)) {
      const value = spare;
      spare = NaN;
      return value;
    }
    const radius = Math.sqrt(-2 * Math.log(1 - rng.float()));
    const angle = 2 * Math.PI * rng.float();
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };
}

export default definePlugin({
  name: PLUGIN_NAME,
  version: '0.1.0',
  role: 'dataset',
  description: 'Seeded, learnable synthetic images of any shape (class patterns plus noise)',
  options: z.object({
    input: z.string().default('8x8x1'),
    classes: z.coerce.number().int().min(2).max(1000).default(10),
    trainSize: z.coerce.number().int().min(2).default(2000),
    testSize: z.coerce.number().int().min(0).default(500),
    noise: z.coerce.number().min(0).default(0.3),
    dataSeed: z.coerce.number().int().min(0).default(0),
    ...datasetSplitOptions({ validationSize: 500 }),
  }),
  apply(ctx, options) {
    const input = parseInputShape(options.input, 'dataset.input');
    ctx.provide('dataset', () => new SyntheticDataset({ ...options, input }));
  },
});
