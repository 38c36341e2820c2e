// Accuracy-only NAS evaluated on a systolic array: the search sees accuracy only (no pruning, no
// hardware tokens, reward = validation accuracy); the tuner finds the best array under the same
// area cap for each trained network, and spec-report lists the networks that miss the spec.
import { definePreset } from '@coex/core';

export default definePreset({
  name: 'accuracy-only-nas-systolic',
  description: 'Baseline: accuracy-only search; best systolic array under the area cap per network found afterwards; spec violations reported',
  extends: 'co-exploration-systolic',
  plugins: [
    ['hw-systolic-array', { mode: 'tune' }], // area cap and memory interface as co-exploration-systolic's,
    '!reward-weighted',
    ['spec-report', { minThroughput: 1500 }],
  ],
  config: { spec: { minThroughput: null } },
});
