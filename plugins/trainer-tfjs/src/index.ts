// @coex/plugin-trainer-tfjs: trains chain-CNN children with TensorFlow.js. tfjs-node when it is
// installed, else the wasm backend with the training kernels this plugin adds, else cpu.
import { definePlugin } from '@coex/core';
import { PLUGIN_NAME, PLUGIN_VERSION, trainerOptionsSchema } from './options';
import { TfjsTrainer } from './trainer';

export { PLUGIN_NAME, BACKENDS, OPTIMIZERS, SCHEDULES, resolveTrainerOptions, trainerOptionsSchema } from './options';
export type { BackendPreference, OptimizerName, ScheduleName, TrainerOptions, TrainerOptionsInput } from './options';
export { TfjsTrainer, trainOnce } from './trainer';
export type { TfjsTrainerSettings, TrainOnceOptions } from './trainer';
export type { TfjsTrainingResult } from './train-loop';
export { AbortError, NonFiniteLossError, TimeLimitError } from './errors';
export { buildChainModel } from './model';
export type { ChainModel } from './model';
export { loadTfjsNode, onBackend, prepareBackend, selectBackend } from './backend';
export type { BackendChoice, BackendName } from './backend';
export { registerWasmTrainingKernels } from './wasm-kernels';
export { saveModel, loadSavedModel, fileLoadHandler, MODEL_FILE, WEIGHTS_FILE } from './save';
export { chainCnnOnnx, readSavedWeights, savedModelToOnnx, ONNX_INPUT, ONNX_IR_VERSION, ONNX_OPSET, ONNX_OUTPUT } from './onnx';
export type { SavedWeights } from './onnx';

export default definePlugin({
  name: PLUGIN_NAME,
  version: PLUGIN_VERSION,
  role: 'trainer',
  description: 'Trains chain-CNN children with TensorFlow.js (tfjs-node, else wasm with added training kernels, else cpu)',
  options: trainerOptionsSchema,
  apply(ctx, options) {
    ctx.provide('trainer', async (roles) =>
      new TfjsTrainer(await roles.get('dataset'), options, { dataSeed: ctx.seed, baseDir: ctx.outDir, log: (message) => ctx.log(message) }),
    );
  },
});
