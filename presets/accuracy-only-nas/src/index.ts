// Accuracy-only NAS, the baseline of FNAS: the search sees accuracy only (no pruning, no hardware
// tokens, reward = validation accuracy); the best FPGA-pipeline design for each trained network is
// found by the tuner, and spec-report lists the networks that miss the spec, and by how much.
import { definePreset } from '@coex/core';

export default definePreset({
  name: 'accuracy-only-nas',
  description: 'Baseline: accuracy-only search; best FPGA design per network found afterwards; spec violations reported',
  extends: 'co-exploration',
  plugins: [
    ['hw-fpga-pipeline', { mode: 'tune' }],
    '!reward-weighted',
    ['spec-report', { minThroughput: 1000 }],
  ],
  config: { spec: { minThroughput: null } },
});
