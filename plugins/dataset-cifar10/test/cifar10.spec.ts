import { expect } from 'chai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { UserError, type DataSplit, type Dataset, type PluginContext } from '@coex/core';
import plugin, { Cifar10Dataset, CIFAR10_TEST_FILE, CIFAR10_TRAIN_FILES, parseCifarBatch, type Cifar10Options } from '../src/index';

/** The pixel byte of image `id` at row-major position `p` of channel `c`: a value that tells all three apart. */
const pixel = (id: number, c: number, p: number) => (id * 31 + c * 101 + p * 7) % 256;

/** A batch in the official format: per record a label byte, then the R, G and B planes. */
function batch(ids: number[], label = (id: number) => id % 10): Buffer {
  const bytes = Buffer.alloc(ids.length * 3073);
  ids.forEach((id, r) => {
    bytes[r * 3073] = label(id);
    for (let c = 0; c < 3; c++) for (let p = 0; p < 1024; p++) bytes[r * 3073 + 1 + c * 1024 + p] = pixel(id, c, p);
  });
  return bytes;
}

/** Five training batches of 4 images (ids 0..19) and a test batch of 3 (ids 100..102). */
function writeTinySet(dir: string): void {
  CIFAR10_TRAIN_FILES.forEach((name, b) => writeFileSync(path.join(dir, name), batch([0, 1, 2, 3].map((i) => b * 4 + i))));
  writeFileSync(path.join(dir, CIFAR10_TEST_FILE), batch([100, 101, 102]));
}

/** The image id of each image of a split, read back from its first pixel and checked against all others. */
function ids(split: DataSplit, scale = 255): number[] {
  return Array.from({ length: split.count }, (_, n) => {
    const id = [...Array(256).keys(), 100, 101, 102].find((candidate) => pixel(candidate, 0, 0) === Math.round(split.x[n * 3072] * scale))!;
    let wrong = 0;
    for (let p = 0; p < 1024; p++) {
      for (let c = 0; c < 3; c++) if (Math.round(split.x[n * 3072 + p * 3 + c] * scale) !== pixel(id, c, p)) wrong++;
    }
    expect(wrong).to.equal(0, `pixels of image ${id} out of place`);
    expect(split.y[n]).to.equal(id % 10);
    return id;
  });
}

const options = (dir: string, extra: Partial<Cifar10Options> = {}): Cifar10Options => ({ path: dir, validationSize: 5, normalize: 'unit', ...extra });

async function loadError(dataset: Dataset): Promise<string> {
  try {
    await dataset.load({ seed: 1 });
  } catch (error) {
    expect(error).to.be.instanceOf(UserError);
    return (error as Error).message;
  }
  throw new Error('expected load() to fail');
}

describe('dataset-cifar10', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'coex-cifar10-'));
    writeTinySet(dir);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('parses a batch from channel-planar records to NHWC', () => {
    const set = parseCifarBatch(batch([7, 8]), 'b');
    expect(set.count).to.equal(2);
    expect(Array.from(set.labels)).to.deep.equal([7, 8]);
    expect(set.pixels.length).to.equal(2 * 3072);
    // image 1, row 2, column 5, green
    expect(set.pixels[3072 + (2 * 32 + 5) * 3 + 1]).to.equal(pixel(8, 1, 2 * 32 + 5));
  });

  it('loads the five training batches as the pool and test_batch.bin as the test split, as NHWC in [0,1]', async () => {
    const s = await new Cifar10Dataset(options(dir)).load({ seed: 1 });
    expect(s.shape).to.deep.equal({ height: 32, width: 32, channels: 3 });
    expect([s.train.count, s.validation.count, s.test!.count]).to.deep.equal([15, 5, 3]);
    expect([...ids(s.train), ...ids(s.validation)].sort((a, b) => a - b)).to.deep.equal([...Array(20).keys()]);
    expect(ids(s.test!)).to.deep.equal([100, 101, 102]);
    const none = await new Cifar10Dataset(options(dir, { normalize: 'none' })).load({ seed: 1 });
    expect(ids(none.train, 1)).to.deep.equal(ids(s.train));
  });

  it('gives identical splits for the same seed and a different split for another seed', async () => {
    const load = (seed: number) => new Cifar10Dataset(options(dir)).load({ seed });
    const [a, b, c] = await Promise.all([load(4), load(4), load(5)]);
    expect(ids(a.train)).to.deep.equal(ids(b.train));
    expect(ids(a.validation)).to.deep.equal(ids(b.validation));
    expect(ids(a.validation)).to.not.deep.equal(ids(c.validation));
  });

  it('takes its options through the plugin and finds the batches in an extracted cifar-10-batches-bin folder', async () => {
    const parent = mkdtempSync(path.join(tmpdir(), 'coex-cifar10-parent-'));
    try {
      mkdirSync(path.join(parent, 'cifar-10-batches-bin'));
      writeTinySet(path.join(parent, 'cifar-10-batches-bin'));
      let factory: (() => Dataset) | undefined;
      const ctx = { provide: (_role: string, f: () => Dataset) => (factory = f) } as unknown as PluginContext;
      await plugin({ path: parent, validationSize: 0.25, subset: 6, testSubset: 2 }).apply(ctx);
      const s = await factory!().load({ seed: 1 });
      expect([s.train.count, s.validation.count, s.test!.count]).to.deep.equal([6, 5, 2]);
      expect(factory!().info()).to.deep.equal({ name: 'cifar10', shape: { height: 32, width: 32, channels: 3 }, classes: 10 });
    } finally {
      rmSync(parent, { recursive: true, force: true });
    }
  });

  it('asks for dataset.path when none is given, saying where CIFAR-10 comes from', async () => {
    const message = await loadError(new Cifar10Dataset({ validationSize: 5, normalize: 'unit' }));
    expect(message).to.include('option dataset.path is required');
    expect(message).to.include('https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz');
  });

  it('names a missing batch file', async () => {
    rmSync(path.join(dir, 'data_batch_3.bin'));
    const message = await loadError(new Cifar10Dataset(options(dir)));
    expect(message).to.include(`missing file ${path.join(dir, 'data_batch_3.bin')}`);
    expect(message).to.include('cifar-10-binary.tar.gz');
    writeFileSync(path.join(dir, 'data_batch_1'), 'a pickle');
    expect(await loadError(new Cifar10Dataset(options(dir)))).to.include('this folder holds the Python version of CIFAR-10');
  });

  it('names a batch of the wrong size, with what was expected and found', async () => {
    writeFileSync(path.join(dir, CIFAR10_TEST_FILE), batch([100, 101]).subarray(0, 3073 + 3072));
    const message = await loadError(new Cifar10Dataset(options(dir)));
    expect(message).to.include(`${path.join(dir, CIFAR10_TEST_FILE)}: truncated or wrong size: expected 30730000 bytes (10000 records`);
    expect(message).to.include('found 6145 bytes (1 records and 3072 bytes left over)');
    expect(() => parseCifarBatch(Buffer.alloc(0), 'empty')).to.throw(UserError, 'found 0 bytes');
    expect(() => parseCifarBatch(Buffer.alloc(3074 * 2), 'c100')).to.throw(UserError, 'is this CIFAR-100?');
  });

  it('names a record whose label is not a CIFAR-10 class', async () => {
    writeFileSync(path.join(dir, 'data_batch_2.bin'), batch([4, 5, 6, 7], (id) => (id === 6 ? 42 : 0)));
    expect(await loadError(new Cifar10Dataset(options(dir)))).to.include(`${path.join(dir, 'data_batch_2.bin')}: record 2 has label 42, expected 0..9`);
  });
});
