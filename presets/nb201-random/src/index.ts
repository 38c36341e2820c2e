// NAS-Bench-201 as a tabular benchmark: every query looks the cell's accuracy up in a CSV export
// (trainer-tabular) and its FPGA latency in HW-NAS-Bench's (hw-tabular, energy = 7 W x latency),
// so a search takes seconds. Coex ships no benchmark table: give one with --set trainer.csv=...
// --set hardware.csv=... (docs/presets.md shows the columns); the space searches the cells of the
// trainer's table unless --set space.cellsCsv=... lists others. The budget counts queries (trained
// candidates). The reward is the validation accuracy alone; a latency cap (spec.maxLatency) and the
// weighted reward are options.
import { definePreset } from '@coex/core';

export default definePreset({
  name: 'nb201-random',
  description: 'NAS-Bench-201 tabular benchmark with HW-NAS-Bench FPGA latency: random search over the cell space',
  plugins: [
    ['controller-random', { batchSize: 1 }],
    ['space-nasbench201', { dedupe: 'isomorphism' }],
    'trainer-tabular',
    ['hw-tabular', { powerWatts: 7 }],
    'store-sqlite',
  ],
  config: {
    seed: 1,
    budget: { candidates: 3000, trained: 300 },
    objectives: [{ metric: 'accuracy', goal: 'max' }, { metric: 'latency', goal: 'min' }],
  },
});
