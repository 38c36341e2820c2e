import { expect } from 'chai';
import { isUserError } from '@coex/core';
import { createTestPipeline } from '@coex/testing';
import plugin from '../src';

async function dataset(options: Record<string, unknown> = {}) {
  return createTestPipeline({ plugins: [[plugin, options]] }).role('dataset');
}

describe('__PACKAGE_NAME__', () => {
  it('splits the generated images into training and validation', async () => {
    const ds = await dataset({ shape: '4x4x2', classes: 3, images: 40, validationSize: 10 });
    expect(ds.info()).to.deep.include({ shape: { height: 4, width: 4, channels: 2 }, classes: 3 });
    const splits = await ds.load({ seed: 1 });
    expect(splits.train.count).to.equal(30);
    expect(splits.validation.count).to.equal(10);
    expect(splits.train.x).to.have.length(30 * 4 * 4 * 2);
    for (const label of splits.train.y) expect(label).to.be.within(0, 2);
    for (const v of splits.train.x) expect(v).to.be.within(0, 1);
  });

  it('draws the same split from the same seed, another from another', async () => {
    const ds = await dataset({ images: 32 });
    const a = await ds.load({ seed: 1 });
    const b = await ds.load({ seed: 1 });
    const c = await ds.load({ seed: 2 });
    expect([...a.validation.y]).to.deep.equal([...b.validation.y]);
    expect([...a.validation.x]).to.not.deep.equal([...c.validation.x]);
  });

  it('reports a bad shape as the user\'s error', async () => {
    let error: unknown;
    await dataset({ shape: '16x16' }).catch((e) => (error = e));
    expect(isUserError(error), String(error)).to.equal(true);
    expect(String(error)).to.match(/dataset.shape: expected HxWxC/);
  });
});
