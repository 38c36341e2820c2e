// The trainer's options: one zod schema, validated once where the plugin is created. The training
// settings and their defaults are trainer-tfjs's (so both trainers train the same network the same
// way); the rest says which Python runs and how.
import { z } from '@coex/core';

export const PLUGIN_NAME = '@coex/plugin-trainer-torch';
export const PLUGIN_VERSION: string = (require('../package.json') as { version: string }).version;

export const OPTIMIZERS = ['sgd', 'momentum', 'adam', 'rmsprop'] as const;
export const SCHEDULES = ['constant', 'cosine', 'step'] as const;

export const trainerOptionsSchema = z.object({
  /** Passes over the training split. */
  epochs: z.number().int().min(1).default(1),
  /** Images per step. */
  batchSize: z.number().int().min(1).default(64),
  optimizer: z.enum(OPTIMIZERS).default('adam'),
  /** Peak learning rate (trainer-tfjs's default). */
  learningRate: z.number().positive().default(3e-3),
  /** How the rate falls over the run: constant, cosine to 0, or x0.1 at 50 % and 75 % of the steps. */
  schedule: z.enum(SCHEDULES).default('cosine'),
  /** Keras convention: moving = momentum * moving + (1 - momentum) * batch (PyTorch's momentum is 1 - this). */
  batchNormMomentum: z.number().min(0).max(1).default(0.9),
  batchNormEpsilon: z.number().positive().default(1e-3),
  /** Moving statistics average all batches so far until that window reaches 1/(1 - momentum) steps. */
  batchNormWarmStart: z.boolean().default(true),
  /** Patience in epochs on validation accuracy; 0 = off. */
  earlyStopping: z.number().int().min(0).default(0),
  /** One loss-curve point every this many steps; 0 = one point per epoch. */
  lossEvery: z.number().int().min(0).default(0),
  /** A learning-curve point (validation accuracy) every this many steps, besides one per epoch; 0 = per epoch only. */
  reportEvery: z.number().int().min(0).default(0),
  /** Seconds per trial; a trial that runs longer fails with a TimeLimitError. */
  timeLimit: z.number().positive().optional(),
  /** Folder to save each trained child to (PyTorch state_dict, model.pt), as <saveDir>/trial-<seq>. */
  saveDir: z.string().min(1).optional(),
  /** Images per inference batch when scoring validation and test splits. */
  evalBatchSize: z.number().int().min(1).default(256),
  /** The Python to run; default: env COEX_PYTHON, else the first of python3 (PATH) and /usr/bin/python3 that imports torch. */
  python: z.string().min(1).optional(),
  /** torch.set_num_threads in each worker process (one process trains one child at a time). */
  threads: z.number().int().min(1).max(256).default(1),
  /** Where the dataset's splits are written for Python, relative to the run's folder. */
  dataDir: z.string().min(1).default('tmp/trainer-torch'),
});

export type TorchTrainerOptions = z.output<typeof trainerOptionsSchema>;
export type TorchTrainerOptionsInput = z.input<typeof trainerOptionsSchema>;

/** The options the Python side reads (the rest are Node's business). */
export const PYTHON_OPTIONS = [
  'epochs', 'batchSize', 'optimizer', 'learningRate', 'schedule', 'batchNormMomentum', 'batchNormEpsilon',
  'batchNormWarmStart', 'earlyStopping', 'lossEvery', 'reportEvery', 'timeLimit', 'evalBatchSize',
] as const satisfies readonly (keyof TorchTrainerOptions)[];
