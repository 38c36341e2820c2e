import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { UserError } from '@coex/core';
import { RELEASED_NETS, chainCnn, describeChainCnn } from '@coex/kit-chain-cnn';
import { buildChainModel } from '../src/model';
import { useBackend } from './helpers';

const CIFAR = { height: 32, width: 32, channels: 3 };
const settings = { seed: 1, batchNormMomentum: 0.9, batchNormEpsilon: 1e-3 };

describe('trainer-tfjs model', () => {
  useBackend('wasm');

  for (const net of RELEASED_NETS) {
    it(`builds ${net.name} with its ${net.params} trainable parameters`, () => {
      const { model, params } = buildChainModel(chainCnn(net.layers, CIFAR, 10), settings);
      try {
        const trainable = model.trainableWeights.reduce((sum, w) => sum + w.read().size, 0);
        expect(params).to.equal(net.params);
        expect(trainable).to.equal(net.params);
        expect(describeChainCnn(chainCnn(net.layers, CIFAR, 10)).params).to.equal(net.params);
        // Moving mean and variance are the only other weights: 2 per filter.
        const filters = net.layers.reduce((sum, [, f]) => sum + f, 0);
        expect(model.countParams()).to.equal(net.params + 2 * filters);
      } finally {
        model.dispose();
      }
    });
  }

  it('seeds the weights: the same seed gives the same kernels, another seed others', () => {
    const arch = chainCnn([[3, 4, 1], [1, 4, 2]], { height: 8, width: 8, channels: 3 }, 3);
    const [a, b, c] = [1, 1, 2].map((seed) => buildChainModel(arch, { ...settings, seed }));
    try {
      const first = (m: typeof a) => Array.from(m.net.blocks[0].kernel.dataSync());
      expect(first(a)).to.deep.equal(first(b));
      expect(first(a)).to.not.deep.equal(first(c));
      // Layers get different seeds: layer 1 is not a copy of layer 0's pattern.
      expect(Array.from(a.net.blocks[1].kernel.dataSync()).slice(0, 4)).to.not.deep.equal(first(a).slice(0, 4));
    } finally {
      for (const m of [a, b, c]) m.model.dispose();
    }
  });

  it('computes TensorFlow "same" padding per layer, including odd sizes and stride 2', () => {
    const { model, net } = buildChainModel(chainCnn([[3, 4, 2], [7, 4, 1], [1, 4, 2]], { height: 9, width: 8, channels: 1 }, 2), settings);
    try {
      expect(net.blocks.map((b) => b.pad)).to.deep.equal([
        [[0, 0], [1, 1], [0, 1], [0, 0]], // 9 -> 5 rows: total pad (5-1)*2+3-9 = 2; 8 -> 4 cols: total 1
        [[0, 0], [3, 3], [3, 3], [0, 0]],
        [[0, 0], [0, 0], [0, 0], [0, 0]],
      ]);
      expect(net.blocks.map((b) => b.outShape)).to.deep.equal([[5, 4, 4], [5, 4, 4], [3, 2, 4]]);
    } finally {
      model.dispose();
    }
  });

  it('rejects architectures that are not chain CNNs with a UserError naming the kind', () => {
    expect(() => buildChainModel({ kind: 'nb201-cell', cell: [] }, settings)).to.throw(UserError, /"chain-cnn" only, got kind "nb201-cell"/);
    expect(() => buildChainModel({ kind: 'chain-cnn', input: CIFAR, classes: 10, layers: [] }, settings)).to.throw(UserError, /at least one layer/);
  });

  it('leaves no tensors behind once disposed', () => {
    const before = tf.memory().numTensors;
    buildChainModel(chainCnn(RELEASED_NETS[1].layers, CIFAR, 10), settings).model.dispose();
    expect(tf.memory().numTensors).to.equal(before);
  });
});
