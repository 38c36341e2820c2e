import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import type { ChainCnnArchitecture } from '@coex/core';
import { disposeNetwork, initNetwork, logAbsDet, naswotScore, reluCodes, scoreProxies, synflow } from '../src/index';

const tiny = (filters: number): ChainCnnArchitecture => ({
  kind: 'chain-cnn',
  input: { height: 8, width: 8, channels: 1 },
  classes: 3,
  layers: [{ kernel: 3, filters, stride: 1 }, { kernel: 3, filters, stride: 2 }],
});

describe('zero-cost-proxies', function () {
  this.timeout(30000);
  let images: tf.Tensor4D;
  before(async () => {
    await tf.setBackend('cpu');
    // A fixed, varied minibatch: 8 images of 8x8 with different patterns.
    images = tf.tensor4d(Float32Array.from({ length: 8 * 64 }, (_, i) => ((i * 37) % 11) / 10 - 0.3), [8, 8, 8, 1]);
  });
  after(() => images.dispose());

  it('scores a tiny network the same way twice from the same seed, and differently from another seed', () => {
    const a = scoreProxies(tiny(4), 7, images, ['synflow', 'naswot']);
    const b = scoreProxies(tiny(4), 7, images, ['synflow', 'naswot']);
    const c = scoreProxies(tiny(4), 8, images, ['synflow', 'naswot']);
    expect(a).to.deep.equal(b);
    expect(Number.isFinite(a.synflow)).to.equal(true);
    expect(Number.isFinite(a.naswot)).to.equal(true);
    expect(c.synflow).to.not.equal(a.synflow);
  });

  it('NASWOT ranks a network whose ReLUs are all dead below the same network alive', () => {
    const net = initNetwork(tiny(4), 3);
    const alive = naswotScore(reluCodes(net, images));
    // Biases far below any pre-activation switch every ReLU off for every image.
    net.biases.forEach((b, i) => {
      b.dispose();
      net.biases[i] = tf.fill([4], -1000) as tf.Tensor1D;
    });
    const codes = reluCodes(net, images);
    expect(codes.every((c) => c.every((bit) => bit === 0))).to.equal(true);
    const dead = naswotScore(codes);
    disposeNetwork(net);
    expect(dead).to.be.lessThan(alive - 10);
  });

  it('synflow grows with width (more paths carry the signal)', () => {
    expect(synflow(initNetwork(tiny(8), 1), tiny(8))).to.be.greaterThan(synflow(initNetwork(tiny(2), 1), tiny(2)));
  });

  it('logAbsDet agrees with a hand-computed determinant', () => {
    // det [[2,1],[1,3]] = 5
    expect(logAbsDet([Float64Array.of(2, 1), Float64Array.of(1, 3)], 1e-12)).to.be.closeTo(Math.log(5), 1e-12);
  });
});
