import { expect } from 'chai';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { UserError, type DataSplit, type Dataset, type DatasetSplits, type PluginContext } from '@coex/core';
import plugin, {
  FASHION_MNIST_DIR,
  FashionMnistDataset,
  IDX_IMAGES_MAGIC,
  IDX_LABELS_MAGIC,
  parseIdx,
  type FashionMnistOptions,
} from '../src/index';

const REAL_FILES = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];

/** An IDX file: big-endian magic and dimensions, then the bytes. */
function idx(magic: number, dims: number[], data: Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt32BE(magic, 0);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, data]);
}

/** `count` 28x28 images whose first pixel is the image index and whose label is index % 10. */
function tinyPart(count: number): { images: Buffer; labels: Buffer } {
  const pixels = new Uint8Array(count * 784);
  for (let n = 0; n < count; n++) pixels[n * 784] = n;
  const labels = Uint8Array.from({ length: count }, (_, n) => n % 10);
  return { images: idx(IDX_IMAGES_MAGIC, [count, 28, 28], pixels), labels: idx(IDX_LABELS_MAGIC, [count], labels) };
}

/** A folder with tiny but valid Fashion-MNIST files (20 train, 10 test images), gzip'd or not. */
function writeTinySet(dir: string, gzip = true): void {
  const write = (name: string, bytes: Buffer) => writeFileSync(path.join(dir, gzip ? `${name}.gz` : name), gzip ? gzipSync(bytes) : bytes);
  for (const [part, count] of [['train', 20], ['t10k', 10]] as const) {
    const { images, labels } = tinyPart(count);
    write(`${part}-images-idx3-ubyte`, images);
    write(`${part}-labels-idx1-ubyte`, labels);
  }
}

const options = (extra: Partial<FashionMnistOptions> = {}): FashionMnistOptions => ({ path: FASHION_MNIST_DIR, validationSize: 10000, normalize: 'unit', ...extra });
const bytesOf = (split: DataSplit) => Buffer.from(split.x.buffer, split.x.byteOffset, split.x.byteLength);

async function loadError(dataset: Dataset): Promise<UserError> {
  try {
    await dataset.load({ seed: 1 });
  } catch (error) {
    expect(error).to.be.instanceOf(UserError);
    return error as UserError;
  }
  throw new Error('expected load() to fail');
}

describe('dataset-fashion-mnist', () => {
  describe('the real Debian files', () => {
    let first: DatasetSplits;

    before(async function () {
      const missing = REAL_FILES.filter((f) => !existsSync(path.join(FASHION_MNIST_DIR, f)));
      if (missing.length) {
        throw new Error(`Fashion-MNIST files missing in ${FASHION_MNIST_DIR}: ${missing.join(', ')}. ` +
          'Install them with `apt-get install dataset-fashion-mnist` (the CI script does).');
      }
      first = await new FashionMnistDataset(options()).load({ seed: 1 });
    });

    it('loads 50,000 train, 10,000 validation and the official 10,000 test images, 28x28x1 in [0,1]', () => {
      expect(first.shape).to.deep.equal({ height: 28, width: 28, channels: 1 });
      expect([first.train.count, first.validation.count, first.test!.count]).to.deep.equal([50000, 10000, 10000]);
      expect(first.train.x.length).to.equal(50000 * 784);
      const perClass = new Array(10).fill(0);
      for (const label of first.test!.y) perClass[label]++;
      expect(perClass).to.deep.equal(new Array(10).fill(1000));
      expect(first.test!.y[0]).to.equal(9, 'the first official test image is an ankle boot');
      let [min, max] = [Infinity, -Infinity];
      for (let i = 0; i < first.train.x.length; i++) {
        const v = first.train.x[i];
        if (v < min) min = v;
        if (v > max) max = v;
      }
      expect([min, max]).to.deep.equal([0, 1]);
    });

    it('gives identical splits for the same seed and a different split for another seed', async () => {
      // a subset keeps the first images of the seed's training order, so it is enough to compare
      const again = await new FashionMnistDataset(options({ subset: 2000 })).load({ seed: 1 });
      const other = await new FashionMnistDataset(options({ subset: 2000 })).load({ seed: 2 });
      expect(bytesOf(again.train).equals(bytesOf(first.train).subarray(0, 2000 * 784 * 4))).to.equal(true);
      expect(Array.from(again.train.y)).to.deep.equal(Array.from(first.train.y.subarray(0, 2000)));
      expect(bytesOf(again.validation).equals(bytesOf(first.validation))).to.equal(true);
      expect(Array.from(again.validation.y)).to.deep.equal(Array.from(first.validation.y));
      expect(bytesOf(other.validation).equals(bytesOf(first.validation))).to.equal(false);
      expect(bytesOf(other.test!).equals(bytesOf(first.test!))).to.equal(true, 'the official test split is fixed');
    });

    it('downscale 2 gives 14x14 images (info and splits agree), each the mean of a 2x2 block of the stored image', async () => {
      const dataset = new FashionMnistDataset(options({ subset: 100, downscale: 2 }));
      expect(dataset.info().shape).to.deep.equal({ height: 14, width: 14, channels: 1 });
      const small = await dataset.load({ seed: 1 });
      expect(small.shape).to.deep.equal({ height: 14, width: 14, channels: 1 });
      expect(small.train.x.length).to.equal(100 * 196);
      expect(small.validation.x.length).to.equal(10000 * 196);
      const full = first.train.x; // same seed: the subset is the first 100 images of the same order
      const at = (n: number, r: number, c: number) => full[n * 784 + r * 28 + c];
      for (const [n, r, c] of [[0, 0, 0], [3, 7, 5], [99, 13, 13]]) {
        const mean = (at(n, 2 * r, 2 * c) + at(n, 2 * r, 2 * c + 1) + at(n, 2 * r + 1, 2 * c) + at(n, 2 * r + 1, 2 * c + 1)) / 4;
        expect(small.train.x[n * 196 + r * 14 + c]).to.equal(Math.fround(mean), "exactly the float32 mean of the gathered values");
      }
    });

    it('draws a training subset and a test subset through the plugin options', async () => {
      let factory: (() => Dataset) | undefined;
      const ctx = { provide: (_role: string, f: () => Dataset) => (factory = f) } as unknown as PluginContext;
      await plugin({ subset: 1000, validationSize: 0.1, testSubset: 500 }).apply(ctx);
      const s = await factory!().load({ seed: 1 });
      expect([s.train.count, s.validation.count, s.test!.count]).to.deep.equal([1000, 6000, 500]);
      expect(new Set(s.train.y).size).to.equal(10);
    });
  });

  describe('IDX parsing', () => {
    it('reads dimensions and data of an image file', () => {
      const parsed = parseIdx(tinyPart(3).images, IDX_IMAGES_MAGIC, 'x');
      expect(parsed.dims).to.deep.equal([3, 28, 28]);
      expect([parsed.data[0], parsed.data[784], parsed.data[1568]]).to.deep.equal([0, 1, 2]);
    });

    it('rejects a wrong magic number, a truncated file and trailing bytes', () => {
      const { images, labels } = tinyPart(3);
      expect(() => parseIdx(labels, IDX_IMAGES_MAGIC, 'f')).to.throw(UserError, 'f: expected IDX magic 2051 (0x00000803), found 0x00000801');
      expect(() => parseIdx(images.subarray(0, 100), IDX_IMAGES_MAGIC, 'f'))
        .to.throw(UserError, 'f: truncated: expected 2368 bytes (16-byte header + 3x28x28 values), found 100');
      expect(() => parseIdx(images.subarray(0, 10), IDX_IMAGES_MAGIC, 'f')).to.throw(UserError, 'truncated: expected a 16-byte IDX header, found 10');
      expect(() => parseIdx(Buffer.concat([labels, Buffer.from([1])]), IDX_LABELS_MAGIC, 'f')).to.throw(UserError, 'trailing bytes: expected 11 bytes');
    });
  });

  describe('files in another folder (option path)', () => {
    let dir: string;
    beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'coex-fashion-'))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    it('loads gzip\'d and uncompressed IDX files, images and labels in step', async () => {
      for (const gzip of [true, false]) {
        const sub = path.join(dir, String(gzip));
        mkdirSync(sub);
        writeTinySet(sub, gzip);
        const s = await new FashionMnistDataset(options({ path: sub, validationSize: 5, normalize: 'none' })).load({ seed: 1 });
        expect([s.train.count, s.validation.count, s.test!.count]).to.deep.equal([15, 5, 10]);
        for (const split of [s.train, s.validation, s.test!]) {
          for (let n = 0; n < split.count; n++) expect(split.y[n]).to.equal(split.x[n * 784] % 10);
        }
        expect(Array.from({ length: 10 }, (_, n) => s.test!.x[n * 784])).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      }
    });

    it('names a missing file and how to get it', async () => {
      writeTinySet(dir);
      rmSync(path.join(dir, 't10k-labels-idx1-ubyte.gz'));
      const error = await loadError(new FashionMnistDataset(options({ path: dir, validationSize: 5 })));
      expect(error.message).to.include(`missing file ${path.join(dir, 't10k-labels-idx1-ubyte.gz')}`);
      expect(error.message).to.include('apt-get install dataset-fashion-mnist');
    });

    it('names a file with the wrong magic number', async () => {
      writeTinySet(dir);
      writeFileSync(path.join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(tinyPart(20).labels));
      const error = await loadError(new FashionMnistDataset(options({ path: dir, validationSize: 5 })));
      expect(error.message).to.include(`${path.join(dir, 'train-images-idx3-ubyte.gz')}: expected IDX magic 2051 (0x00000803), found 0x00000801`);
      expect(error.message).to.include('apt-get install dataset-fashion-mnist');
    });

    it('names a truncated file, a corrupt gzip stream and images and labels that disagree', async () => {
      writeTinySet(dir);
      const file = path.join(dir, 't10k-images-idx3-ubyte.gz');
      writeFileSync(file, gzipSync(tinyPart(10).images.subarray(0, 5000)));
      expect((await loadError(new FashionMnistDataset(options({ path: dir, validationSize: 5 })))).message)
        .to.include(`${file}: truncated: expected 7856 bytes (16-byte header + 10x28x28 values), found 5000`);
      const gzipped = gzipSync(tinyPart(10).images);
      writeFileSync(file, gzipped.subarray(0, gzipped.length - 6));
      expect((await loadError(new FashionMnistDataset(options({ path: dir, validationSize: 5 })))).message)
        .to.match(/t10k-images-idx3-ubyte\.gz: corrupt gzip data \(unexpected end of file\)/);
      writeFileSync(file, gzipSync(tinyPart(9).images));
      expect((await loadError(new FashionMnistDataset(options({ path: dir, validationSize: 5 })))).message)
        .to.include('the image file holds 9 images but the label file 10 labels');
    });
  });
});
