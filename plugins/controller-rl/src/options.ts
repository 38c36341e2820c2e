// Options of the RL controller: one zod schema, the single source of truth for names, defaults and
// validation. The README explains each default.
import { z } from '@coex/core';

export const PLUGIN_NAME = '@coex/plugin-controller-rl';
export const { version: PLUGIN_VERSION } = require('../package.json') as { version: string };

export const OPTIMIZERS = ['adam', 'rmsprop'] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];

export const rlOptionsSchema = z.object({
  /** Children sampled per policy update (also the engine's batch: fast level and training together). */
  batchSize: z.number().int().min(1).max(1024).default(4),
  /** LSTM units, also the width of the token embeddings (the authors' code: 35). */
  hiddenSize: z.number().int().min(1).max(1024).default(35),
  optimizer: z.enum(OPTIMIZERS).default('adam'),
  learningRate: z.number().positive().max(10).default(0.01),
  /** Decay of the exponential moving average of the batch-mean reward (the REINFORCE baseline). */
  baselineDecay: z.number().min(0).max(0.9999).default(0.8),
  /** Weight of the policy's entropy (summed over decisions) added to the objective. */
  entropyWeight: z.number().min(0).default(0),
  /** Clip the gradient to this global L2 norm before the optimizer step; absent: no clipping. */
  gradientClipNorm: z.number().positive().optional(),
  /** Half-width of the uniform range the weights are initialised in (biases start at 0). */
  initRange: z.number().positive().max(10).default(0.1),
});

export type RlOptions = z.output<typeof rlOptionsSchema>;
export type RlOptionsInput = z.input<typeof rlOptionsSchema>;
