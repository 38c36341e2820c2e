// An ensemble of small multilayer perceptrons (BANANAS, White et al. AAAI 2021): each member is a
// ReLU MLP fitted by full-batch Adam on mean squared error from its own seeded initialisation;
// the ensemble's mean is the prediction and the spread of its members the uncertainty. The nets
// are tiny (tens of inputs, a few hundred trials), so plain typed-array loops fit one in
// milliseconds and keep every number a function of the seed.
import { Rng } from '@coex/core';

export interface MlpOptions {
  /** Widths of the hidden layers. */
  hidden: readonly number[];
  epochs: number;
  learningRate: number;
  /** L2 penalty on the weights (not the biases). */
  weightDecay: number;
}

interface Layer {
  inputs: number;
  outputs: number;
  /** Row-major `outputs x inputs`. */
  w: Float64Array;
  b: Float64Array;
}

/** One ReLU MLP with a single linear output. */
export class Mlp {
  private readonly layers: Layer[];

  constructor(inputs: number, hidden: readonly number[], rng: Rng) {
    const widths = [inputs, ...hidden, 1];
    this.layers = widths.slice(1).map((outputs, i) => {
      const fanIn = widths[i];
      // He initialisation, suited to ReLU.
      const scale = Math.sqrt(2 / fanIn);
      const w = new Float64Array(outputs * fanIn);
      for (let k = 0; k < w.length; k++) w[k] = rng.normal() * scale;
      return { inputs: fanIn, outputs, w, b: new Float64Array(outputs) };
    });
    this.acts = this.layers.map((l) => new Float64Array(l.outputs));
    // backs[li]: d(loss)/d(output of layer li), for the hidden layers.
    this.backs = this.layers.map((l) => new Float64Array(l.outputs));
  }

  /** Activation buffers, one per layer output (reused: fitting allocates nothing per example). */
  private readonly acts: Float64Array[];
  private readonly backs: Float64Array[];

  /** Fills the activation buffers for one input; returns the output. */
  private forward(x: ArrayLike<number>): number {
    let input: ArrayLike<number> = x;
    for (let li = 0; li < this.layers.length; li++) {
      const { inputs, outputs, w, b } = this.layers[li];
      const out = this.acts[li];
      const last = li === this.layers.length - 1;
      for (let o = 0; o < outputs; o++) {
        let sum = b[o];
        const row = o * inputs;
        for (let i = 0; i < inputs; i++) sum += w[row + i] * input[i];
        out[o] = last || sum > 0 ? sum : 0;
      }
      input = out;
    }
    return this.acts[this.layers.length - 1][0];
  }

  predict(x: ArrayLike<number>): number {
    return this.forward(x);
  }

  /** Full-batch Adam on mean squared error. */
  fit(xs: readonly ArrayLike<number>[], ys: readonly number[], options: MlpOptions): void {
    const beta1 = 0.9;
    const beta2 = 0.999;
    const eps = 1e-8;
    const params = this.layers.flatMap((l) => [l.w, l.b]);
    const grads = params.map((p) => new Float64Array(p.length));
    const m = params.map((p) => new Float64Array(p.length));
    const v = params.map((p) => new Float64Array(p.length));
    const top = this.layers.length - 1;
    for (let epoch = 1; epoch <= options.epochs; epoch++) {
      for (const g of grads) g.fill(0);
      for (let n = 0; n < xs.length; n++) {
        // d(loss)/d(output) for loss = mean (y - f)^2.
        this.acts[top][0] = (2 * (this.forward(xs[n]) - ys[n])) / xs.length;
        for (let li = top; li >= 0; li--) {
          const { inputs, outputs, w } = this.layers[li];
          const delta = li === top ? this.acts[top] : this.backs[li];
          const input = li === 0 ? xs[n] : this.acts[li - 1];
          const gw = grads[2 * li];
          const gb = grads[2 * li + 1];
          const back = li > 0 ? this.backs[li - 1] : undefined;
          back?.fill(0);
          for (let o = 0; o < outputs; o++) {
            const d = delta[o];
            if (d === 0) continue;
            gb[o] += d;
            const row = o * inputs;
            for (let i = 0; i < inputs; i++) {
              gw[row + i] += d * input[i];
              if (back) back[i] += d * w[row + i];
            }
          }
          // Through the previous layer's ReLU.
          if (back) for (let i = 0; i < inputs; i++) if (input[i] <= 0) back[i] = 0;
        }
      }
      const correction1 = 1 - beta1 ** epoch;
      const correction2 = 1 - beta2 ** epoch;
      for (let k = 0; k < params.length; k++) {
        const p = params[k];
        const g = grads[k];
        const mk = m[k];
        const vk = v[k];
        const decay = k % 2 === 0 ? options.weightDecay : 0;
        for (let i = 0; i < p.length; i++) {
          const gi = g[i] + decay * p[i];
          mk[i] = beta1 * mk[i] + (1 - beta1) * gi;
          vk[i] = beta2 * vk[i] + (1 - beta2) * gi * gi;
          p[i] -= (options.learningRate * (mk[i] / correction1)) / (Math.sqrt(vk[i] / correction2) + eps);
        }
      }
    }
  }
}

export interface Prediction {
  mean: number;
  /** Standard deviation of the members' predictions. */
  sd: number;
}

/** Members fitted on the same standardised data from different seeds; targets are standardised too. */
export class MlpEnsemble {
  private readonly members: Mlp[];
  private readonly featureMean: Float64Array;
  private readonly featureScale: Float64Array;
  private readonly targetMean: number;
  private readonly targetScale: number;

  constructor(xs: readonly ArrayLike<number>[], ys: readonly number[], size: number, seedOf: (member: number) => number, options: MlpOptions) {
    if (xs.length === 0) throw new Error('an ensemble needs at least one training example');
    const dims = xs[0].length;
    this.featureMean = new Float64Array(dims);
    this.featureScale = new Float64Array(dims);
    for (let d = 0; d < dims; d++) {
      const column = xs.map((x) => x[d]);
      const mean = column.reduce((a, b) => a + b, 0) / column.length;
      const sd = Math.sqrt(column.reduce((a, b) => a + (b - mean) ** 2, 0) / column.length);
      this.featureMean[d] = mean;
      // A constant feature (an op no trained cell uses yet) stays at zero rather than dividing by zero.
      this.featureScale[d] = sd > 1e-12 ? sd : 1;
    }
    this.targetMean = ys.reduce((a, b) => a + b, 0) / ys.length;
    const targetSd = Math.sqrt(ys.reduce((a, b) => a + (b - this.targetMean) ** 2, 0) / ys.length);
    this.targetScale = targetSd > 1e-12 ? targetSd : 1;
    const inputs = xs.map((x) => this.standardise(x));
    const targets = ys.map((y) => (y - this.targetMean) / this.targetScale);
    this.members = Array.from({ length: size }, (_, k) => {
      const net = new Mlp(dims, options.hidden, new Rng(seedOf(k)));
      net.fit(inputs, targets, options);
      return net;
    });
  }

  private standardise(x: ArrayLike<number>): Float64Array {
    const out = new Float64Array(x.length);
    for (let d = 0; d < x.length; d++) out[d] = (x[d] - this.featureMean[d]) / this.featureScale[d];
    return out;
  }

  predict(x: ArrayLike<number>): Prediction {
    const input = this.standardise(x);
    const values = this.members.map((net) => net.predict(input) * this.targetScale + this.targetMean);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const sd = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, values.length - 1));
    return { mean, sd };
  }
}
