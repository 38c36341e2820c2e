// The shared split / subset / normalisation logic of the dataset kit, on a pool whose pixel value is
// the image's index, so every split can be traced back to the rows it took.
import { expect } from 'chai';
import { UserError, type DataSplit } from '@coex/core';
import { channelStats, downscaledInfo, makeSplits, type DatasetSplitOptions, type ImageSet } from '@coex/kit-dataset';

const info = { name: 'indexed', shape: { height: 1, width: 1, channels: 1 }, classes: 3 };

function indexedPool(count: number, offset = 0): ImageSet {
  const pixels = new Float32Array(count);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    pixels[i] = offset + i;
    labels[i] = (offset + i) % 3;
  }
  return { pixels, labels, count };
}

const rows = (split: DataSplit | undefined) => Array.from(split?.x ?? []);
const options = (extra: Partial<DatasetSplitOptions> = {}): DatasetSplitOptions => ({ validationSize: 20, normalize: 'none', ...extra });

describe('dataset-utils makeSplits', () => {
  it('splits the pool into disjoint train and validation sets that cover it, labels following their images', () => {
    const s = makeSplits({ info, seed: 1, pool: indexedPool(100), test: indexedPool(10, 1000), scale: 1, options: options() });
    expect(s.validation.count).to.equal(20);
    expect(s.train.count).to.equal(80);
    expect([...rows(s.train), ...rows(s.validation)].sort((a, b) => a - b)).to.deep.equal(Array.from({ length: 100 }, (_, i) => i));
    expect(rows(s.test)).to.deep.equal(Array.from({ length: 10 }, (_, i) => 1000 + i), 'the official test split stays as it is');
    for (const split of [s.train, s.validation, s.test!]) split.x.forEach((v, i) => expect(split.y[i]).to.equal(v % 3));
    expect(s.name).to.equal('indexed');
  });

  it('is identical for the same seed and different for another seed', () => {
    const make = (seed: number) => makeSplits({ info, seed, pool: indexedPool(100), scale: 1, options: options() });
    expect(rows(make(7).train)).to.deep.equal(rows(make(7).train));
    expect(rows(make(7).validation)).to.deep.equal(rows(make(7).validation));
    expect(rows(make(8).validation)).to.not.deep.equal(rows(make(7).validation));
  });

  it('draws subset and testSubset from the seed, a smaller subset inside a larger one', () => {
    const make = (subset: number, testSubset?: number) =>
      makeSplits({ info, seed: 3, pool: indexedPool(100), test: indexedPool(50, 1000), scale: 1, options: options({ subset, testSubset }) });
    const small = make(10, 5);
    const large = make(30);
    expect(small.train.count).to.equal(10);
    expect(large.train.count).to.equal(30);
    expect(rows(large.train).slice(0, 10)).to.deep.equal(rows(small.train));
    expect(rows(small.validation)).to.deep.equal(rows(large.validation), 'the subset does not move the validation split');
    expect(small.test!.count).to.equal(5);
    expect(new Set(rows(small.test)).size).to.equal(5);
    for (const v of rows(small.test)) expect(v).to.be.within(1000, 1049);
    expect(rows(small.test)).to.not.deep.equal([1000, 1001, 1002, 1003, 1004], 'drawn at random, not the first five');
  });

  it('reads sizes below 1 as fractions', () => {
    const s = makeSplits({ info, seed: 1, pool: indexedPool(200), scale: 1, options: options({ validationSize: 0.1, subset: 0.5 }) });
    expect(s.validation.count).to.equal(20);
    expect(s.train.count).to.equal(90);
  });

  it('carves a test split off the pool first when there is no official one', () => {
    const s = makeSplits({ info, seed: 5, pool: indexedPool(100), testSize: 25, scale: 1, options: options({ validationSize: 15 }) });
    expect([s.test!.count, s.validation.count, s.train.count]).to.deep.equal([25, 15, 60]);
    const all = [...rows(s.train), ...rows(s.validation), ...rows(s.test)];
    expect(new Set(all).size).to.equal(100);
  });

  it('rejects sizes that leave no training image, naming the option', () => {
    const pool = indexedPool(50);
    expect(() => makeSplits({ info, seed: 1, pool, scale: 1, options: options({ validationSize: 50 }) }))
      .to.throw(UserError, /dataset\.validationSize: 50 images requested, but at most 49 of 50 can be used \(at least one training image must remain\)/);
    expect(() => makeSplits({ info, seed: 1, pool, scale: 1, options: options({ subset: 31 }) }))
      .to.throw(UserError, /dataset\.subset: 31 images requested, but at most 30/);
    expect(() => makeSplits({ info, seed: 1, pool, test: indexedPool(4), scale: 1, options: options({ testSubset: 5 }) }))
      .to.throw(UserError, /dataset\.testSubset/);
    expect(() => makeSplits({ info, seed: 1, pool, scale: 1, options: options({ validationSize: 0.001 }) }))
      .to.throw(UserError, /less than one image/);
  });

  it('scales with `unit`, keeps stored values with `none`, standardises per channel with `standard`', () => {
    const pool: ImageSet = { pixels: Uint8Array.from([0, 10, 255, 10, 128, 10, 64, 10]), labels: Uint8Array.from([0, 1, 2, 0]), count: 4 };
    const two = { ...info, shape: { height: 1, width: 1, channels: 2 } };
    const unit = makeSplits({ info: two, seed: 1, pool, scale: 1 / 255, options: options({ validationSize: 1, normalize: 'unit' }) });
    for (const v of [...unit.train.x, ...unit.validation.x]) expect(v).to.be.within(0, 1);
    const none = makeSplits({ info: two, seed: 1, pool, scale: 1 / 255, options: options({ validationSize: 1, normalize: 'none' }) });
    expect([...none.train.x, ...none.validation.x].sort((a, b) => a - b)).to.deep.equal([0, 10, 10, 10, 10, 64, 128, 255]);
    const standard = makeSplits({ info: two, seed: 1, pool, scale: 1 / 255, options: options({ validationSize: 1, normalize: 'standard' }) });
    const stats = channelStats(standard.train, 2);
    expect(stats.mean[0]).to.be.closeTo(0, 1e-6);
    expect(stats.std[0]).to.be.closeTo(1, 1e-5);
    expect(stats.mean[1]).to.be.closeTo(0, 1e-6, 'a constant channel is centred');
    expect([...standard.validation.x].every(Number.isFinite)).to.equal(true, 'and not divided by zero');
  });

  it('downscales by averaging factor x factor blocks per channel, dropping partial blocks, and reports the new shape', () => {
    // one 5x4x2 image: channel 0 holds row*10 + column, channel 1 holds 100 + the same
    const shape = { height: 5, width: 4, channels: 2 };
    const pixels = new Float32Array(40);
    for (let r = 0; r < 5; r++) for (let c = 0; c < 4; c++) [pixels[(r * 4 + c) * 2], pixels[(r * 4 + c) * 2 + 1]] = [r * 10 + c, 100 + r * 10 + c];
    const pool: ImageSet = { pixels: new Float32Array([...pixels, ...pixels]), labels: Int32Array.from([1, 2]), count: 2 };
    const s = makeSplits({ info: { ...info, shape }, seed: 1, pool, scale: 1, options: options({ validationSize: 1, downscale: 2 }) });
    expect(s.shape).to.deep.equal({ height: 2, width: 2, channels: 2 }, 'the fifth row does not fill a block');
    // block (0,0): rows 0-1, columns 0-1 -> mean of 0, 1, 10, 11 = 5.5; block (1,1): rows 2-3, columns 2-3 -> 33.5
    expect(Array.from(s.train.x)).to.deep.equal([5.5, 105.5, 7.5, 107.5, 25.5, 125.5, 27.5, 127.5]);
    expect(s.train.count + s.validation.count).to.equal(2);
    expect(downscaledInfo({ ...info, shape }, 2).shape).to.deep.equal(s.shape, 'info() of a plugin and its splits agree');
    expect(() => downscaledInfo({ ...info, shape }, 6)).to.throw(UserError, 'dataset.downscale: 6 is larger than the 5x4 images of indexed');
  });
});

