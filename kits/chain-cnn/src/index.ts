// @coex/kit-chain-cnn: the paper's chain CNN as the search space, trainers and hardware models
// share it (geometry, validation, input shapes), and the conv-layer view hardware models cost.
export * from './chain-cnn';
export * from './conv-layers';
