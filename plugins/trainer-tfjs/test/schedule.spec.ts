import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { useBackend } from './helpers';
import { OPTIMIZERS } from '../src/options';
import { createOptimizer, disposeOptimizer, setLearningRate } from '../src/optimizer';
import { learningRateAt } from '../src/schedule';

describe('trainer-tfjs schedules and optimizers', () => {
  useBackend('wasm');

  it('constant keeps the rate, cosine falls from it to 0, step divides by 10 at 50 % and 75 %', () => {
    expect([0, 50, 99].map((s) => learningRateAt('constant', 0.1, s, 100))).to.deep.equal([0.1, 0.1, 0.1]);
    expect(learningRateAt('cosine', 0.1, 0, 100)).to.equal(0.1);
    expect(learningRateAt('cosine', 0.1, 50, 100)).to.be.closeTo(0.05, 1e-12);
    expect(learningRateAt('cosine', 0.1, 99, 100)).to.be.closeTo(0.1 * 0.5 * (1 + Math.cos(Math.PI * 0.99)), 1e-12);
    expect([0, 49, 50, 74, 75, 99].map((s) => learningRateAt('step', 1, s, 100))).to.deep.equal([1, 1, 0.1, 0.1, 0.1 ** 2, 0.1 ** 2]);
  });

  for (const name of OPTIMIZERS) {
    it(`${name}: a rate set between steps takes effect, and dispose frees its state`, () => {
      const before = tf.memory().numTensors;
      const v = tf.tidy(() => tf.variable(tf.tensor1d([1, 2]), true, `schedule-test-${name}`));
      const optimizer = createOptimizer(name, 0.5);
      const step = () => tf.tidy(() => optimizer.applyGradients([{ name: v.name, tensor: tf.tensor1d([1, -1]) }]));
      step();
      const afterFirst = Array.from(v.dataSync());
      expect(afterFirst).to.not.deep.equal([1, 2]);
      setLearningRate(optimizer, 0);
      step();
      // Every update is scaled by the rate (momentum included), so with rate 0 nothing moves.
      expect(Array.from(v.dataSync())).to.deep.equal(afterFirst);
      disposeOptimizer(optimizer);
      v.dispose();
      expect(tf.memory().numTensors).to.equal(before);
    });
  }
});
