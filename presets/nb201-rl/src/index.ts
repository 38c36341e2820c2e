// The paper's RL controller on the NAS-Bench-201 tabular benchmark; otherwise as nb201-random.
import { definePreset } from '@coex/core';

export default definePreset({
  name: 'nb201-rl',
  description: 'NAS-Bench-201 tabular benchmark: LSTM REINFORCE controller',
  extends: 'nb201-random',
  plugins: [['controller-rl', { batchSize: 4 }]],
});
