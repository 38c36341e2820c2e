import { expect } from 'chai';
import { UserError } from '@coex/core';
import { isChainCnn } from '@coex/kit-chain-cnn';
import { createTestPipeline, fakeDataset } from '@coex/testing';
import plugin from '../src';

describe('__PACKAGE_NAME__', () => {
  it('offers a kernel and a filter decision per layer and decodes tokens into that network', async () => {
    const space = await createTestPipeline({ plugins: [[plugin, { depth: 2, input: '8x8x1', classes: 4 }]] }).role('space');
    expect(space.decisions().map((d) => d.name)).to.deep.equal(['layer0.kernel', 'layer0.filters', 'layer1.kernel', 'layer1.filters']);
    const arch = space.decode([1, 0, 0, 1]);
    expect(isChainCnn(arch) && arch.layers).to.deep.equal([{ kernel: 5, filters: 16, stride: 1 }, { kernel: 3, filters: 32, stride: 1 }]);
    expect(() => space.decode([0, 0])).to.throw(/expected 4 tokens/);
  });

  it('takes the input shape and classes from the dataset role', async () => {
    const pipeline = createTestPipeline({ plugins: [plugin], overrides: { dataset: fakeDataset({ shape: '6x6x2', classes: 3 }) }, budget: 3 });
    const { trials } = await pipeline.execute();
    for (const t of trials) expect(t.candidate.architecture).to.include({ classes: 3 }).and.deep.include({ input: { height: 6, width: 6, channels: 2 } });
  });

  it('rejects bad options with the option path', () => {
    expect(() => plugin({ depth: 0 })).to.throw(UserError, /option space.depth/);
  });
});
