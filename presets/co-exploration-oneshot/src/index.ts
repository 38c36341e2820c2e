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
});
