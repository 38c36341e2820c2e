// Regularized evolution as in NAS-Bench-201's own baseline: population 20, tournament sample 5,
// one-edge mutation; otherwise the same benchmark setup as nb201-random.
import { definePreset } from '@coex/core';

export default definePreset({
  name: 'nb201-evolution',
  description: 'NAS-Bench-201 tabular benchmark: regularized evolution (population 20, sample 5, one-edge mutation)',
  extends: 'nb201-random',
  plugins: [['controller-evolution', { algorithm: 'regularized', population: 20, sample: 5, mutations: 1, batchSize: 1 }]],
});
