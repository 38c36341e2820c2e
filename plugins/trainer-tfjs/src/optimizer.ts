// tfjs optimizers by name, with a learning rate that the schedule can change between steps.
import * as tf from '@tensorflow/tfjs';
import type { OptimizerName } from './options';

/** Momentum of the 'momentum' optimizer (heavy ball, the usual 0.9). */
export const SGD_MOMENTUM = 0.9;

export function createOptimizer(name: OptimizerName, learningRate: number): tf.Optimizer {
  switch (name) {
    case 'sgd':
      return tf.train.sgd(learningRate);
    case 'momentum':
      return tf.train.momentum(learningRate, SGD_MOMENTUM);
    case 'adam':
      return tf.train.adam(learningRate);
    case 'rmsprop':
      return tf.train.rmsprop(learningRate);
  }
}

/** SGD and momentum cache -lr as a tensor (setLearningRate); Adam and RMSProp read the field each step. */
export function setLearningRate(optimizer: tf.Optimizer, learningRate: number): void {
  const target = optimizer as tf.Optimizer & { learningRate: number; setLearningRate?: (lr: number) => void };
  if (target.setLearningRate) target.setLearningRate(learningRate);
  else target.learningRate = learningRate;
}

/** Frees the optimizer's state; MomentumOptimizer.dispose forgets the -lr scalar its SGD base keeps. */
export function disposeOptimizer(optimizer: tf.Optimizer): void {
  optimizer.dispose();
  const cached = (optimizer as unknown as { c?: tf.Tensor }).c;
  if (optimizer instanceof tf.MomentumOptimizer && cached && !cached.isDisposed) cached.dispose();
}
