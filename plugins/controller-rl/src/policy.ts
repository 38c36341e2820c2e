// The controller's policy: an LSTM that emits one token per decision (architecture decisions, then
// hardware decisions). Step 0 reads a learned start vector; step t > 0 reads the learned embedding
// of the token chosen at step t-1 (one embedding table per decision, since decisions differ in
// meaning and in their number of choices); each step has its own softmax head over that decision's
// choices (Zoph & Le 2017; the authors' controller code uses the same per-decision embeddings and
// heads with 35 units).
import * as tf from '@tensorflow/tfjs';
import { Rng, deriveSeed } from '@coex/core';
import { PLUGIN_NAME } from './options';

export interface PolicyShape {
  /** Number of choices of each decision, in emission order. */
  sizes: readonly number[];
  hiddenSize: number;
}

export interface PolicyInit {
  /** Seed of the weight initialisation (each variable gets its own derived stream). */
  seed: number;
  /** Weights start uniform in [-range, range]; biases start at 0. */
  range: number;
}

/** Per-sequence sums over the decisions: log pi(tokens) and the entropy of each step's softmax. */
export interface SequenceScores {
  logProb: tf.Tensor1D;
  entropy: tf.Tensor1D;
}

/** TensorFlow's BasicLSTMCell adds 1 to the forget gate so the cell keeps its state at the start. */
const FORGET_BIAS = 1;

// tfjs variable names are global to the process: every policy gets its own prefix.
let instances = 0;

export class LstmPolicy {
  /** Every trainable variable, in a fixed order (the order of saved state and optimizer slots). */
  readonly variables: tf.Variable[] = [];
  private readonly start: tf.Variable;
  private readonly lstmKernel: tf.Variable;
  private readonly lstmBias: tf.Variable;
  /** embeddings[t] embeds the token of decision t for step t + 1 (the last decision needs none). */
  private readonly embeddings: tf.Variable[] = [];
  private readonly headKernels: tf.Variable[] = [];
  private readonly headBiases: tf.Variable[] = [];
  private readonly forgetBias: tf.Scalar;
  private readonly prefix = `controller-rl/${++instances}`;

  constructor(readonly shape: PolicyShape, init: PolicyInit) {
    const { sizes, hiddenSize: h } = shape;
    const weights = (name: string, dims: number[]) => this.add(name, dims, uniform(dims, init, name));
    const zeros = (name: string, dims: number[]) => this.add(name, dims, new Float32Array(product(dims)));
    this.start = weights('start', [1, h]);
    this.lstmKernel = weights('lstm/kernel', [2 * h, 4 * h]);
    this.lstmBias = zeros('lstm/bias', [4 * h]);
    for (let t = 0; t + 1 < sizes.length; t++) this.embeddings.push(weights(`embedding${t}`, [sizes[t], h]));
    sizes.forEach((size, t) => {
      this.headKernels.push(weights(`head${t}/kernel`, [h, size]));
      this.headBiases.push(zeros(`head${t}/bias`, [size]));
    });
    this.forgetBias = tf.keep(tf.scalar(FORGET_BIAS));
  }

  /** Local name of each variable (without the per-instance prefix), in `variables` order. */
  get names(): string[] {
    return this.variables.map((v) => v.name.slice(this.prefix.length + 1));
  }

  private add(name: string, dims: number[], values: Float32Array): tf.Variable {
    const variable = tf.tidy(() => tf.variable(tf.tensor(values, dims, 'float32'), true, `${this.prefix}/${name}`));
    this.variables.push(variable);
    return variable;
  }

  /**
   * Samples one token sequence per row of `uniforms` (uniforms[i][t] in [0, 1) draws decision t of
   * sequence i by inverting the softmax's CDF); the softmax is computed by tfjs, the draw in JS.
   */
  sample(uniforms: readonly (readonly number[])[], draw: (probabilities: ArrayLike<number>, u: number) => number): number[][] {
    const n = uniforms.length;
    const tokens: number[][] = uniforms.map(() => []);
    if (n === 0 || this.shape.sizes.length === 0) return tokens;
    tf.tidy(() => {
      let state = this.initialState(n);
      let input = this.startInput(n);
      this.shape.sizes.forEach((size, t) => {
        const step = this.step(input, state, t);
        state = step.state;
        const probabilities = tf.softmax(step.logits).dataSync();
        const column = uniforms.map((u, i) => draw(probabilities.subarray(i * size, (i + 1) * size), u[t]));
        column.forEach((token, i) => tokens[i].push(token));
        if (t + 1 < this.shape.sizes.length) input = this.embed(t, tf.tensor1d(column, 'int32'));
      });
    });
    return tokens;
  }

  /**
   * Re-runs the policy on given token sequences (teacher forcing) and scores them; differentiable,
   * so a policy-gradient loss built from it can be taken under tf.variableGrads.
   */
  score(sequences: readonly (readonly number[])[]): SequenceScores {
    const n = sequences.length;
    const { sizes } = this.shape;
    let state = this.initialState(n);
    let input = this.startInput(n);
    let logProb: tf.Tensor1D = tf.zeros([n]);
    let entropy: tf.Tensor1D = tf.zeros([n]);
    sizes.forEach((size, t) => {
      const step = this.step(input, state, t);
      state = step.state;
      const column = tf.tensor1d(sequences.map((s) => s[t]), 'int32');
      const logSoftmax = tf.logSoftmax(step.logits);
      const chosen = tf.sum(tf.mul(logSoftmax, tf.oneHot(column, size, 1, 0, 'float32')), 1);
      logProb = tf.add(logProb, chosen);
      entropy = tf.sub(entropy, tf.sum(tf.mul(tf.exp(logSoftmax), logSoftmax), 1));
      if (t + 1 < sizes.length) input = this.embed(t, column);
    });
    return { logProb, entropy };
  }

  /** The input of step 0: the learned start vector, once per sequence. */
  private startInput(n: number): tf.Tensor2D {
    return tf.tile(this.start, [n, 1]) as tf.Tensor2D;
  }

  /** The input of step t + 1: the embedding of each sequence's token for decision t. */
  private embed(t: number, tokens: tf.Tensor1D): tf.Tensor2D {
    return tf.gather(this.embeddings[t], tokens) as tf.Tensor2D;
  }

  private initialState(n: number): { c: tf.Tensor2D; h: tf.Tensor2D } {
    return { c: tf.zeros([n, this.shape.hiddenSize]), h: tf.zeros([n, this.shape.hiddenSize]) };
  }

  private step(input: tf.Tensor2D, state: { c: tf.Tensor2D; h: tf.Tensor2D }, t: number) {
    const [c, h] = tf.basicLSTMCell(this.forgetBias, this.lstmKernel as tf.Tensor2D, this.lstmBias as tf.Tensor1D, input, state.c, state.h);
    const logits = tf.add(tf.matMul(h, this.headKernels[t] as tf.Tensor2D), this.headBiases[t]) as tf.Tensor2D;
    return { state: { c, h }, logits };
  }

  dispose(): void {
    tf.dispose(this.variables);
    this.forgetBias.dispose();
  }
}

function product(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

/** Seeded uniform values from core's generator (not tfjs's), so they depend on the seed only. */
function uniform(dims: readonly number[], init: PolicyInit, name: string): Float32Array {
  const rng = new Rng(deriveSeed(init.seed, PLUGIN_NAME, 'weights', name));
  const values = new Float32Array(product(dims));
  for (let i = 0; i < values.length; i++) values[i] = (2 * rng.float() - 1) * init.range;
  return values;
}
