// The paper's controller: an LSTM policy sampling architecture tokens then hardware tokens, trained
// with REINFORCE against an exponential moving average of the reward. One policy-gradient step per
// batch told back by the engine (in trial order), so a seed reproduces the run.
import * as tf from '@tensorflow/tfjs';
import { Rng, type Controller, type DecisionSpace, type Feedback, type Proposal } from '@coex/core';
import { ensureBackend } from './backend';
import { PolicyOptimizer, type OptimizerState } from './optimizer';
import type { RlOptions } from './options';
import { LstmPolicy } from './policy';
import { invertCdf } from './sampling';
import { restoreTensor, saveTensor, type SavedTensor } from './saved-tensor';

const STATE_FORMAT = 'coex-controller-rl/1';

/** What getState returns: JSON-serialisable, restored exactly by setState. */
export interface RlControllerState {
  format: typeof STATE_FORMAT;
  sizes: number[];
  hiddenSize: number;
  weights: (SavedTensor & { name: string })[];
  optimizer: OptimizerState;
  baseline: number | null;
  updates: number;
  rng: number[];
}

/** Figures of the last update, for logs and tests. */
export interface UpdateStats {
  update: number;
  meanReward: number;
  /** The baseline the advantages were taken against (before this batch moved it). */
  baseline: number;
  loss: number;
  meanEntropy: number;
  /** Global L2 norm of the gradient before clipping. */
  gradientNorm: number;
}

export interface RlControllerSettings {
  /** Sampling draws (state saved and restored with the controller). */
  rng: Rng;
  /** Seed of the weight initialisation (the run's seed; each variable derives its own stream). */
  seed: number;
  options: RlOptions;
  log?: (message: string) => void;
}

export class RlController implements Controller {
  readonly batchSize: number;
  private rng: Rng;
  private space: DecisionSpace = { arch: [], hw: [] };
  private policy?: LstmPolicy;
  private optimizer?: PolicyOptimizer;
  private baselineValue: number | null = null;
  private updates = 0;
  private last?: UpdateStats;
  /** The tfjs backend the policy runs on (set by init). */
  backend?: string;

  constructor(private readonly settings: RlControllerSettings) {
    this.rng = settings.rng;
    this.batchSize = settings.options.batchSize;
  }

  async init(space: DecisionSpace): Promise<void> {
    this.backend = await ensureBackend();
    this.dispose();
    this.space = space;
    const { options, seed } = this.settings;
    const sizes = [...space.arch, ...space.hw].map((d) => d.choices.length);
    const empty = sizes.findIndex((n) => n < 1);
    if (empty >= 0) throw new Error(`decision ${this.decisionName(empty)} has no choices`);
    this.policy = new LstmPolicy({ sizes, hiddenSize: options.hiddenSize }, { seed, range: options.initRange });
    this.optimizer = new PolicyOptimizer(options.optimizer, options.learningRate, this.policy.variables);
    this.baselineValue = null;
    this.updates = 0;
    this.settings.log?.(
      `LSTM policy (${options.hiddenSize} units) over ${space.arch.length} architecture + ${space.hw.length} hardware decisions, ` +
        `${options.optimizer} lr ${options.learningRate}, on the tfjs ${this.backend} backend`,
    );
  }

  /** Proposals drawn from the current policy; the rng is drawn proposal by proposal, decision by decision. */
  ask(count: number): Proposal[] {
    const policy = this.ready('ask');
    const decisions = policy.shape.sizes.length;
    const uniforms = Array.from({ length: count }, () => Array.from({ length: decisions }, () => this.rng.float()));
    const archCount = this.space.arch.length;
    return policy.sample(uniforms, invertCdf).map((tokens) => ({ arch: tokens.slice(0, archCount), hw: tokens.slice(archCount) }));
  }

  /** One REINFORCE step on the batch: advantages against the moving-average baseline, then the baseline moves. */
  tell(feedback: Feedback[]): void {
    const policy = this.ready('tell');
    if (feedback.length === 0 || policy.shape.sizes.length === 0) return; // nothing to learn
    const sequences = feedback.map((f) => this.tokensOf(f));
    const rewards = feedback.map((f) => {
      if (!Number.isFinite(f.reward)) throw new Error(`trial ${f.seq} has a non-finite reward (${f.reward}); the policy cannot learn from it`);
      return f.reward;
    });
    const meanReward = mean(rewards);
    const baseline = this.baselineValue ?? meanReward; // the first batch is its own baseline
    const advantages = rewards.map((r) => r - baseline);
    const { loss, meanEntropy, gradientNorm } = this.step(policy, sequences, advantages);
    const decay = this.settings.options.baselineDecay;
    this.baselineValue = decay * baseline + (1 - decay) * meanReward;
    this.updates += 1;
    this.last = { update: this.updates, meanReward, baseline, loss, meanEntropy, gradientNorm };
  }

  private step(policy: LstmPolicy, sequences: number[][], advantages: number[]) {
    const { entropyWeight, gradientClipNorm } = this.settings.options;
    const { loss, meanEntropy, gradients } = tf.tidy(() => {
      let meanEntropy = 0;
      const { value, grads } = tf.variableGrads(() => {
        const { logProb, entropy } = policy.score(sequences);
        const entropyMean = tf.mean(entropy);
        meanEntropy = entropyMean.dataSync()[0];
        // Maximise mean(A * log pi) + entropyWeight * mean(H): minimise its negative.
        const objective = tf.add(tf.mean(tf.mul(tf.tensor1d(advantages), logProb)), tf.mul(entropyMean, entropyWeight));
        return tf.neg(objective) as tf.Scalar;
      }, policy.variables);
      // A variable the loss does not reach has no gradient: it gets zeros.
      const gradients = policy.variables.map((v) => Float32Array.from((grads[v.name]?.dataSync() as Float32Array) ?? new Float32Array(v.size)));
      return { loss: value.dataSync()[0], meanEntropy, gradients };
    });
    const gradientNorm = Math.sqrt(gradients.reduce((sum, g) => g.reduce((s, x) => s + x * x, sum), 0));
    if (gradientClipNorm !== undefined && gradientNorm > gradientClipNorm) {
      const scale = gradientClipNorm / gradientNorm;
      for (const g of gradients) for (let k = 0; k < g.length; k++) g[k] *= scale;
    }
    this.optimizer!.apply(gradients);
    return { loss, meanEntropy, gradientNorm };
  }

  /** The moving-average reward baseline (null before the first update). */
  get baseline(): number | null {
    return this.baselineValue;
  }

  /** Figures of the last update (undefined before the first). */
  get lastUpdate(): UpdateStats | undefined {
    return this.last;
  }

  getState(): RlControllerState {
    const policy = this.ready('getState');
    const names = policy.names;
    return {
      format: STATE_FORMAT,
      sizes: [...policy.shape.sizes],
      hiddenSize: policy.shape.hiddenSize,
      weights: policy.variables.map((v, i) => ({ name: names[i], ...saveTensor(v) })),
      optimizer: this.optimizer!.getState(),
      baseline: this.baselineValue,
      updates: this.updates,
      rng: this.rng.state(),
    };
  }

  setState(raw: unknown): void {
    const policy = this.ready('setState');
    const state = raw as Partial<RlControllerState> | null;
    if (!state || state.format !== STATE_FORMAT) {
      throw new Error(`the saved controller state is not a ${STATE_FORMAT} state (format ${JSON.stringify(state?.format)})`);
    }
    const here = `${JSON.stringify(policy.shape.sizes)} choices with ${policy.shape.hiddenSize} units`;
    const saved = `${JSON.stringify(state.sizes)} choices with ${state.hiddenSize} units`;
    if (saved !== here) throw new Error(`the saved policy has ${saved}, this run's policy has ${here}`);
    const names = policy.names;
    policy.variables.forEach((v, i) => {
      const entry = state.weights?.find((w) => w.name === names[i]);
      restoreTensor(v, entry, `weight ${names[i]}`);
    });
    this.optimizer!.setState(state.optimizer as OptimizerState);
    if (state.baseline !== null && !Number.isFinite(state.baseline)) throw new Error(`the saved baseline ${state.baseline} is not a number`);
    this.baselineValue = state.baseline ?? null;
    this.updates = state.updates ?? 0;
    if (!Array.isArray(state.rng) || !state.rng.every(Number.isInteger)) throw new Error('the saved sampling generator state is missing');
    this.rng = new Rng({ state: state.rng });
    this.settings.log?.(`resumed the policy after ${this.updates} updates (baseline ${this.baselineValue ?? 'not set'})`);
  }

  /** Frees the policy's tensors (the engine has no close for controllers yet). */
  /** Called by the engine at the end of the run. */
  close(): void {
    this.dispose();
  }

  dispose(): void {
    this.policy?.dispose();
    this.optimizer = undefined;
    this.policy = undefined;
  }

  private ready(method: string): LstmPolicy {
    if (!this.policy) throw new Error(`${method}() was called before init()`);
    return this.policy;
  }

  private decisionName(index: number): string {
    const all = [...this.space.arch, ...this.space.hw];
    return all[index]?.name ?? `#${index}`;
  }

  /** The proposal's tokens as one sequence, checked against the decision space. */
  private tokensOf(f: Feedback): number[] {
    const { arch, hw } = f.proposal;
    if (arch.length !== this.space.arch.length || hw.length !== this.space.hw.length) {
      throw new Error(
        `trial ${f.seq}: the proposal has ${arch.length} architecture and ${hw.length} hardware tokens, ` +
          `the decision space ${this.space.arch.length} and ${this.space.hw.length}`,
      );
    }
    const tokens = [...arch, ...hw];
    const sizes = this.policy!.shape.sizes;
    tokens.forEach((token, t) => {
      if (!Number.isInteger(token) || token < 0 || token >= sizes[t]) {
        throw new Error(`trial ${f.seq}: token ${token} of decision ${this.decisionName(t)} is not in 0..${sizes[t] - 1}`);
      }
    });
    return tokens;
  }
}

function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}
