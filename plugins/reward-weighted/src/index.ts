// The paper's reward: a weighted sum of normalised accuracy and normalised hardware efficiency,
// with a penalty for pruned and failed trials. Other plugins adjust it through the `reward` hook.
import { UserError, definePlugin, z } from '@coex/core';
import { boundsFromSpec, defaultGoal, missingBoundsMessage, WeightedReward, type WeightedRewardSettings } from './reward';

const PLUGIN_NAME = '@coex/plugin-reward-weighted';

const bounds = z
  .tuple([z.number(), z.number()])
  .refine(([lo, hi]) => Number.isFinite(lo) && Number.isFinite(hi) && lo < hi, 'expected [lo, hi] with finite lo < hi');

export const weightedRewardOptions = z
  .object({
    /** 'weighted': alpha*norm(accuracy) + (1-alpha)*norm(efficiency); 'hardware': norm(efficiency) alone. */
    mode: z.enum(['weighted', 'hardware']).default('weighted'),
    /** Weight of the accuracy term. */
    alpha: z.number().min(0).max(1).default(0.8),
    /** Accuracy (fraction) mapped to -1 and +1: chance level of 10 classes, and perfect. */
    accuracyBounds: bounds.default([0.1, 1.0]),
    /** The hardware-efficiency metric. */
    efficiency: z.string().min(1).default('throughput'),
    /** Default: 'min' for latency and power, 'max' for anything else. */
    efficiencyGoal: z.enum(['max', 'min']).optional(),
    /** [lo, hi] in the metric's units; default derived from the spec's limit on the metric. */
    efficiencyBounds: bounds.optional(),
    /** 'linear' or 'log' (equal ratios count equally; needs lo > 0). */
    efficiencyScale: z.enum(['linear', 'log']).default('linear'),
    /** Reward of pruned and failed trials. */
    penalty: z.number().default(-1),
  })
  .superRefine((o, issues) => {
    if (o.efficiencyScale === 'log' && o.efficiencyBounds && o.efficiencyBounds[0] <= 0) {
      issues.addIssue({ code: 'custom', path: ['efficiencyBounds'], message: 'a log scale needs positive bounds' });
    }
  });

const { version } = require('../package.json') as { version: string };

export default definePlugin({
  name: PLUGIN_NAME,
  version,
  role: 'reward',
  description: 'Weighted normalised reward of accuracy and hardware efficiency, with a penalty for pruned and failed trials',
  options: weightedRewardOptions,
  apply(ctx, options) {
    const settings: WeightedRewardSettings = {
      ...options,
      efficiencyGoal: options.efficiencyGoal ?? defaultGoal(options.efficiency),
      efficiencyBounds: options.efficiencyBounds ?? boundsFromSpec(options.efficiency, ctx.spec),
    };
    // Fail before the first trial when efficiency will be needed but cannot be normalised.
    const hardwareInRun = ctx.config.plugins.some((p) => p.role === 'hardware');
    if (!settings.efficiencyBounds && !ctx.readOnly && (options.mode === 'hardware' || hardwareInRun)) {
      throw new UserError(missingBoundsMessage(options.efficiency));
    }
    ctx.provide('reward', () => new WeightedReward(settings));
  },
});

export {
  DERIVED_SPAN,
  WeightedReward,
  boundsFromSpec,
  defaultGoal,
  normalize,
  type Bounds,
  type Goal,
  type Scale,
  type WeightedRewardSettings,
} from './reward';
