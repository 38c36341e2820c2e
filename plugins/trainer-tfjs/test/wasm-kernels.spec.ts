import { expect } from 'chai';
import * as tf from '@tensorflow/tfjs';
import { Rng } from '@coex/core';
import { selectBackend } from '../src/backend';
import { useBackend } from './helpers';
import { WASM_TRAINING_KERNELS } from '../src/wasm-kernels';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

/** Both gradients of sum(conv2d(x, w) * r): dy = r is fixed, so only the backprop kernels differ. */
async function convGrads(backend: 'cpu' | 'wasm', x: tf.TensorBuffer<tf.Rank.R4>, w: tf.TensorBuffer<tf.Rank.R4>, stride: number, pad: Pad, seed: number) {
  await selectBackend(backend);
  return tf.tidy(() => {
    const xt = x.toTensor();
    const wt = w.toTensor();
    const outShape = tf.conv2d(xt, wt, stride, pad).shape;
    const rng = new Rng(seed);
    const r = tf.tensor(Float32Array.from({ length: outShape.reduce((a, b) => a * b, 1) }, () => rng.float() - 0.5), outShape);
    const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad), r)))([xt, wt]);
    return [dx.dataSync().slice(), dw.dataSync().slice()] as [Float32Array, Float32Array];
  });
}

function randomBuffer(shape: [number, number, number, number], rng: Rng): tf.TensorBuffer<tf.Rank.R4> {
  const values = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => 2 * rng.float() - 1);
  return tf.buffer(shape, 'float32', values);
}

/** Largest absolute difference relative to the largest magnitude of the reference. */
function relativeError(reference: Float32Array, actual: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < reference.length; i++) {
    diff = Math.max(diff, Math.abs(reference[i] - actual[i]));
    scale = Math.max(scale, Math.abs(reference[i]));
  }
  return diff / scale;
}

// float32 sums in a different order (XNNPACK vs the cpu backend's loops) differ by a few ulps per
// term; observed at most 4e-6 relative for 7x7 kernels. 5e-5 leaves a margin of 10x.
const TOLERANCE = 5e-5;

describe('trainer-tfjs wasm training kernels', function () {
  this.timeout(60_000);
  useBackend('wasm');

  it('are registered for the wasm backend once it is selected', async () => {
    await selectBackend('wasm');
    for (const config of WASM_TRAINING_KERNELS) {
      expect(tf.getKernel(config.kernelName, 'wasm')?.kernelFunc).to.equal(config.kernelFunc);
    }
  });

  const cases: { kernel: number; stride: number; pad: Pad; height: number; width: number }[] = [];
  for (const kernel of [1, 3, 5, 7]) {
    for (const stride of [1, 2]) {
      cases.push({ kernel, stride, pad: 'same', height: 8, width: 8 });
      cases.push({ kernel, stride, pad: 'same', height: 9, width: 7 });
    }
  }
  cases.push({ kernel: 3, stride: 2, pad: 'valid', height: 9, width: 8 });
  cases.push({ kernel: 5, stride: 1, pad: 'valid', height: 8, width: 9 });
  cases.push({ kernel: 7, stride: 3, pad: 'same', height: 9, width: 9 });
  // Kernel smaller than the stride, with explicit padding (the backend's own "same" forward is wrong here).
  cases.push({ kernel: 2, stride: 3, pad: [[0, 0], [0, 1], [1, 0], [0, 0]], height: 8, width: 9 });

  cases.forEach(({ kernel, stride, pad, height, width }, i) => {
    it(`match the cpu backend: ${kernel}x${kernel} kernel, stride ${stride}, ${typeof pad === 'string' ? pad : 'explicit'} padding, ${height}x${width} input`, async () => {
      const rng = new Rng(100 + i);
      const x = randomBuffer([2, height, width, 5], rng);
      const w = randomBuffer([kernel, kernel, 5, 6], rng);
      const [cpuDx, cpuDw] = await convGrads('cpu', x, w, stride, pad, i);
      const [wasmDx, wasmDw] = await convGrads('wasm', x, w, stride, pad, i);
      expect(relativeError(cpuDx, wasmDx), 'input gradient').to.be.below(TOLERANCE);
      expect(relativeError(cpuDw, wasmDw), 'filter gradient').to.be.below(TOLERANCE);
    });
  });

  it('leak no tensors and no wasm memory across calls', async () => {
    await selectBackend('wasm');
    const x = tf.randomUniform([4, 8, 8, 3]) as tf.Tensor4D;
    const w = tf.randomUniform([3, 3, 3, 4]) as tf.Tensor4D;
    const step = () => tf.dispose(tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same')))([x, w]));
    step();
    const before = { tensors: tf.memory().numTensors, bytes: tf.memory().numBytes, data: (tf.backend() as unknown as { numDataIds(): number }).numDataIds() };
    for (let i = 0; i < 5; i++) step();
    expect(tf.memory().numTensors).to.equal(before.tensors);
    expect(tf.memory().numBytes).to.equal(before.bytes);
    expect((tf.backend() as unknown as { numDataIds(): number }).numDataIds()).to.equal(before.data);
    tf.dispose([x, w]);
  });
});
