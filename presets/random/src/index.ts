// Random search over the same co-exploration space: the floor every controller must beat.
import { definePreset } from '@coex/core';

export default definePreset({
  name: 'random',
  description: 'Uniform random network and hardware tokens; same fast level, training and reward',
  extends: 'co-exploration',
  plugins: [['controller-random', { batchSize: 4 }]],
});
