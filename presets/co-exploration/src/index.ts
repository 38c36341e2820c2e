// The paper's method (Jiang et al., TCAD 2020): an RL controller samples the network and the
// FPGA-pipeline design together; the fast level re-tunes a sampled design that misses the spec and
// prunes what cannot meet it; survivors are trained on Fashion-MNIST; the reward weighs accuracy
// against throughput. See docs/presets.md for every choice.
import { definePreset } from '@coex/core';

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
});
