import { expect } from 'chai';
import { UserError, type DataSplit, type Dataset, type PluginContext } from '@coex/core';
import { channelStats } from '@coex/kit-dataset';
import plugin, { SyntheticDataset, type SyntheticOptions } from '../src/index';

/** Applies the plugin with `options` and returns the dataset it provides. */
async function provided(options: unknown): Promise<Dataset> {
  let factory: (() => Dataset) | undefined;
  const ctx = { provide: (_role: string, f: () => Dataset) => (factory = f) } as unknown as PluginContext;
  await plugin(options).apply(ctx);
  return factory!();
}

const base: SyntheticOptions = {
  input: { height: 8, width: 8, channels: 1 }, classes: 10, trainSize: 600, testSize: 300, noise: 0.3, dataSeed: 0,
  validationSize: 100, normalize: 'unit',
};

/** Accuracy on `test` of the nearest class mean of `train`, a linear classifier. */
function nearestCentroidAccuracy(train: DataSplit, test: DataSplit, classes: number): number {
  const size = train.x.length / train.count;
  const centroids = Array.from({ length: classes }, () => new Float64Array(size));
  const counts = new Array<number>(classes).fill(0);
  for (let n = 0; n < train.count; n++) {
    counts[train.y[n]]++;
    for (let i = 0; i < size; i++) centroids[train.y[n]][i] += train.x[n * size + i];
  }
  centroids.forEach((c, k) => c.forEach((v, i) => (c[i] = v / counts[k])));
  let correct = 0;
  for (let n = 0; n < test.count; n++) {
    let best = -1;
    let bestDistance = Infinity;
    centroids.forEach((c, k) => {
      let d = 0;
      for (let i = 0; i < size; i++) d += (test.x[n * size + i] - c[i]) ** 2;
      if (d < bestDistance) [best, bestDistance] = [k, d];
    });
    if (best === test.y[n]) correct++;
  }
  return correct / test.count;
}

const bytesOf = (split: DataSplit) => Buffer.from(split.x.buffer, split.x.byteOffset, split.x.byteLength);

describe('dataset-synthetic', () => {
  it('provides the shape and classes of its options, defaulting to 8x8x1 and 10 classes', async () => {
    expect((await provided({})).info()).to.deep.equal({ name: 'synthetic', shape: { height: 8, width: 8, channels: 1 }, classes: 10 });
    expect((await provided({ input: '5x7x3', classes: 4 })).info().shape).to.deep.equal({ height: 5, width: 7, channels: 3 });
  });

  it('with downscale, info() and every split report the pooled shape (options through the plugin)', async () => {
    const dataset = await provided({ input: '9x8x3', downscale: 2, trainSize: 40, validationSize: 10, testSize: 10 });
    expect(dataset.info().shape).to.deep.equal({ height: 4, width: 4, channels: 3 });
    const s = await dataset.load({ seed: 1 });
    expect(s.shape).to.deep.equal(dataset.info().shape);
    for (const split of [s.train, s.validation, s.test!]) expect(split.x.length).to.equal(split.count * 4 * 4 * 3);
  });

  it('rejects a bad input shape and unknown options with the option name', async () => {
    let error: unknown;
    await provided({ input: '8x8' }).catch((e) => (error = e));
    expect(error).to.be.instanceOf(UserError).with.property('message').that.matches(/dataset\.input: expected HxWxC/);
    expect(() => plugin({ trainsize: 10 })).to.throw(UserError, /did you mean dataset\.trainSize/);
  });

  it('generates trainSize / validationSize / testSize images with balanced labels and values in [0,1]', async () => {
    const s = await new SyntheticDataset(base).load({ seed: 1 });
    expect([s.train.count, s.validation.count, s.test!.count]).to.deep.equal([600, 100, 300]);
    expect(s.train.x.length).to.equal(600 * 64);
    const perClass = new Array(10).fill(0);
    for (const label of s.test!.y) perClass[label]++;
    expect(perClass).to.deep.equal(new Array(10).fill(30));
    expect(s.train.x.every((v) => v >= 0 && v <= 1)).to.equal(true);
    expect(await new SyntheticDataset({ ...base, testSize: 0 }).load({ seed: 1 })).to.not.have.property('test');
  });

  it('is deterministic: the same seed gives identical splits, another seed another split of the same images', async () => {
    const [a, b, c] = await Promise.all([1, 1, 2].map((seed) => new SyntheticDataset(base).load({ seed })));
    expect(bytesOf(a.train).equals(bytesOf(b.train))).to.equal(true);
    expect(Array.from(a.validation.y)).to.deep.equal(Array.from(b.validation.y));
    expect(bytesOf(a.validation).equals(bytesOf(c.validation))).to.equal(false);
    const sum = (...splits: DataSplit[]) => splits.reduce((s, split) => s + split.x.reduce((t, v) => t + v, 0), 0);
    expect(sum(a.train, a.validation)).to.be.closeTo(sum(c.train, c.validation), 1e-3 * sum(a.train));
    expect(bytesOf(a.test!).equals(bytesOf(c.test!))).to.equal(true, 'the test set does not depend on the run seed');
    const other = await new SyntheticDataset({ ...base, dataSeed: 1 }).load({ seed: 1 });
    expect(bytesOf(other.test!).equals(bytesOf(a.test!))).to.equal(false, 'dataSeed changes the images');
  });

  it('is learnable: a nearest-centroid classifier scores far above chance (10%)', async () => {
    const small = await new SyntheticDataset(base).load({ seed: 3 });
    expect(nearestCentroidAccuracy(small.train, small.test!, 10)).to.be.above(0.5);
    const colour = await new SyntheticDataset({ ...base, input: { height: 16, width: 16, channels: 3 } }).load({ seed: 3 });
    expect(nearestCentroidAccuracy(colour.train, colour.test!, 10)).to.be.above(0.9);
  });

  it('gets harder with more noise', async () => {
    const clean = await new SyntheticDataset({ ...base, noise: 0.1 }).load({ seed: 4 });
    const noisy = await new SyntheticDataset({ ...base, noise: 0.8 }).load({ seed: 4 });
    expect(nearestCentroidAccuracy(clean.train, clean.test!, 10)).to.be.above(nearestCentroidAccuracy(noisy.train, noisy.test!, 10) + 0.2);
  });

  it('applies the common options: subset, fraction validationSize, testSubset, standard normalisation', async () => {
    const s = await (await provided({ trainSize: 400, validationSize: 0.25, subset: 150, testSubset: 50, normalize: 'standard' })).load({ seed: 9 });
    expect([s.train.count, s.validation.count, s.test!.count]).to.deep.equal([150, 100, 50]);
    const stats = channelStats(s.train, 1);
    expect(stats.mean[0]).to.be.closeTo(0, 1e-5);
    expect(stats.std[0]).to.be.closeTo(1, 1e-4);
  });
});
