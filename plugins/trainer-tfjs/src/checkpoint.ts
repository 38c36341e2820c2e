// A child's training state when a scheduler stops it, so that a promotion continues exactly where
// it stopped: every variable (weights and BatchNorm moving statistics), the optimizer's slots and
// step counters, the position (steps done) and the loss-curve bookkeeping. Float32 values go
// through JSON exactly (a float32 widened to a double prints and parses back to the same bits).
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { CurvePoint } from '@coex/core';
import type { ChainNetwork } from './model';

export const CHECKPOINT_FILE = 'state.json';

interface SavedTensor {
  shape: number[];
  values: number[];
}

export interface TrainingPosition {
  /** Optimiser steps done. */
  step: number;
  epochLoss: number;
  /** Serialised bookkeeping (loss curve, early-stopping state) and the learning curve so far. */
  lossCurve: unknown;
  stopping?: unknown;
  curve: CurvePoint[];
}

interface CheckpointFile extends TrainingPosition {
  format: 'coex-tfjs-checkpoint-1';
  variables: SavedTensor[];
  optimizer: SavedTensor[];
  /** Adam's running powers of beta1 and beta2 (its setWeights recomputes them with pow, which rounds differently). */
  adamPowers?: [number, number];
}

/** Every variable of the network in a fixed order: the weights and the BatchNorm moving statistics. */
function variablesOf(net: ChainNetwork): tf.Variable[] {
  return [
    ...net.blocks.flatMap((b) => [b.kernel, b.bias, b.gamma, b.beta, b.movingMean, b.movingVariance]),
    net.denseKernel,
    net.denseBias,
  ];
}

const save = (t: tf.Tensor): SavedTensor => ({ shape: t.shape, values: Array.from(t.dataSync()) });

interface AdamState {
  accBeta1?: tf.Variable;
  accBeta2?: tf.Variable;
}

/** Runs synchronous tfjs work on the trial's backend (see onBackend). */
type OnBackend = <T>(work: () => T) => T;

/** Writes the state into `dir/step-<step>` (a new folder per stop, so an older one stays valid) and returns that folder. */
export async function saveCheckpoint(dir: string, net: ChainNetwork, optimizer: tf.Optimizer, position: TrainingPosition, on: OnBackend): Promise<string> {
  const weights = await optimizer.getWeights();
  const adam = optimizer as unknown as AdamState;
  const file: CheckpointFile = on(() => {
    const saved: CheckpointFile = {
      format: 'coex-tfjs-checkpoint-1',
      ...position,
      variables: variablesOf(net).map(save),
      optimizer: weights.map((w) => save(w.tensor)),
      ...(adam.accBeta1 && adam.accBeta2 ? { adamPowers: [adam.accBeta1.dataSync()[0], adam.accBeta2.dataSync()[0]] as [number, number] } : {}),
    };
    weights[0]?.tensor.dispose(); // the step counter is a new scalar; the slots are the optimizer's own variables
    return saved;
  });
  const target = path.join(dir, `step-${position.step}`);
  await fs.mkdir(target, { recursive: true });
  // Written to a temporary file and renamed: a crash never leaves a half-written state.
  const tmp = path.join(target, `${CHECKPOINT_FILE}.${process.pid}.tmp`);
  await fs.writeFile(tmp, JSON.stringify(file));
  await fs.rename(tmp, path.join(target, CHECKPOINT_FILE));
  return target;
}

/** Restores a state written by saveCheckpoint into a freshly built network and optimizer of the same shape. */
export async function loadCheckpoint(dir: string, net: ChainNetwork, optimizer: tf.Optimizer, on: OnBackend): Promise<TrainingPosition> {
  const file = JSON.parse(await fs.readFile(path.join(dir, CHECKPOINT_FILE), 'utf8')) as CheckpointFile;
  if (file.format !== 'coex-tfjs-checkpoint-1') throw new Error(`${dir}: not a trainer-tfjs checkpoint`);
  const variables = variablesOf(net);
  if (variables.length !== file.variables.length) {
    throw new Error(`${dir}: the checkpoint holds ${file.variables.length} variables, the network has ${variables.length}`);
  }
  // Slot names are per process; the optimizer matches slots to variables by position, so any name does.
  const tensors = on(() => {
    variables.forEach((v, i) => {
      const saved = file.variables[i];
      if (saved.shape.join('x') !== v.shape.join('x')) throw new Error(`${dir}: variable ${i} has shape ${saved.shape} in the checkpoint, ${v.shape} in the network`);
      tf.tidy(() => v.assign(tf.tensor(saved.values, saved.shape, 'float32')));
    });
    return file.optimizer.map((s, i) => ({ name: i === 0 ? 'iter' : `slot-${i}`, tensor: tf.tensor(s.values, s.shape, 'float32') }));
  });
  if (tensors.length > 0) await optimizer.setWeights(tensors);
  on(() => {
    tf.dispose(tensors.map((t) => t.tensor));
    const adam = optimizer as unknown as AdamState;
    if (file.adamPowers && adam.accBeta1 && adam.accBeta2) {
      tf.tidy(() => {
        adam.accBeta1!.assign(tf.scalar(file.adamPowers![0]));
        adam.accBeta2!.assign(tf.scalar(file.adamPowers![1]));
      });
    }
  });
  return { step: file.step, epochLoss: file.epochLoss, lossCurve: file.lossCurve, stopping: file.stopping, curve: file.curve };
}
