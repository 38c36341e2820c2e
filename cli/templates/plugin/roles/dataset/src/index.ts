// A dataset: what the trainer learns from. This one generates its images: each class has its own
// brightness ramp across the image, plus Gaussian noise. The images come from `dataSeed`; the run
// seed only draws which images go to training and which to validation (makeSplits of @coex/kit-dataset).
import { Rng, definePlugin, deriveSeed, z, type Dataset, type DatasetInfo, type DatasetSplits } from '@coex/core';
import { parseInputShape } from '@coex/kit-chain-cnn';
import { datasetSplitOptions, makeSplits, type DatasetSplitOptions, type ImageSet } from '@coex/kit-dataset';

const PLUGIN_NAME = '__PACKAGE_NAME__';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('../package.json') as { version: string };

export interface RampDatasetOptions extends DatasetSplitOptions {
  info: DatasetInfo;
  /** Images generated (training and validation together). */
  images: number;
  noise: number;
  dataSeed: number;
}

export class RampDataset implements Dataset {
  constructor(private readonly options: RampDatasetOptions) {}

  info(): DatasetInfo {
    return { ...this.options.info, shape: { ...this.options.info.shape } };
  }

  async load({ seed }: { seed: number }): Promise<DatasetSplits> {
    const { info, validationSize, subset, normalize } = this.options;
    return makeSplits({ info, seed, pool: this.generate(), scale: 1, options: { validationSize, subset, normalize } });
  }

  /** Image n shows class n % classes: a ramp whose direction and level depend on the class. */
  private generate(): ImageSet {
    const { info, images, noise, dataSeed } = this.options;
    const { height: H, width: W, channels: C } = info.shape;
    const rng = new Rng(deriveSeed(dataSeed, PLUGIN_NAME));
    const pixels = new Float32Array(images * H * W * C);
    const labels = new Int32Array(images);
    let p = 0;
    for (let n = 0; n < images; n++) {
      const label = n % info.classes;
      labels[n] = label;
      const angle = (2 * Math.PI * label) / info.classes;
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const ramp = 0.5 + 0.4 * (Math.cos(angle) * (x / W - 0.5) + Math.sin(angle) * (y / H - 0.5));
          for (let c = 0; c < C; c++) pixels[p++] = Math.min(1, Math.max(0, ramp + noise * rng.normal()));
        }
      }
    }
    return { pixels, labels, count: images };
  }
}

export default definePlugin({
  name: PLUGIN_NAME,
  version,
  role: 'dataset',
  // The @coex/core versions this plugin works with (checked when Coex loads it).
  coex: '__CORE_RANGE__',
  description: 'Generated images, one brightness ramp per class (a template dataset)',
  options: z.object({
    shape: z.string().default('16x16x1'),
    classes: z.number().int().min(2).default(4),
    images: z.number().int().min(4).default(256),
    noise: z.number().min(0).default(0.1),
    dataSeed: z.number().int().min(0).default(0),
    // subset, validationSize and normalize, as every Coex dataset takes them
    ...datasetSplitOptions({ validationSize: 0.25 }),
  }),
  apply(ctx, options) {
    const info: DatasetInfo = { name: PLUGIN_NAME, shape: parseInputShape(options.shape, 'dataset.shape'), classes: options.classes };
    ctx.provide('dataset', () => new RampDataset({ ...options, info }));
  },
});
