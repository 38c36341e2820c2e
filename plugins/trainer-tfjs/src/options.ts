// The trainer's options: one zod schema (validated once, where the plugin is created) and the
// defaults for short proxy runs. README.md explains each default.
import { validateOptions, z, type PluginMeta } from '@coex/core';

export const PLUGIN_NAME = '@coex/plugin-trainer-tfjs';
export const { version: PLUGIN_VERSION } = require('../package.json') as { version: string };

export const OPTIMIZERS = ['sgd', 'momentum', 'adam', 'rmsprop'] as const;
export const SCHEDULES = ['constant', 'cosine', 'step'] as const;
export const BACKENDS = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;

export type OptimizerName = (typeof OPTIMIZERS)[number];
export type ScheduleName = (typeof SCHEDULES)[number];
export type BackendPreference = (typeof BACKENDS)[number];

/**
 * The training settings and their defaults, shared with trainer-torch (which extends them through
 * `@coex/plugin-trainer-tfjs/options`), so that both trainers train the same network the same way.
 */
export const trainingOptionsSchema = z.object({
  /** Passes over the training split. */
  epochs: z.number().int().min(1).default(1),
  /** Images per step: 8 updates per 512 images (128 is ~15-20 % faster per image on wasm, half the updates). */
  batchSize: z.number().int().min(1).default(64),
  optimizer: z.enum(OPTIMIZERS).default('adam'),
  /** Peak learning rate. Above Adam's usual 1e-3: short runs gained 2-5 points with 3e-3 (README). */
  learningRate: z.number().positive().default(3e-3),
  /** How the rate falls over the run: constant, cosine to 0, or x0.1 at 50 % and 75 % of the steps. */
  schedule: z.enum(SCHEDULES).default('cosine'),
  /** Keras convention: moving = momentum * moving + (1 - momentum) * batch. 0.9 equals PyTorch's 0.1. */
  batchNormMomentum: z.number().min(0).max(1).default(0.9),
  batchNormEpsilon: z.number().positive().default(1e-3),
  /**
   * Moving statistics average all batches so far until that window reaches 1/(1 - momentum) steps
   * (then the exponential average): no pull towards the initial mean 0 / variance 1 in short runs.
   */
  batchNormWarmStart: z.boolean().default(true),
  /** Patience in epochs on validation accuracy; 0 = off (no per-epoch validation). */
  earlyStopping: z.number().int().min(0).default(0),
  /** One loss-curve point every this many steps; 0 = one point per epoch (mean training loss). */
  lossEvery: z.number().int().min(0).default(0),
  /**
   * A learning-curve point (validation accuracy and loss) every this many steps, besides the one at
   * the end of every epoch; 0 = at epoch ends only. What early-stopping schedulers judge on.
   */
  reportEvery: z.number().int().min(0).default(0),
  /** Seconds per trial; a trial that runs longer is rejected with a TimeLimitError. */
  timeLimit: z.number().positive().optional(),
  /** Folder to save each trained child to, as <saveDir>/trial-<seq> (tfjs layers format here; trainer-torch: a state_dict). */
  saveDir: z.string().min(1).optional(),
  /** Images per inference batch when scoring validation and test splits. */
  evalBatchSize: z.number().int().min(1).default(256),
});

export const trainerOptionsSchema = trainingOptionsSchema.extend({
  /** 'auto': tfjs-node if it loads, else wasm (with this plugin's training kernels), else cpu. */
  backend: z.enum(BACKENDS).default('auto'),
});

export type TrainerOptions = z.output<typeof trainerOptionsSchema>;
export type TrainerOptionsInput = z.input<typeof trainerOptionsSchema>;

/**
 * Options with defaults filled in, for callers outside a plugin run (`trainOnce`, the CLI). Bad
 * values throw a UserError naming the option (`trainer.<name>`), like the plugin itself does.
 */
export function resolveTrainerOptions(input: unknown = {}, prefix = 'trainer'): TrainerOptions {
  const meta: PluginMeta = { name: PLUGIN_NAME, version: PLUGIN_VERSION, role: 'trainer', coex: '*', schema: trainerOptionsSchema.strict() };
  return validateOptions(meta, input, prefix) as TrainerOptions;
}
