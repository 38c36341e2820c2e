import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '@coex/core';
import { chainCnn } from '@coex/kit-chain-cnn';
import { selectBackend } from '../src/backend';
import { useBackend } from './helpers';
import { buildChainModel, type ChainNetwork } from '../src/model';
import { backward, forwardInfer, forwardTrain, softmaxCrossEntropy } from '../src/network';

const ARCH = chainCnn([[3, 6, 1], [5, 5, 2], [1, 4, 1], [7, 3, 2]], { height: 9, width: 8, channels: 2 }, 3);
const settings = { seed: 7, batchNormMomentum: 0.9, batchNormEpsilon: 1e-3 };

/** The same network written with plain tfjs ops, differentiated by tfjs's autodiff. */
function referenceLoss(net: ChainNetwork, x: tf.Tensor4D, labels: tf.Tensor1D): tf.Scalar {
  let h: tf.Tensor4D = x;
  for (const b of net.blocks) {
    const y = tf.relu(tf.add(tf.conv2d(h, b.kernel as tf.Tensor4D, b.stride, b.pad), b.bias)) as tf.Tensor4D;
    const { mean, variance } = tf.moments(y, [0, 1, 2]);
    h = tf.add(tf.mul(tf.div(tf.sub(y, mean), tf.sqrt(tf.add(variance, net.epsilon))), b.gamma), b.beta) as tf.Tensor4D;
  }
  const logits = tf.add(tf.matMul(tf.reshape(h, [h.shape[0], -1]) as tf.Tensor2D, net.denseKernel as tf.Tensor2D), net.denseBias);
  return tf.losses.softmaxCrossEntropy(tf.oneHot(labels, 3), logits) as tf.Scalar;
}

function inputs(seed: number): { x: tf.Tensor4D; labels: tf.Tensor1D } {
  const rng = new Rng(seed);
  const x = tf.tensor4d(Float32Array.from({ length: 6 * 9 * 8 * 2 }, () => rng.float()), [6, 9, 8, 2]);
  return { x, labels: tf.tensor1d([0, 1, 2, 0, 1, 2], 'int32') };
}

function maxRelativeError(reference: tf.Tensor, actual: tf.Tensor): number {
  const r = reference.dataSync();
  const a = actual.dataSync();
  let diff = 0;
  let scale = 1e-6;
  for (let i = 0; i < r.length; i++) {
    diff = Math.max(diff, Math.abs(r[i] - a[i]));
    scale = Math.max(scale, Math.abs(r[i]));
  }
  return diff / scale;
}

describe('trainer-tfjs network (hand-written gradients)', function () {
  this.timeout(60_000);
  useBackend('wasm');

  for (const backend of ['cpu', 'wasm'] as const) {
    it(`match tfjs autodiff of the same network on the ${backend} backend`, async () => {
      await selectBackend(backend);
      const { model, net } = buildChainModel(ARCH, settings);
      const { x, labels } = inputs(3);
      try {
        // Non-trivial BatchNorm parameters, so that gamma and beta take part in every gradient.
        const rng = new Rng(11);
        for (const b of net.blocks) {
          b.gamma.assign(tf.tensor1d(Array.from({ length: b.gamma.size }, () => 0.5 + rng.float())));
          b.beta.assign(tf.tensor1d(Array.from({ length: b.beta.size }, () => rng.float() - 0.5)));
        }
        const expected = tf.variableGrads(() => referenceLoss(net, x, labels), net.trainable);
        tf.tidy(() => {
          const forward = forwardTrain(net, x);
          const { loss, dLogits } = softmaxCrossEntropy(forward.logits, labels);
          expect(loss.dataSync()[0]).to.be.closeTo(expected.value.dataSync()[0], 1e-5);
          const grads = backward(net, forward, dLogits);
          expect([...grads.keys()]).to.have.members(net.trainable);
          for (const v of net.trainable) {
            // float32 with different summation orders; gradients are O(0.1), errors O(1e-6).
            expect(maxRelativeError(expected.grads[v.name], grads.get(v)!), v.name).to.be.below(1e-3);
          }
        });
        tf.dispose([expected.value, ...Object.values(expected.grads)]);
      } finally {
        model.dispose();
        tf.dispose([x, labels]);
      }
    });
  }

  it('predicts like the tf.LayersModel it trains (inference mode, moving statistics)', async () => {
    await selectBackend('wasm');
    const { model, net } = buildChainModel(ARCH, settings);
    const { x, labels } = inputs(5);
    try {
      const rng = new Rng(12);
      for (const b of net.blocks) {
        b.movingMean.assign(tf.tensor1d(Array.from({ length: b.movingMean.size }, () => rng.float())));
        b.movingVariance.assign(tf.tensor1d(Array.from({ length: b.movingVariance.size }, () => 0.5 + rng.float())));
      }
      const ours = tf.softmax(forwardInfer(net, x));
      const theirs = model.predict(x) as tf.Tensor;
      expect(maxRelativeError(theirs, ours)).to.be.below(1e-4);
      tf.dispose([ours, theirs]);
    } finally {
      model.dispose();
      tf.dispose([x, labels]);
    }
  });
});
