// @coex/plugin-trainer-torch: trains chain-CNN children with PyTorch, in one persistent Python
// process per executor slot (JSON lines over stdin/stdout; python/coex_torch_worker.py).
import { definePlugin } from '@coex/core';
import { resolveInterpreter } from './interpreter';
import { PLUGIN_NAME, PLUGIN_VERSION, trainerOptionsSchema } from './options';
import { TorchTrainer } from './trainer';

export { PLUGIN_NAME, PLUGIN_VERSION, OPTIMIZERS, SCHEDULES, trainerOptionsSchema } from './options';
export type { TorchTrainerOptions, TorchTrainerOptionsInput } from './options';
export { TorchTrainer, HARD_LIMIT_GRACE } from './trainer';
export type { TorchTrainerSettings, TorchTrainingResult } from './trainer';
export type { CurvePoint } from '@coex/core';
export { DEFAULT_PYTHONS, interpreterCandidates, resolveInterpreter } from './interpreter';
export type { PythonInterpreter } from './interpreter';
export { writeDataFiles, toNchw, MANIFEST_FILE } from './data-files';
export type { DataManifest } from './data-files';
export { TorchProcess, WORKER_SCRIPT } from './worker-process';

export default definePlugin({
  name: PLUGIN_NAME,
  version: PLUGIN_VERSION,
  role: 'trainer',
  description: 'Trains chain-CNN children with PyTorch, one persistent Python process per executor slot',
  options: trainerOptionsSchema,
  apply(ctx, options) {
    // Learning-curve points reach the scheduler through each request's `report` (see TorchTrainer.train).
    ctx.provide('trainer', async (roles) => {
      // First, wherever the trainer is created (the run's preflight, before its folder is made and
      // anything is sampled; or a remote worker): a missing PyTorch is a UserError (exit 2) naming
      // every interpreter tried, not a failed trial per child.
      resolveInterpreter(options.python);
      return new TorchTrainer(await roles.get('dataset'), options, { dataSeed: ctx.seed, baseDir: ctx.outDir, log: (message) => ctx.log(message) });
    });
  },
});
