// The data types every role and hook shares. Declared once here; plugins extend the open
// interfaces (HardwareMetrics, TrainingResult, Metrics) through `declare module '@coex/core'`.

/** One choice a controller makes: a name and the list of options it picks from by index. */
export interface Decision {
  readonly name: string;
  readonly choices: readonly (number | string)[];
}

/** Input tensor shape, height x width x channels. */
export interface InputShape {
  height: number;
  width: number;
  channels: number;
}

/**
 * A network the trainer can build and a hardware model can cost. `kind` says which family it
 * belongs to (the paper's `chain-cnn`, or a plugin's own kind such as `nb201-cell`).
 */
export interface Architecture {
  kind: string;
  [key: string]: unknown;
}

/** One layer of the paper's chain CNN: Conv2D(bias, same padding) -> ReLU -> BatchNorm. */
export interface ConvLayerSpec {
  kernel: number;
  filters: number;
  stride: number;
}

export interface ChainCnnArchitecture extends Architecture {
  kind: 'chain-cnn';
  input: InputShape;
  classes: number;
  layers: ConvLayerSpec[];
}

/** A hardware model's own record of a design (FPGA stages and tilings, array shape, ...). */
export interface HardwareDesign {
  model: string;
  [key: string]: unknown;
}

/**
 * What a hardware model computes for (architecture, design). Units: throughput in images/s,
 * latency in seconds, power in watts, energyEfficiency in GOPS/W. `feasible` is false when the
 * design does not fit its resources; `infeasible` then says why.
 */
export interface HardwareMetrics {
  feasible: boolean;
  infeasible?: string[];
  throughput?: number;
  latency?: number;
  power?: number;
  energyEfficiency?: number;
  gops?: number;
  cycles?: number;
  [key: string]: unknown;
}

/** The hardware specification a candidate must meet (any combination; absent = no limit). */
export interface HardwareSpec {
  minThroughput?: number;
  maxLatency?: number;
  maxPower?: number;
  minEnergyEfficiency?: number;
}

/** One violated limit of the spec. */
export interface Violation {
  limit: keyof HardwareSpec | 'resources';
  required?: number;
  actual?: number;
  message: string;
}

/** What the controller proposes: token indices for the architecture and hardware decisions. */
export interface Proposal {
  arch: number[];
  hw: number[];
}

/** A candidate after decoding: the network plus (when hardware is in the loop) its design. */
export interface Candidate {
  tokens: Proposal;
  architecture: Architecture;
  design?: HardwareDesign;
}

/**
 * One intermediate result of a child's training (a learning-curve point): validation accuracy
 * (0..1) and loss after `step` optimiser steps, `epoch` epochs (fractional inside an epoch) and,
 * when the trainer knows it, `images` training images seen.
 */
export interface CurvePoint {
  step: number;
  epoch: number;
  accuracy: number;
  loss: number;
  images?: number;
}

/** The result of training one child. Accuracies are fractions in 0..1. */
export interface TrainingResult {
  accuracy: number;
  /** Intermediate results in order (the learning curve). */
  curve?: CurvePoint[];
  /** True when the trainer stopped on a scheduler's verdict (accuracy is then the last point's). */
  stopped?: boolean;
  /** Where the trainer saved its state (weights, optimizer, position) when it stopped, to continue from. */
  checkpoint?: string;
  /** Training images seen in this call. */
  images?: number;
  testAccuracy?: number;
  loss?: number;
  lossCurve?: number[];
  params?: number;
  seconds?: number;
  /**
   * CPU seconds the training took, when the trainer measures them (trainer-torch: its Python
   * process's CPU time); summed over the trial's promotions. Wall seconds are `timings.train`.
   */
  cpuSeconds?: number;
  backend?: string;
  [key: string]: unknown;
}

/** Flat metric vector used for Pareto fronts and multi-objective controllers. */
export interface Metrics {
  accuracy?: number;
  testAccuracy?: number;
  throughput?: number;
  latency?: number;
  power?: number;
  energyEfficiency?: number;
  [key: string]: number | undefined;
}

export type TrialStatus = 'pending' | 'pruned' | 'training' | 'done' | 'failed' | 'stopped';

/** One candidate's life, as stored. `seq` is the trial's sequence number within its run. */
export interface Trial {
  seq: number;
  batch: number;
  seed: number;
  status: TrialStatus;
  candidate: Candidate;
  hardware?: HardwareMetrics;
  violations?: Violation[];
  prunedReason?: string;
  training?: TrainingResult;
  /** Intermediate results (validation accuracy and loss) as training went. */
  curve?: CurvePoint[];
  /** Why a scheduler stopped it (status `stopped`), and the resource it had used then. */
  stoppedReason?: string;
  resource?: number;
  /** Batches in which a scheduler continued this stopped trial from its saved state, and from which step. */
  promotions?: { batch: number; fromStep: number }[];
  error?: string;
  metrics: Metrics;
  reward?: number;
  /** Milliseconds spent per stage (sample, fastEvaluate, prune, train, reward). */
  timings: Record<string, number>;
  worker?: string;
  startedAt?: string;
  finishedAt?: string;
}

/** A trial is final when it will never run again: resume keeps it as it is. */
export function isFinal(status: TrialStatus): boolean {
  return status === 'done' || status === 'pruned' || status === 'failed' || status === 'stopped';
}

/** Objective for Pareto fronts and multi-objective controllers. */
export interface Objective {
  metric: string;
  goal: 'max' | 'min';
}

export interface Budget {
  /** Candidates sampled (pruned ones included). */
  candidates: number;
  /** Optional cap on trained children; the run ends at whichever comes first. */
  trained?: number;
  /** Optional wall-clock limit in seconds; no new batch starts after it. */
  timeLimit?: number;
  /** Optional cap on training seconds summed over trials; no new batch starts after it. */
  trainSeconds?: number;
  /**
   * Optional cap on training CPU seconds summed over trials (`training.cpuSeconds`; a trial without
   * it counts its train-stage wall seconds); no new batch starts after it.
   */
  trainCpuSeconds?: number;
  /** Optional cap on training images seen, summed over trials; no new batch starts after it. */
  images?: number;
}

/** Dataset tensors as plain arrays (NHWC float32 in 0..1 after normalisation) to cross threads. */
export interface DataSplit {
  x: Float32Array;
  y: Int32Array;
  count: number;
}

export interface DatasetInfo {
  name: string;
  shape: InputShape;
  classes: number;
}

export interface DatasetSplits extends DatasetInfo {
  train: DataSplit;
  validation: DataSplit;
  test?: DataSplit;
}
