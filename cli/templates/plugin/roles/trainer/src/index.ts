// A trainer: turns an architecture into a training result. This one trains nothing; its accuracy
// is a deterministic function of the network's size (more parameters, higher accuracy, saturating)
// plus a little noise drawn from the trial's seed. Replace `train` with real training.
import { Rng, UserError, definePlugin, z, type Architecture, type Trainer, type TrainRequest, type TrainingResult } from '@coex/core';
import { describeChainCnn, isChainCnn } from '@coex/kit-chain-cnn';

const PLUGIN_NAME = '__PACKAGE_NAME__';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('../package.json') as { version: string };

export interface SizeTrainerOptions {
  /** Parameters at which the accuracy has gone 63 % of the way from `floor` to `ceiling`. */
  scale: number;
  floor: number;
  ceiling: number;
  /** Spread of the seeded noise. */
  noise: number;
}

/** The network's size: trainable parameters of a chain CNN, or the size of its description. */
export function sizeOf(architecture: Architecture): number {
  return isChainCnn(architecture) ? describeChainCnn(architecture).params : JSON.stringify(architecture).length;
}

export class SizeTrainer implements Trainer {
  constructor(private readonly options: SizeTrainerOptions) {}

  async train(request: TrainRequest): Promise<TrainingResult> {
    // A trainer must stop when the run is cancelled.
    if (request.signal?.aborted) throw new Error('training aborted');
    const { scale, floor, ceiling, noise } = this.options;
    const params = sizeOf(request.architecture);
    const clean = floor + (ceiling - floor) * (1 - Math.exp(-params / scale));
    // Every random choice comes from the trial's seed, so a run seed reproduces the run.
    const jitter = noise * (new Rng(request.seed).float() - 0.5);
    const accuracy = Math.min(1, Math.max(0, clean + jitter));
    return { accuracy, params, backend: PLUGIN_NAME };
  }
}

export default definePlugin({
  name: PLUGIN_NAME,
  version,
  role: 'trainer',
  // The @coex/core versions this plugin works with (checked when Coex loads it).
  coex: '__CORE_RANGE__',
  description: 'Accuracy from the network size (a template trainer)',
  options: z.object({
    scale: z.number().positive().default(5000),
    floor: z.number().min(0).max(1).default(0.1),
    ceiling: z.number().min(0).max(1).default(0.9),
    noise: z.number().min(0).max(1).default(0.02),
  }),
  apply(ctx, options) {
    // Checks that span several options; bad input is a UserError naming the options.
    if (options.floor >= options.ceiling) {
      throw new UserError(`plugin ${PLUGIN_NAME}: trainer.floor (${options.floor}) must be below trainer.ceiling (${options.ceiling})`);
    }
    ctx.provide('trainer', () => new SizeTrainer(options));
  },
});
