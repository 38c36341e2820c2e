import { expect } from 'chai';
import { UserError } from '@coex/core';
import { chainCnn, describeChainCnn, RELEASED_NETS } from '@coex/kit-chain-cnn';

describe('chain-CNN geometry', () => {
  for (const net of RELEASED_NETS) {
    it(`counts ${net.params} parameters for the released ${net.name} net`, () => {
      const summary = describeChainCnn(chainCnn(net.layers, { height: 32, width: 32, channels: 3 }, 10));
      expect(summary.params).to.equal(net.params);
    });
  }

  it('computes MACs and shapes by hand for a two-layer net', () => {
    // 8x8x1 -> conv3x3 s1 f2 (8x8x2): 8*8*9*1*2 = 1152 MACs; conv1x1 s2 f4 (4x4x4): 16*1*2*4 = 128; dense 64*3 = 192
    const s = describeChainCnn(chainCnn([[3, 2, 1], [1, 4, 2]], { height: 8, width: 8, channels: 1 }, 3));
    expect(s.layers.map((l) => l.macs)).to.deep.equal([1152, 128, 192]);
    expect(s.layers[1].outHeight).to.equal(4);
    expect(s.params).to.equal(9 * 2 + 2 + 4 + (2 * 4 + 4 + 8) + (64 * 3 + 3));
  });

  it('rejects an impossible layer with its index', () => {
    expect(() => describeChainCnn(chainCnn([[3, 0, 1]], { height: 8, width: 8, channels: 1 }, 3)))
      .to.throw(UserError, /layer 0 filters/);
  });
});
