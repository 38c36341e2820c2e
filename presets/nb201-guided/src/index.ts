// Predictor-guided regularized evolution on NAS-Bench-201 (BANANAS-style): the evolution controller
// breeds a batch of 20 children (parents by tournament over all trained cells), predictor-ensemble queries the one with the highest expected
// improvement in validation accuracy and prunes the other 19 by prediction (not queries); pruned
// children do not join the population. The first batch (20 random cells) is queried in full,
// as the predictor prunes nothing before `minTrained` trained trials. Otherwise as nb201-evolution,
// so the same `--set trainer.* / hardware.* / space.*` options apply.
import { definePreset } from '@coex/core';

export default definePreset({
  name: 'nb201-guided',
  description: 'NAS-Bench-201 tabular benchmark: predictor-guided regularized evolution (breed 20, query the predicted best)',
  extends: 'nb201-evolution',
  plugins: [
    // A population of 150 (every trained cell of a 150-query run: no aging) with tournaments of 20:
    // parents are drawn from near the top of all trained cells (BANANAS mutates the best trained
    // cells). Population 20 / tournament 5 got stuck in a local region in 2 of seeds 1-10; this
    // finds the best-by-validation cell in 17 of seeds 1-20 (docs/predictor.md).
    ['controller-evolution', { algorithm: 'regularized', population: 150, sample: 20, mutations: 1, batchSize: 20, skipPruned: true }],
    // Ranks by validation accuracy alone (the benchmark's score); no dominance pruning on latency.
    // One hidden layer of 16, 100 epochs, refit after every 10 % growth of the trained set: about a
    // minute of CPU per 150-query run on the full table (measured: docs/predictor.md).
    ['predictor-ensemble', { keep: 1, minTrained: 20, prune: false, acquisition: 'ei', objectives: ['accuracy'], hidden: [16], epochs: 100, refitGrowth: 1.1 }],
  ],
});
