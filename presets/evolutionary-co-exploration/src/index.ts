// Co-exploration with a multi-objective evolutionary controller: NSGA-II over the network and the
// FPGA-pipeline tokens, selecting on the metric vector (accuracy, throughput, energy efficiency).
import { definePreset } from '@coex/core';

export default definePreset({
  name: 'evolutionary-co-exploration',
  description: 'NSGA-II over network and hardware tokens; objectives accuracy, throughput, energy efficiency',
  extends: 'co-exploration',
  plugins: [['controller-evolution', { algorithm: 'nsga2', population: 8, batchSize: 8 }]],
});
