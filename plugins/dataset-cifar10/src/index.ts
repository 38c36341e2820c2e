// CIFAR-10 from the official binary batches in the folder `path` (no CIFAR-10 data ships with coex
// or Debian): data_batch_1..5.bin are the 50,000-image pool the validation split is drawn from,
// test_batch.bin the official test split. Parsed batches are cached per process.
import { readFile, stat } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { definePlugin, UserError, z, type DatasetInfo } from '@coex/core';
import { datasetSplitOptions, StoredImageDataset, type DatasetSplitOptions, type ImageSet, type StoredImages } from '@coex/kit-dataset';
import { CIFAR_SIDE, concatSets, parseCifarBatch } from './batch';

export { CIFAR_BATCH_RECORDS, CIFAR_RECORD_BYTES, concatSets, parseCifarBatch } from './batch';

const PLUGIN_NAME = '@coex/plugin-dataset-cifar10';

export const CIFAR10_TRAIN_FILES = [1, 2, 3, 4, 5].map((i) => `data_batch_${i}.bin`);
export const CIFAR10_TEST_FILE = 'test_batch.bin';
export const CIFAR10_LABELS = ['airplane', 'automobile', 'bird', 'cat', 'deer', 'dog', 'frog', 'horse', 'ship', 'truck'];
const HOW_TO_GET =
  'dataset.path must be a folder holding the CIFAR-10 binary version (data_batch_1.bin ... data_batch_5.bin, test_batch.bin): ' +
  'download https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz (see https://www.cs.toronto.edu/~kriz/cifar.html), ' +
  'extract it with `tar xzf cifar-10-binary.tar.gz` and pass --set dataset.path=<that folder>/cifar-10-batches-bin';

export interface Cifar10Options extends DatasetSplitOptions {
  path?: string;
}

const STORED: DatasetInfo = { name: 'cifar10', shape: { height: CIFAR_SIDE, width: CIFAR_SIDE, channels: 3 }, classes: 10 };

export class Cifar10Dataset extends StoredImageDataset<Cifar10Options> {
  protected readonly stored = STORED;
  protected readonly scale = 1 / 255;

  /** Preflight: dataset.path is given and holds the six batch files (their contents are checked when read). */
  async check(): Promise<void> {
    const dir = this.folder();
    await Promise.all([...CIFAR10_TRAIN_FILES, CIFAR10_TEST_FILE].map((name) => batchVersion(dir, path.join(dir, name))));
  }

  private folder(): string {
    if (!this.options.path) {
      throw new UserError(`cifar10: option dataset.path is required (no CIFAR-10 data ships with coex); ${HOW_TO_GET}`);
    }
    return batchFolder(this.options.path);
  }

  protected async read(): Promise<StoredImages> {
    const dir = this.folder();
    const [pool, test] = await Promise.all([readBatches(dir, CIFAR10_TRAIN_FILES), readBatches(dir, [CIFAR10_TEST_FILE])]);
    return { pool, test };
  }
}

/** The folder given, or its `cifar-10-batches-bin` subfolder when the archive was extracted there. */
export function batchFolder(given: string): string {
  const dir = path.resolve(given);
  const nested = path.join(dir, 'cifar-10-batches-bin');
  return !existsSync(path.join(dir, CIFAR10_TRAIN_FILES[0])) && existsSync(path.join(nested, CIFAR10_TRAIN_FILES[0])) ? nested : dir;
}

const cache = new Map<string, Promise<ImageSet>>();

/** Reads and joins the batch files `names` of `dir`, once per process and version of the files. */
export async function readBatches(dir: string, names: string[]): Promise<ImageSet> {
  const files = names.map((name) => path.join(dir, name));
  const versions = await Promise.all(files.map((file) => batchVersion(dir, file)));
  const key = versions.join('|');
  let set = cache.get(key);
  if (!set) {
    set = Promise.all(files.map(async (file) => parseCifarBatch(await readFile(file), `cifar10: ${file}`)))
      .then((sets) => (sets.length === 1 ? sets[0] : concatSets(sets)))
      .catch((error: Error) => {
        throw error instanceof UserError ? new UserError(`${error.message}; ${HOW_TO_GET}`) : new UserError(`cifar10: ${error.message}`);
      });
    cache.set(key, set);
    set.catch(() => cache.delete(key));
  }
  return set;
}

/** `file:size:mtime` of one batch file, or the user error saying how to get it. */
async function batchVersion(dir: string, file: string): Promise<string> {
  const stats = await stat(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT' || error.code === 'ENOTDIR') throw new UserError(`cifar10: missing file ${file}${pythonHint(dir)}; ${HOW_TO_GET}`);
    throw new UserError(`cifar10: cannot read ${file}: ${error.message}`);
  });
  return `${file}:${stats.size}:${stats.mtimeMs}`;
}

/** A common mix-up: the Python pickles (data_batch_1 without .bin) instead of the binary version. */
function pythonHint(dir: string): string {
  return existsSync(path.join(dir, 'data_batch_1')) || existsSync(path.join(dir, 'cifar-10-batches-py'))
    ? ' (this folder holds the Python version of CIFAR-10; coex reads the binary version)'
    : '';
}

export default definePlugin({
  name: PLUGIN_NAME,
  version: '0.1.0',
  role: 'dataset',
  description: 'CIFAR-10 (50,000 train + 10,000 test, 32x32x3) from the official binary batches at dataset.path',
  options: z.object({
    path: z.string().min(1).optional(),
    ...datasetSplitOptions({ validationSize: 5000 }),
  }),
  apply(ctx, options) {
    ctx.provide('dataset', () => new Cifar10Dataset(options));
  },
});
