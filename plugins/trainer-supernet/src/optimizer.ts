// Adam and heavy-ball momentum over the supernet's variables, written out instead of tfjs's
// optimizers for two reasons. A checkpoint must restore the state exactly: tfjs's Adam rebuilds
// its bias-correction powers with pow() on setWeights where training multiplies them step by step,
// so a resumed run drifts from an uninterrupted one; here the step count is a plain number and the
// powers are recomputed from it every step. And a step updates only the variables that received a
// gradient (a classifier head of a resolution no subnetwork of the step reached stays as it is),
// where tfjs's optimizers index their state by position and need every variable every step.
import * as tf from '@tensorflow/tfjs';
import type { NamedValues } from './checkpoint';

export const SUPERNET_OPTIMIZERS = ['adam', 'momentum'] as const;
export type SupernetOptimizerName = (typeof SUPERNET_OPTIMIZERS)[number];

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-7;
const MOMENTUM = 0.9;

export class SupernetOptimizer {
  /** Updates applied so far (Adam's bias correction uses it). */
  steps = 0;
  private readonly first = new Map<tf.Variable, tf.Variable>();
  private readonly second = new Map<tf.Variable, tf.Variable>();

  constructor(readonly name: SupernetOptimizerName, private readonly variables: readonly tf.Variable[]) {}

  private slot(store: Map<tf.Variable, tf.Variable>, v: tf.Variable, suffix: string): tf.Variable {
    let s = store.get(v);
    if (!s) {
      s = tf.variable(tf.zerosLike(v), false, `${v.name}/${suffix}`);
      store.set(v, s);
    }
    return s;
  }

  /** One update with the gradients given; variables without one keep their value and state. */
  apply(grads: Map<tf.Variable, tf.Tensor>, learningRate: number): void {
    this.steps += 1;
    const t = this.steps;
    tf.tidy(() => {
      for (const v of this.variables) {
        const g = grads.get(v);
        if (!g) continue;
        if (this.name === 'momentum') {
          const velocity = this.slot(this.first, v, 'velocity');
          velocity.assign(tf.add(tf.mul(velocity, MOMENTUM), g));
          v.assign(tf.sub(v, tf.mul(velocity, learningRate)));
          continue;
        }
        const m = this.slot(this.first, v, 'm');
        const s = this.slot(this.second, v, 'v');
        m.assign(tf.add(tf.mul(m, BETA1), tf.mul(g, 1 - BETA1)));
        s.assign(tf.add(tf.mul(s, BETA2), tf.mul(tf.square(g), 1 - BETA2)));
        const rate = (learningRate * Math.sqrt(1 - BETA2 ** t)) / (1 - BETA1 ** t);
        v.assign(tf.sub(v, tf.div(tf.mul(m, rate), tf.add(tf.sqrt(s), EPSILON))));
      }
    });
  }

  /** The state as named arrays (for a checkpoint), in the variables' order. */
  state(): NamedValues[] {
    const out: NamedValues[] = [];
    for (const store of [this.first, this.second]) {
      for (const v of this.variables) {
        const s = store.get(v);
        if (s) out.push({ name: s.name, shape: s.shape, values: s.dataSync() as Float32Array });
      }
    }
    return out;
  }

  /** Restores `state()`'s output and the step count. */
  restore(steps: number, state: readonly NamedValues[]): void {
    this.steps = steps;
    const byName = new Map(state.map((s) => [s.name, s]));
    for (const v of this.variables) {
      for (const [store, suffix] of this.name === 'momentum' ? [[this.first, 'velocity'] as const] : [[this.first, 'm'] as const, [this.second, 'v'] as const]) {
        const saved = byName.get(`${v.name}/${suffix}`);
        if (saved) tf.tidy(() => this.slot(store, v, suffix).assign(tf.tensor(saved.values, saved.shape)));
      }
    }
  }

  dispose(): void {
    tf.dispose([...this.first.values(), ...this.second.values()]);
    this.first.clear();
    this.second.clear();
  }
}
