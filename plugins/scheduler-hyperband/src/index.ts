// Hyperband (Li et al., JMLR 2018) as the `scheduler` role, run asynchronously like Optuna's
// HyperbandPruner: successive halving in s_max + 1 brackets, bracket s starting at
// minResource * eta^s, and trials spread over the brackets in Hyperband's proportions
// n_s = ceil((s_max + 1) / (s_max - s + 1) * eta^(s_max - s)) (most trials in the most aggressive bracket).
// The assignment is by trial seq, so it is the same on every resume.
import { RESOURCES, SuccessiveHalving, definePlugin, z } from '@coex/core';

const PLUGIN_NAME = '@coex/plugin-scheduler-hyperband';

export const hyperbandOptions = z.object({
  resource: z.enum(RESOURCES).default('epochs'),
  minResource: z.number().positive().default(1),
  /** The full training, in the resource's unit: it fixes the number of brackets. */
  maxResource: z.number().positive(),
  reductionFactor: z.number().int().min(2).default(3),
}).refine((o) => o.maxResource > o.minResource, { message: 'must be above minResource', path: ['maxResource'] });

export type HyperbandOptions = z.output<typeof hyperbandOptions>;

/** The bracket of each position of one cycle of trials: bracket s repeated n_s times, s = 0 first. */
export function bracketCycle(minResource: number, maxResource: number, eta: number): number[] {
  const sMax = Math.max(0, Math.floor(Math.log(maxResource / minResource) / Math.log(eta) + 1e-9));
  const cycle: number[] = [];
  for (let s = 0; s <= sMax; s++) {
    const n = Math.ceil(((sMax + 1) / (sMax - s + 1)) * eta ** (sMax - s));
    for (let i = 0; i < n; i++) cycle.push(s);
  }
  return cycle;
}

export function createHyperband(options: HyperbandOptions): SuccessiveHalving {
  const cycle = bracketCycle(options.minResource, options.maxResource, options.reductionFactor);
  return new SuccessiveHalving({
    name: 'Hyperband',
    resource: options.resource,
    minResource: options.minResource,
    reductionFactor: options.reductionFactor,
    maxResource: options.maxResource,
    bracketOf: (seq) => cycle[seq % cycle.length],
  });
}

const { version } = require('../package.json') as { version: string };

export default definePlugin({
  name: PLUGIN_NAME,
  version,
  role: 'scheduler',
  description: 'Hyperband: successive halving in several brackets of minimum resource',
  options: hyperbandOptions,
  apply(ctx, options) {
    ctx.provide('scheduler', () => createHyperband(options));
  },
});
