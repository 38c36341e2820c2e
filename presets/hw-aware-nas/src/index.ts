// Hardware-aware NAS, the paper's baseline: one FPGA-pipeline design is fixed before the search and
// only the network is searched, with the same spec pruning and reward. The fixed design is the best
// design the tuner finds for a reference network in the middle of the space
// ([[3,36,1],[5,48,1],[3,48,2],[5,64,1],[3,48,2],[3,64,1]] on 28x28x1: three stages on the default
// pool, 567 images/s); override it with hardware.design.
import { definePreset } from '@coex/core';

export const REFERENCE_DESIGN = {
  stages: [
    { part: 'XC7A50T', layers: [0, 0], tiling: { Tm: 48, Tn: 1, Tr: 28, Tc: 28, Ip: 2, Wp: 2, Op: 4 } },
    { part: 'XC7Z020', layers: [1, 1], tiling: { Tm: 16, Tn: 12, Tr: 28, Tc: 28, Ip: 6, Wp: 5, Op: 5 } },
    { part: 'XC7Z015', layers: [2, -1], tiling: { Tm: 16, Tn: 8, Tr: 16, Tc: 16, Ip: 4, Wp: 8, Op: 4 } },
  ],
};

export default definePreset({
  name: 'hw-aware-nas',
  description: 'Baseline: fixed FPGA-pipeline design (hardware.design), network-only search, same spec and reward',
  extends: 'co-exploration',
  plugins: [['hw-fpga-pipeline', { mode: 'fixed', design: REFERENCE_DESIGN, fixedTiling: 'clamp' }]],
});
