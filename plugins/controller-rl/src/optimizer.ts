// Adam and RMSProp for the policy, computed in JavaScript over the variables' values, with state
// that saves and restores exactly. Why not tfjs's optimizers: (1) tfjs's Adam cannot resume
// exactly (setWeights recomputes beta^t with pow() while training multiplied it step by step in
// float32, so a resumed run drifts from an uninterrupted one in the last bits); (2) on the cpu
// backend its scalar-broadcast element-wise ops made the update several times slower than the
// policy-gradient itself. Here the bias corrections come from the step count, each slot is a
// Float32Array, and the arithmetic does not depend on the tfjs backend.
import * as tf from '@tensorflow/tfjs';
import type { OptimizerName } from './options';

export interface OptimizerState {
  name: OptimizerName;
  step: number;
  /** Per variable, its slots in order (Adam: first then second moment; RMSProp: mean square). */
  slots: number[][][];
}

const ADAM = { beta1: 0.9, beta2: 0.999, epsilon: 1e-7 };
const RMSPROP = { rho: 0.9, epsilon: 1e-7 };

export class PolicyOptimizer {
  private step = 0;
  private readonly slots: Float32Array[][];

  constructor(readonly name: OptimizerName, private readonly learningRate: number, private readonly variables: readonly tf.Variable[]) {
    const slotCount = name === 'adam' ? 2 : 1;
    this.slots = variables.map((v) => Array.from({ length: slotCount }, () => new Float32Array(v.size)));
  }

  /** One update; `gradients[i]` holds the gradient of `variables[i]`. */
  apply(gradients: readonly Float32Array[]): void {
    this.step += 1;
    this.variables.forEach((variable, i) => {
      const values = Float32Array.from(variable.dataSync() as Float32Array);
      if (this.name === 'adam') this.adam(values, gradients[i], this.slots[i]);
      else this.rmsprop(values, gradients[i], this.slots[i]);
      tf.tidy(() => variable.assign(tf.tensor(values, variable.shape, 'float32')));
    });
  }

  private adam(values: Float32Array, g: Float32Array, [m, v]: Float32Array[]): void {
    const { beta1, beta2, epsilon } = ADAM;
    const correction1 = 1 - beta1 ** this.step;
    const correction2 = 1 - beta2 ** this.step;
    for (let k = 0; k < values.length; k++) {
      m[k] = beta1 * m[k] + (1 - beta1) * g[k];
      v[k] = beta2 * v[k] + (1 - beta2) * g[k] * g[k];
      values[k] -= (this.learningRate * (m[k] / correction1)) / (Math.sqrt(v[k] / correction2) + epsilon);
    }
  }

  private rmsprop(values: Float32Array, g: Float32Array, [ms]: Float32Array[]): void {
    const { rho, epsilon } = RMSPROP;
    for (let k = 0; k < values.length; k++) {
      ms[k] = rho * ms[k] + (1 - rho) * g[k] * g[k];
      values[k] -= (this.learningRate * g[k]) / Math.sqrt(ms[k] + epsilon);
    }
  }

  getState(): OptimizerState {
    return { name: this.name, step: this.step, slots: this.slots.map((list) => list.map((slot) => Array.from(slot))) };
  }

  setState(state: OptimizerState): void {
    if (state?.name !== this.name) throw new Error(`the saved optimizer is ${state?.name}, this controller uses ${this.name}`);
    if (!Number.isInteger(state.step) || state.step < 0) throw new Error(`the saved optimizer step ${state.step} is not a count`);
    if (!Array.isArray(state.slots) || state.slots.length !== this.slots.length) {
      throw new Error(`the saved optimizer has slots for ${state.slots?.length} variables, this policy has ${this.slots.length}`);
    }
    this.slots.forEach((list, i) =>
      list.forEach((slot, k) => {
        const saved = state.slots[i]?.[k];
        if (!Array.isArray(saved) || saved.length !== slot.length || !saved.every(Number.isFinite)) {
          throw new Error(`optimizer slot ${k} of variable ${i}: the saved values are not ${slot.length} finite numbers`);
        }
        slot.set(saved);
      }),
    );
    this.step = state.step;
  }
}
