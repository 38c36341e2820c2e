import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '@coex/core';
import { chainCnn } from '@coex/kit-chain-cnn';
import { backward, buildChainModel, forwardInfer, forwardTrain, softmaxCrossEntropy } from '@coex/plugin-trainer-tfjs/fast-path';
import { buildSupernet, disposeSupernet, finalResolutions, gradientsToSupernet, normFor, sliceSubnetwork, type Supernet } from '../src/supernet';
import { TINY, useWasm } from './helpers';

const ARCH = chainCnn([[3, 4, 2], [5, 6, 1], [1, 2, 2]], TINY.input, TINY.classes);

function batch(seed: number, n = 5): { x: tf.Tensor4D; y: tf.Tensor1D } {
  const rng = new Rng(seed);
  const { height, width, channels } = TINY.input;
  return {
    x: tf.tensor4d(Float32Array.from({ length: n * height * width * channels }, () => rng.float()), [n, height, width, channels]),
    y: tf.tensor1d(Array.from({ length: n }, (_, i) => i % TINY.classes), 'int32'),
  };
}

/** The centre k x k, first cin inputs and first f filters of a [K, K, Cin, F] array, cut in plain JS. */
function centreCut(values: Float32Array, [K, , Cin, F]: number[], k: number, cin: number, f: number): Float32Array {
  const o = Math.floor((K - k) / 2);
  const out = new Float32Array(k * k * cin * f);
  let n = 0;
  for (let r = 0; r < k; r++) for (let s = 0; s < k; s++) for (let c = 0; c < cin; c++) for (let j = 0; j < f; j++) {
    out[n++] = values[(((r + o) * K + (s + o)) * Cin + c) * F + j];
  }
  return out;
}

/** Loads a subnetwork's weights, cut in plain JS, into trainer-tfjs's stand-alone model. */
function standAloneWith(supernet: Supernet, moving: { mean: Float32Array; variance: Float32Array }[]) {
  return standAloneFrom(supernet, (i, f) => {
    const bn = normFor(supernet, i, f);
    return { gamma: (bn.gamma.dataSync() as Float32Array).slice(0, f), beta: (bn.beta.dataSync() as Float32Array).slice(0, f), ...moving[i] };
  });
}

/** trainer-tfjs's stand-alone model of ARCH with the supernet's kernels, biases and heads, and BatchNorm from `norm(layer, filters)`. */
function standAloneFrom(supernet: Supernet, norm: (i: number, f: number) => { gamma: Float32Array; beta: Float32Array; mean: Float32Array; variance: Float32Array }) {
  const chain = buildChainModel(ARCH, { seed: 1, batchNormMomentum: 0.9, batchNormEpsilon: supernet.epsilon });
  let c = TINY.input.channels;
  let [h, w] = [TINY.input.height, TINY.input.width];
  ARCH.layers.forEach((l, i) => {
    const sl = supernet.layers[i];
    const b = chain.net.blocks[i];
    b.kernel.assign(tf.tensor4d(centreCut(sl.kernel.dataSync() as Float32Array, sl.kernel.shape, l.kernel, c, l.filters), [l.kernel, l.kernel, c, l.filters]));
    b.bias.assign(tf.tensor1d((sl.bias.dataSync() as Float32Array).slice(0, l.filters)));
    const bn = norm(i, l.filters);
    b.gamma.assign(tf.tensor1d(bn.gamma));
    b.beta.assign(tf.tensor1d(bn.beta));
    b.movingMean.assign(tf.tensor1d(bn.mean));
    b.movingVariance.assign(tf.tensor1d(bn.variance));
    c = l.filters;
    [h, w] = [Math.ceil(h / l.stride), Math.ceil(w / l.stride)];
  });
  const head = supernet.heads.get(`${h}x${w}`)!;
  const full = head.kernel.dataSync() as Float32Array;
  const F = TINY.maxFilters;
  const dense = new Float32Array(h * w * c * TINY.classes);
  let n = 0;
  for (let r = 0; r < h; r++) for (let s = 0; s < w; s++) for (let j = 0; j < c; j++) for (let k = 0; k < TINY.classes; k++) {
    dense[n++] = full[(((r * w + s) * F) + j) * TINY.classes + k];
  }
  chain.net.denseKernel.assign(tf.tensor2d(dense, [h * w * c, TINY.classes]));
  chain.net.denseBias.assign(head.bias);
  return chain;
}

/** Non-trivial biases, gammas and betas (and per-width statistics, variances positive), so that slicing them is tested too. */
/**
 * The sliced subnetwork and the stand-alone network built from its weights agree, in inference
 * (against the tfjs layers model itself: Keras conv, BatchNorm, flatten, dense) and in training mode
 * (batch statistics, the same gamma and beta); disposes the stand-alone model.
 */
function expectSameOutputs(chain: ReturnType<typeof standAloneFrom>, sub: ReturnType<typeof sliceSubnetwork>, x: tf.Tensor4D): void {
  const expected = chain.model.predict(x) as tf.Tensor;
  const actual = tf.softmax(forwardInfer(sub.net, x));
  expect(Math.max(...tf.abs(tf.sub(expected, actual)).dataSync())).to.be.below(1e-5);
  const standAlone = forwardTrain(chain.net, x).logits;
  const sliced = forwardTrain(sub.net, x).logits;
  expect(Math.max(...tf.abs(tf.sub(standAlone, sliced)).dataSync())).to.be.below(1e-5);
  tf.dispose([expected, actual, standAlone, sliced]);
  chain.model.dispose();
}

function randomise(supernet: Supernet, seed: number): void {
  const rng = new Rng(seed);
  for (const v of supernet.variables) v.assign(tf.tensor(Float32Array.from({ length: v.size }, () => rng.float() - 0.3), v.shape));
  for (const v of supernet.statistics) v.assign(tf.tensor(Float32Array.from({ length: v.size }, () => 0.5 + rng.float()), v.shape));
}

describe('trainer-supernet: sliced subnetworks', () => {
  useWasm();

  it('has a classifier head for every final resolution a subnetwork can reach', () => {
    const keys = finalResolutions(TINY).map(([h, w]) => `${h}x${w}`).sort();
    expect(keys).to.deep.equal(['1x1', '2x2', '4x4', '8x8']);
  });

  it('gives the outputs of a stand-alone network built with the sliced weights', () => {
    const supernet = buildSupernet(TINY, 3, 1e-3);
    try {
      randomise(supernet, 11);
      const rng = new Rng(5);
      const moving = ARCH.layers.map((l) => ({
        mean: Float32Array.from({ length: l.filters }, () => rng.float()),
        variance: Float32Array.from({ length: l.filters }, () => 0.5 + rng.float()),
      }));
      const { x, y } = batch(1);
      const chain = standAloneWith(supernet, moving);
      const sub = sliceSubnetwork(supernet, ARCH);
      sub.net.blocks.forEach((b, i) => {
        (b as { movingMean: tf.Tensor }).movingMean = tf.tensor1d(moving[i].mean);
        (b as { movingVariance: tf.Tensor }).movingVariance = tf.tensor1d(moving[i].variance);
      });
      expectSameOutputs(chain, sub, x);
      tf.dispose([x, y]);
    } finally {
      disposeSupernet(supernet);
    }
  });

  it('with per-width BatchNorm, gives the outputs of a stand-alone network with that width\'s gamma, beta and moving statistics', () => {
    const supernet = buildSupernet({ ...TINY, perWidthNorm: [2, 4, 6] }, 3, 1e-3);
    try {
      randomise(supernet, 13);
      // Every width of every layer has its own BatchNorm; the shared one does not exist.
      expect(supernet.layers.map((l) => [...l.norms.keys()])).to.deep.equal([[2, 4, 6], [2, 4, 6], [2, 4, 6]]);
      expect(supernet.statistics.map((v) => v.name)).to.include('supernet/bn1/w6/moving_variance');
      expect(supernet.variables.map((v) => v.name)).to.include('supernet/bn0/w4/gamma').and.not.to.include('supernet/bn0/gamma');
      const { x, y } = batch(3);
      const values = (t: tf.Tensor) => t.dataSync() as Float32Array;
      const chain = standAloneFrom(supernet, (i, f) => {
        const bn = supernet.layers[i].norms.get(f)!;
        return { gamma: values(bn.gamma), beta: values(bn.beta), mean: values(bn.movingMean!), variance: values(bn.movingVariance!) };
      });
      // The sliced subnetwork carries the width's stored statistics: no recalibration.
      const sub = sliceSubnetwork(supernet, ARCH);
      expectSameOutputs(chain, sub, x);
      tf.dispose([x, y]);
    } finally {
      disposeSupernet(supernet);
    }
  });

  it('with per-width BatchNorm, refuses a width it holds no BatchNorm for, naming the option', () => {
    const supernet = buildSupernet({ ...TINY, perWidthNorm: [2, 6] }, 3, 1e-3);
    try {
      expect(() => sliceSubnetwork(supernet, ARCH)).to.throw(/4 filters.*trainer\.batchNorm/);
    } finally {
      disposeSupernet(supernet);
    }
  });

  it('puts gradients in the sliced part of each weight, equal to finite differences there and zero elsewhere', () => {
    const supernet = buildSupernet(TINY, 4, 1e-3);
    const { x, y } = batch(2, 6);
    const lossAt = () => tf.tidy(() => softmaxCrossEntropy(forwardTrain(sliceSubnetwork(supernet, ARCH).net, x).logits, y).loss.dataSync()[0]);
    try {
      randomise(supernet, 12);
      const grads = new Map<tf.Variable, tf.Tensor>();
      tf.tidy(() => {
        const sub = sliceSubnetwork(supernet, ARCH);
        const forward = forwardTrain(sub.net, x);
        const local = new Map<tf.Variable, tf.Tensor>();
        gradientsToSupernet(sub, backward(sub.net, forward, softmaxCrossEntropy(forward.logits, y).dLogits), local);
        for (const [v, g] of local) grads.set(v, tf.keep(g));
      });
      const layer1 = supernet.layers[1].kernel; // [5, 5, 6, 6]; the subnetwork uses its centre 5x5 (all), 4 inputs, 6 filters
      const layer0 = supernet.layers[0].kernel; // [5, 5, 2, 6]; centre 3x3, 2 inputs, 4 filters
      const head = supernet.heads.get('2x2')!.kernel;
      expect(grads.get(layer0)!.shape).to.deep.equal(layer0.shape);
      const index = (shape: number[], at: number[]) => at.reduce((acc, v, d) => acc * shape[d] + v, 0);
      const probes: [tf.Variable, number[], boolean][] = [
        [layer0, [1, 1, 0, 0], true], [layer0, [2, 3, 1, 3], true], [layer0, [3, 2, 1, 2], true],
        [layer0, [0, 0, 0, 0], false], [layer0, [2, 2, 1, 5], false], [layer0, [4, 1, 0, 1], false],
        [layer1, [0, 4, 3, 5], true], [layer1, [2, 2, 0, 1], true], [layer1, [2, 2, 4, 1], false], [layer1, [1, 1, 5, 0], false],
        [head, [1, 0, 1, 2], true], [head, [0, 1, 3, 0], false],
        [normFor(supernet, 0, 6).gamma, [2], true], [normFor(supernet, 0, 6).gamma, [4], false],
        [normFor(supernet, 2, 6).beta, [1], true], [normFor(supernet, 2, 6).beta, [3], false],
      ];
      const eps = 1e-2;
      let mattered = 0;
      for (const [v, at, inside] of probes) {
        const i = index(v.shape, at);
        const g = (grads.get(v)!.dataSync() as Float32Array)[i];
        const values = v.dataSync().slice() as Float32Array;
        const original = values[i];
        values[i] = original + eps;
        v.assign(tf.tensor(values, v.shape));
        const up = lossAt();
        values[i] = original - eps;
        v.assign(tf.tensor(values, v.shape));
        const down = lossAt();
        values[i] = original;
        v.assign(tf.tensor(values, v.shape));
        const numeric = (up - down) / (2 * eps);
        if (inside) {
          expect(Math.abs(g - numeric), `${v.name}[${at}]: analytic ${g}, numeric ${numeric}`).to.be.below(2e-3 + 0.05 * Math.abs(numeric));
          if (Math.abs(numeric) > 1e-4) mattered += 1;
        } else {
          expect(g, `${v.name}[${at}] lies outside the slice`).to.equal(0);
          expect(Math.abs(numeric), `${v.name}[${at}] numeric`).to.be.below(1e-4);
        }
      }
      // Most probes inside a slice move the loss (a dead ReLU can leave one flat).
      expect(mattered).to.be.at.least(7);
      tf.dispose([...grads.values()]);
    } finally {
      tf.dispose([x, y]);
      disposeSupernet(supernet);
    }
  });
});
