// Hardware-aware NAS on a systolic array: one array is fixed before the search, SCALE-Sim v2's
// default configuration (`scalesim-32x32-os`: 32 x 32 PEs, output stationary, 64 KB per SRAM), which
// fills exactly the area cap the co-exploring preset searches under; only the network is searched,
// with the same spec, memory interface and reward.
import { definePreset } from '@coex/core';

export default definePreset({
  name: 'hw-aware-nas-systolic',
  description: "Baseline: one fixed systolic array (SCALE-Sim's 32x32 output-stationary default), network-only search, same spec and reward",
  extends: 'co-exploration-systolic',
  plugins: [['hw-systolic-array', { mode: 'fixed', config: 'scalesim-32x32-os' }]],
});
