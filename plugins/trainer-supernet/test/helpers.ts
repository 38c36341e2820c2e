// Test fixtures: the wasm backend for a suite (given back afterwards), and tiny supernet shapes.
import * as tf from '@tensorflow/tfjs';
import type { SupernetShape } from '../src/supernet';
import { selectBackend } from '@coex/plugin-trainer-tfjs/fast-path';

/** Selects the wasm backend (the fast path) for the enclosing describe(). */
export function useWasm(): void {
  let previous: string | undefined;
  before(async () => {
    previous = tf.getBackend() || undefined;
    await selectBackend('wasm');
  });
  after(async () => {
    const restore = previous ?? 'cpu';
    if (tf.getBackend() !== restore) await tf.setBackend(restore);
  });
}

export const TINY: SupernetShape = { input: { height: 8, width: 8, channels: 2 }, classes: 3, depth: 3, maxKernel: 5, maxFilters: 6, strides: [1, 2] };
