// The library part of this package, without the plugin: the hand-written forward/backward passes
// of a chain CNN, the wasm training kernels and backend choice, model building, optimizers,
// schedules, batching and evaluation, and stand-alone training. Other trainers of chain CNNs
// (@coex/plugin-trainer-supernet) import `@coex/plugin-trainer-tfjs/fast-path` for these, so that
// one fast path serves both and no plugin loads another plugin.
export { backward, forwardInfer, forwardTrain, softmaxCrossEntropy } from './network';
export type { ForwardResult } from './network';
export { asChainCnn, buildChainModel } from './model';
export type { ChainModel, ChainNetwork, ConvBlock, ExplicitPadding } from './model';
export { onBackend, prepareBackend, selectBackend } from './backend';
export type { BackendChoice, BackendName } from './backend';
export { createOptimizer, disposeOptimizer, setLearningRate } from './optimizer';
export { learningRateAt } from './schedule';
export { batchOf, checkDataFits, evaluate, trainChild } from './train-loop';
export type { TfjsTrainingResult } from './train-loop';
export { TfjsTrainer, trainOnce } from './trainer';
export { BACKENDS, OPTIMIZERS, resolveTrainerOptions, trainerOptionsSchema } from './options';
export type { BackendPreference, OptimizerName, TrainerOptions, TrainerOptionsInput } from './options';
export { AbortError, NonFiniteLossError, TimeLimitError } from './errors';
