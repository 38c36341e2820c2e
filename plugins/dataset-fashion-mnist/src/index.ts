// Fashion-MNIST from the original gzip'd IDX files (Debian package dataset-fashion-mnist): the
// 60,000 training images are the pool the validation split is drawn from; the official 10,000
// test images are the test split. Parsed files are cached per process (keyed by path, size, mtime).
import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { definePlugin, messageOf, UserError, z, type DatasetInfo } from '@coex/core';
import { datasetSplitOptions, StoredImageDataset, type DatasetSplitOptions, type ImageSet, type StoredImages } from '@coex/kit-dataset';
import { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, parseIdx, type IdxArray } from './idx';

export { IDX_IMAGES_MAGIC, IDX_LABELS_MAGIC, parseIdx, type IdxArray } from './idx';

const PLUGIN_NAME = '@coex/plugin-dataset-fashion-mnist';

export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';
export const FASHION_MNIST_LABELS = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
const SIDE = 28;
const HOW_TO_GET =
  'install the Debian package with `apt-get install dataset-fashion-mnist` (files in /usr/share/datasets/fashion-mnist/), ' +
  'or download the four files from https://github.com/zalandoresearch/fashion-mnist and set dataset.path to their folder';

export interface FashionMnistOptions extends DatasetSplitOptions {
  path: string;
}

const STORED: DatasetInfo = { name: 'fashion-mnist', shape: { height: SIDE, width: SIDE, channels: 1 }, classes: 10 };

export class FashionMnistDataset extends StoredImageDataset<FashionMnistOptions> {
  protected readonly stored = STORED;
  protected readonly scale = 1 / 255;

  /** Preflight: the four files are there (their contents are checked when they are read). */
  async check(): Promise<void> {
    for (const part of ['train', 't10k']) {
      for (const kind of ['images-idx3', 'labels-idx1']) await findIdxFile(this.options.path, `${part}-${kind}-ubyte`);
    }
  }

  protected async read(): Promise<StoredImages> {
    const [pool, test] = await Promise.all([readPart(this.options.path, 'train'), readPart(this.options.path, 't10k')]);
    return { pool, test };
  }
}

/** Reads `<part>-images-idx3-ubyte(.gz)` and `<part>-labels-idx1-ubyte(.gz)` of `dir` (part: train or t10k). */
export async function readPart(dir: string, part: 'train' | 't10k'): Promise<ImageSet> {
  const [images, labels] = await Promise.all([
    readIdxFile(dir, `${part}-images-idx3-ubyte`, IDX_IMAGES_MAGIC),
    readIdxFile(dir, `${part}-labels-idx1-ubyte`, IDX_LABELS_MAGIC),
  ]);
  const where = `fashion-mnist ${path.join(dir, `${part}-*`)}`;
  const [count, height, width] = images.dims;
  if (height !== SIDE || width !== SIDE) {
    throw new UserError(`${where}: expected ${SIDE}x${SIDE} images, found ${height}x${width}; ${HOW_TO_GET}`);
  }
  if (labels.dims[0] !== count) {
    throw new UserError(`${where}: the image file holds ${count} images but the label file ${labels.dims[0]} labels; ${HOW_TO_GET}`);
  }
  const bad = labels.data.findIndex((label) => label > 9);
  if (bad >= 0) throw new UserError(`${where}: label ${bad} is ${labels.data[bad]}, expected 0..9; ${HOW_TO_GET}`);
  return { pixels: images.data, labels: labels.data, count };
}

const cache = new Map<string, Promise<IdxArray>>();

/** `name.gz` (or an uncompressed `name`) in `dir`, and its size and time, or the user error saying how to get it. */
async function findIdxFile(dir: string, name: string): Promise<{ file: string; key: string }> {
  for (const file of [path.join(dir, `${name}.gz`), path.join(dir, name)]) {
    const stats = await stat(file).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT' || error.code === 'ENOTDIR') return undefined;
      throw new UserError(`fashion-mnist: cannot read ${file}: ${error.message}`);
    });
    if (stats) return { file, key: `${file}:${stats.size}:${stats.mtimeMs}` };
  }
  throw new UserError(`fashion-mnist: missing file ${path.join(dir, `${name}.gz`)} (an uncompressed ${name} would do too); ${HOW_TO_GET}`);
}

/** Finds `name.gz` (or an uncompressed `name`) in `dir`, and parses it once per process and version. */
async function readIdxFile(dir: string, name: string, magic: number): Promise<IdxArray> {
  const { file, key } = await findIdxFile(dir, name);
  let parsed = cache.get(key);
  if (!parsed) {
    parsed = decodeIdxFile(file, magic);
    cache.set(key, parsed);
    parsed.catch(() => cache.delete(key));
  }
  return parsed;
}

async function decodeIdxFile(file: string, magic: number): Promise<IdxArray> {
  let bytes: Uint8Array = await readFile(file).catch((error: Error) => {
    throw new UserError(`fashion-mnist: cannot read ${file}: ${error.message}`);
  });
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    bytes = await promisify(gunzip)(bytes).catch((error: unknown) => {
      throw new UserError(`fashion-mnist: ${file}: corrupt gzip data (${messageOf(error)}); ${HOW_TO_GET}`);
    });
  }
  try {
    return parseIdx(bytes, magic, file);
  } catch (error) {
    throw new UserError(`fashion-mnist: ${messageOf(error)}; ${HOW_TO_GET}`);
  }
}

export default definePlugin({
  name: PLUGIN_NAME,
  version: '0.1.0',
  role: 'dataset',
  description: 'Fashion-MNIST (60,000 train + 10,000 test, 28x28x1) from the official IDX files',
  options: z.object({
    path: z.string().min(1).default(FASHION_MNIST_DIR),
    ...datasetSplitOptions({ validationSize: 10000 }),
  }),
  apply(ctx, options) {
    ctx.provide('dataset', () => new FashionMnistDataset(options));
  },
});
