// Co-exploration on the second hardware family: the RL controller samples the network and a
// systolic array (rows, columns, dataflow, the three SRAM sizes) together, under an area cap of
// 1,024 PEs and 192 KB of SRAM (the size of SCALE-Sim's default array) and a DRAM interface of
// 8 words per cycle, so that the array's shape and buffers matter; the spec and the reward are the
// FPGA preset's, with a throughput floor that a mid-space network meets on the default array
// (2,096 images/s for [[3,36,1],[5,48,1],[3,48,2],[5,64,1],[3,48,2],[3,64,1]] at 28x28).
// See docs/presets.md for every choice.
import { definePreset } from '@coex/core';

/** The area the arrays of every systolic preset share, and the array's memory interface. */
export const AREA = { maxPEs: 1024, maxSramKB: 192, bandwidth: 8 };

export default definePreset({
  name: 'co-exploration-systolic',
  description: 'RL samples network and systolic-array tokens (rows, columns, dataflow, SRAMs) under an area cap; spec pruning; weighted reward; Fashion-MNIST',
  extends: 'co-exploration',
  plugins: [
    [
      'hw-systolic-array',
      {
        mode: 'sample',
        ...AREA,
        // Every SRAM choice fits the cap; 3 of the 16 array shapes exceed it (32x64, 64x32, 64x64)
        // and are pruned, which the controller learns to avoid.
        rowChoices: [8, 16, 32, 64],
        colChoices: [8, 16, 32, 64],
        sramKBChoices: [16, 32, 64],
      },
    ],
  ],
  config: { spec: { minThroughput: 1500 } },
});
