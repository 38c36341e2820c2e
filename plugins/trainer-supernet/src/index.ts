// @coex/plugin-trainer-supernet: one-shot scoring of chain-CNN children. A weight-sharing supernet
// trains once per run (resumable from its checkpoint in the run's folder); each candidate is scored
// by inheriting its weights. With finalizeTopK, the most accurate candidates of the final front are
// retrained stand-alone at the end of the run, so the accuracies a user reads as final are real.
import * as path from 'node:path';
import { definePlugin, finalizeCandidates, finalizeTrials } from '@coex/core';
import { PLUGIN_NAME, PLUGIN_VERSION, supernetOptionsSchema, type SupernetOptions } from './options';
import { SupernetTrainer } from './trainer';

export { BATCH_NORM_MODES, PLUGIN_NAME, perWidthNorm, recalibrates, supernetOptionsSchema } from './options';
export type { BatchNormMode } from './options';
export type { SupernetOptions, SupernetOptionsInput } from './options';
export { SupernetTrainer, CHECKPOINT_FILE } from './trainer';
export type { SupernetTrainerSettings, SupernetTrainingResult } from './trainer';
export { buildSupernet, disposeSupernet, finalResolutions, gradientsToSupernet, normFor, sliceSubnetwork } from './supernet';
export type { Supernet, SupernetShape, Subnetwork, SuperNorm } from './supernet';
export { trainSupernet, plannedSteps } from './train';
export type { SupernetTrainingRequest, SupernetTrainingSummary } from './train';
export { calibrationBatches, recalibrate, scoreSubnetwork } from './score';
export { sandwich, allowedChoices } from './sampling';
export { readCheckpoint, writeCheckpoint } from './checkpoint';

const supernetPlugin = definePlugin({
  name: PLUGIN_NAME,
  version: PLUGIN_VERSION,
  role: 'trainer',
  description: 'Scores chain-CNN children with a weight-sharing supernet trained once per run; retrains the top of the front stand-alone',
  options: supernetOptionsSchema,
  apply(ctx, options) {
    let trainer: SupernetTrainer | undefined;
    ctx.provide('trainer', async (roles) => {
      trainer = new SupernetTrainer(await roles.get('dataset'), options, { seed: ctx.seed, outDir: ctx.outDir, log: (message) => ctx.log(message) });
      return trainer;
    });
    if (options.finalizeTopK === 0) return;
    ctx.hooks.runEnd.tapPromise(PLUGIN_NAME, async (summary) => {
      if (summary.status !== 'finished' || !trainer) return;
      const trials = await (await ctx.roles.get('store')).listTrials(ctx.runId);
      const chosen = finalizeCandidates(trials, ctx.config.objectives, options.finalizeTopK);
      if (chosen.length === 0) return;
      const standAlone = trainer.standAlone();
      try {
        const results = await finalizeTrials(chosen, standAlone, {
          runDir: ctx.outDir, epochs: undefined, saveDir: options.saveDir ? path.resolve(ctx.outDir, options.saveDir) : undefined,
          log: (message) => ctx.log(`${PLUGIN_NAME}: ${message} stand-alone`),
        });
        ctx.log(`${PLUGIN_NAME}: retrained ${results.length} candidates of the front stand-alone (finalize.json): ` +
          results.map((r) => `trial ${r.trial} supernet ${(r.searchAccuracy ?? NaN).toFixed(3)} -> ${r.final.accuracy.toFixed(3)}`).join(', '));
      } finally {
        await standAlone.close?.();
      }
    });
  },
});

export default supernetPlugin;

/** Options with defaults filled in, validated as the plugin does, for callers outside a run (benchmarks, tests). */
export function resolveSupernetOptions(input: unknown = {}, prefix = 'trainer'): SupernetOptions {
  return supernetPlugin.parse(input, { prefix });
}
