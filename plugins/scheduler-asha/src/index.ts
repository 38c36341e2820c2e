// Asynchronous successive halving (Li et al., "A System for Massively Parallel Hyperparameter
// Tuning", MLSys 2020) as the `scheduler` role. Rungs sit at minResource * eta^k of a resource
// (epochs, images or steps); at each rung a child goes on only when it is among the best 1/eta of
// the trials that reached that rung, and a stopped child continues from its saved state once
// enough later trials rank below it. Judged on validation accuracy, against earlier batches only
// (core's history), so the decisions are a function of the stored results in trial order.
import { RESOURCES, SuccessiveHalving, definePlugin, z } from '@coex/core';

const PLUGIN_NAME = '@coex/plugin-scheduler-asha';

export const ashaOptions = z.object({
  /** What a rung measures: epochs (fractional inside an epoch), training images seen, or optimiser steps. */
  resource: z.enum(RESOURCES).default('epochs'),
  /** The first rung (in the resource's unit). */
  minResource: z.number().positive().default(1),
  /** eta: each rung keeps the best 1/eta and sits eta times further than the one before. */
  reductionFactor: z.number().int().min(2).default(3),
  /** Brackets of minimum resource minResource * eta^b; trial seq goes to bracket seq mod brackets. */
  brackets: z.number().int().min(1).max(16).default(1),
  /** Where training ends (no rung at or beyond it); default: wherever the trainer's own schedule ends. */
  maxResource: z.number().positive().optional(),
  /** Continue stopped children once they rank among the best 1/eta of their rung (false: stop for good). */
  promote: z.boolean().default(true),
});

export type AshaOptions = z.output<typeof ashaOptions>;

export function createAsha(options: AshaOptions): SuccessiveHalving {
  const scheduler = new SuccessiveHalving({
    name: 'ASHA',
    resource: options.resource,
    minResource: options.minResource,
    reductionFactor: options.reductionFactor,
    ...(options.maxResource !== undefined ? { maxResource: options.maxResource } : {}),
    bracketOf: (seq) => seq % options.brackets,
  });
  if (!options.promote) scheduler.promote = () => [];
  return scheduler;
}

const { version } = require('../package.json') as { version: string };

export default definePlugin({
  name: PLUGIN_NAME,
  version,
  role: 'scheduler',
  description: 'Asynchronous successive halving (ASHA) over epochs, images or steps, with promotions from saved state',
  options: ashaOptions,
  apply(ctx, options) {
    ctx.provide('scheduler', () => createAsha(options));
  },
});
