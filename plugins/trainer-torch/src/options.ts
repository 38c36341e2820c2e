// The trainer's options: one zod schema, validated once where the plugin is created. The training
// settings and their defaults are trainer-tfjs's own schema, extended here (so both trainers train
// the same network the same way); the rest says which Python runs and how.
import { z } from '@coex/core';
import { trainingOptionsSchema } from '@coex/plugin-trainer-tfjs/options';

export const PLUGIN_NAME = '@coex/plugin-trainer-torch';
export const { version: PLUGIN_VERSION } = require('../package.json') as { version: string };

export { OPTIMIZERS, SCHEDULES } from '@coex/plugin-trainer-tfjs/options';

export const trainerOptionsSchema = trainingOptionsSchema.extend({
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
