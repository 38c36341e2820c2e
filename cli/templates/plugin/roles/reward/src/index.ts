// A reward function: the scalar a controller maximises, computed for every final trial (pruned
// and failed ones included). This one is the validation accuracy, with a fixed penalty for
// trials that were pruned or failed. Other plugins may still adjust it through the `reward` hook.
import { definePlugin, z, type HardwareSpec, type RewardFunction, type Trial } from '@coex/core';

const PLUGIN_NAME = '__PACKAGE_NAME__';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('../package.json') as { version: string };

export class AccuracyOrPenalty implements RewardFunction {
  constructor(private readonly penalty: number) {}

  compute(trial: Trial, _spec: HardwareSpec): number {
    const accuracy = trial.metrics.accuracy;
    return trial.status === 'done' && typeof accuracy === 'number' ? accuracy : this.penalty;
  }
}

export default definePlugin({
  name: PLUGIN_NAME,
  version,
  role: 'reward',
  // The @coex/core versions this plugin works with (checked when Coex loads it).
  coex: '__CORE_RANGE__',
  description: 'Validation accuracy, a penalty for pruned and failed trials (a template reward)',
  options: z.object({
    /** Reward of a pruned or failed trial. */
    penalty: z.number().max(0).default(-1),
  }),
  apply(ctx, options) {
    ctx.provide('reward', () => new AccuracyOrPenalty(options.penalty));
  },
});
