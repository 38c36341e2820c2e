// A plugin that fills no role and taps a hook: it prunes chain CNNs with more trainable parameters
// than `maxParams`, before they are trained. `prune` is a bail hook: the first tap that returns a
// verdict drops the candidate, and later taps are not asked.
import { definePlugin, z } from '@coex/core';
import { describeChainCnn, isChainCnn } from '@coex/kit-chain-cnn';

const PLUGIN_NAME = '__PACKAGE_NAME__';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('../package.json') as { version: string };

export default definePlugin({
  name: PLUGIN_NAME,
  version,
  // The @coex/core versions this plugin works with (checked when Coex loads it).
  coex: '__CORE_RANGE__',
  description: 'Prunes networks with too many parameters (a template hook plugin)',
  options: z.object({
    /** Trainable parameters a network may have. */
    maxParams: z.number().int().positive().default(100000),
  }),
  apply(ctx, options) {
    // Stage 10: after core's own spec check (stage 0), so a spec violation is reported first.
    ctx.hooks.prune.tap({ name: PLUGIN_NAME, stage: 10 }, (candidate) => {
      if (!isChainCnn(candidate.architecture)) return undefined;
      const { params } = describeChainCnn(candidate.architecture);
      return params > options.maxParams ? { reason: `${params} parameters, over maxParams ${options.maxParams}` } : undefined;
    });
  },
});
