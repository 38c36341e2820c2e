// Tensors in a controller state: shape plus values as JSON numbers. float32 values are exact in
// float64 and survive JSON.stringify/parse unchanged, so a restored policy is bit-identical.
import * as tf from '@tensorflow/tfjs';

export interface SavedTensor {
  shape: number[];
  values: number[];
}

/** A tensor's shape and values. */
export function saveTensor(tensor: tf.Tensor): SavedTensor {
  return { shape: [...tensor.shape], values: Array.from(tensor.dataSync()) };
}

/** Writes saved values into a variable after checking their shape and that they are finite. */
export function restoreTensor(variable: tf.Variable, saved: SavedTensor | undefined, what: string): void {
  const expected = JSON.stringify(variable.shape);
  if (!saved || JSON.stringify(saved.shape) !== expected) {
    throw new Error(`${what}: the saved shape ${JSON.stringify(saved?.shape)} does not match ${expected}`);
  }
  if (!Array.isArray(saved.values) || saved.values.length !== variable.size || !saved.values.every(Number.isFinite)) {
    throw new Error(`${what}: the saved values are not ${variable.size} finite numbers`);
  }
  tf.tidy(() => variable.assign(tf.tensor(saved.values, variable.shape, 'float32')));
}
