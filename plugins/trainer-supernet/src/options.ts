// The supernet trainer's options: one zod schema, validated where the plugin is created.
// README.md explains each default.
import { listOption, z } from '@coex/core';
import { BACKENDS, trainerOptionsSchema } from '@coex/plugin-trainer-tfjs/fast-path';
import { SUPERNET_OPTIMIZERS } from './optimizer';

export const PLUGIN_NAME = '@coex/plugin-trainer-supernet';
export const { version: PLUGIN_VERSION } = require('../package.json') as { version: string };

export const BATCH_NORM_MODES = ['recalibrate', 'per-width', 'per-width-recalibrate'] as const;
export type BatchNormMode = (typeof BATCH_NORM_MODES)[number];
/** Whether a mode holds one BatchNorm per filter count, and whether its scores recalibrate statistics. */
export const perWidthNorm = (mode: BatchNormMode) => mode !== 'recalibrate';
export const recalibrates = (mode: BatchNormMode) => mode !== 'per-width';

const positiveInts = listOption(z.coerce.number().int().positive());

export const supernetOptionsSchema = z.object({
  /** Passes of supernet training over the training split (each step trains several subnetworks). */
  epochs: z.number().int().min(1).default(2),
  batchSize: z.number().int().min(1).default(64),
  optimizer: z.enum(SUPERNET_OPTIMIZERS).default('adam'),
  learningRate: z.number().positive().default(3e-3),
  schedule: z.enum(['constant', 'cosine', 'step'] as const).default('cosine'),
  /** Sandwich rule: the largest and the smallest subnetwork plus this many random ones per step. */
  randomSubnets: z.number().int().min(0).default(2),
  /** In-place distillation: the other subnetworks learn the largest one's soft predictions. */
  distillation: z.boolean().default(false),
  /**
   * Progressive shrinking (Once-for-All): the first third of the steps samples only the largest
   * kernel and width, the second third every kernel at the largest width, the rest everything.
   */
  progressiveShrinking: z.boolean().default(false),
  /** The choices subnetworks are sampled from (those of space-chain-cnn by default). */
  kernels: positiveInts.default([1, 3, 5, 7]),
  filters: positiveInts.default([24, 36, 48, 64]),
  strides: positiveInts.default([1, 2]),
  /** Layer positions of the supernet; default: the depth of the first candidate. */
  depth: z.number().int().min(1).optional(),
  batchNormEpsilon: z.number().positive().default(1e-3),
  /**
   * `recalibrate`: one BatchNorm shared by every width (sliced on f), its statistics recalibrated
   * per scored subnetwork; `per-width`: one BatchNorm (gamma, beta, moving statistics) per filter
   * count, whose training statistics a score uses as they are; `per-width-recalibrate`: per-width
   * gamma and beta, statistics recalibrated.
   */
  batchNorm: z.enum(BATCH_NORM_MODES).default('recalibrate'),
  /** Per-width BatchNorm: momentum of the moving statistics (Keras convention, as trainer-tfjs). */
  batchNormMomentum: z.number().min(0).max(1).default(0.9),
  /** BatchNorm statistics of each scored subnetwork come from this many training batches. */
  recalibrationBatches: z.number().int().min(1).default(4),
  /** Validation images a candidate is scored on; default: the whole validation split. */
  scoreImages: z.number().int().min(1).optional(),
  /** Supernet training writes its checkpoint every this many steps (and when it finishes). */
  checkpointEvery: z.number().int().min(1).default(20),
  /** Checkpoint folder, relative to the run's folder. */
  checkpointDir: z.string().min(1).default('supernet'),
  /** Retrain the k most accurate candidates of the final front stand-alone at the end of the run. */
  finalizeTopK: z.number().int().min(0).default(0),
  /** trainer-tfjs options of the stand-alone retraining (finalizeTopK and `coex finalize`). */
  standAlone: trainerOptionsSchema.partial().strict().default({}),
  backend: z.enum(BACKENDS).default('auto'),
  evalBatchSize: z.number().int().min(1).default(256),
  /** Accepted so that `coex finalize` can pass them on; they apply to the stand-alone retraining. */
  saveDir: z.string().min(1).optional(),
});

export type SupernetOptions = z.output<typeof supernetOptionsSchema>;
export type SupernetOptionsInput = z.input<typeof supernetOptionsSchema>;
