// Roles: *which* implementation does a job. Each role has a token (for the inversify container),
// an interface, and the prefix that addresses its options everywhere (configs, --set, presets).
// A role is filled by exactly one plugin; hooks extend stages but never replace a role.
import type {
  Architecture,
  Candidate,
  CurvePoint,
  Decision,
  DatasetInfo,
  DatasetSplits,
  HardwareDesign,
  HardwareMetrics,
  HardwareSpec,
  Metrics,
  Proposal,
  Trial,
  TrainingResult,
  TrialStatus,
} from './types';

export const ROLE_NAMES = [
  'controller',
  'space',
  'hardware',
  'dataset',
  'trainer',
  'executor',
  'reward',
  'store',
  'scheduler',
] as const;
export type RoleName = (typeof ROLE_NAMES)[number];

/** Top-level config sections that are not roles: the hardware spec, budgets, and run settings. */
export const RESERVED_PREFIXES = ['spec', 'budget'] as const;

/** Container tokens, one per role. */
export const ROLE: { readonly [R in RoleName]: symbol } = Object.freeze(
  Object.fromEntries(ROLE_NAMES.map((r) => [r, Symbol.for(`coex.role.${r}`)])) as { [R in RoleName]: symbol },
);

export function isRoleName(name: string): name is RoleName {
  return (ROLE_NAMES as readonly string[]).includes(name);
}

/** The decisions a controller samples: the network's, then the hardware's (empty if not searched). */
export interface DecisionSpace {
  arch: readonly Decision[];
  hw: readonly Decision[];
}

/** What the controller learns from one finished trial (given in trial order). */
export interface Feedback {
  seq: number;
  proposal: Proposal;
  status: TrialStatus;
  reward: number;
  metrics: Metrics;
}

export interface Controller {
  /** How many proposals are asked for, then told back, per update. Part of the run's determinism. */
  readonly batchSize: number;
  init(space: DecisionSpace): void | Promise<void>;
  ask(count: number): Promise<Proposal[]> | Proposal[];
  tell(feedback: Feedback[]): Promise<void> | void;
  /** Optional: a JSON-serialisable snapshot, saved after every update so resume continues it. */
  getState?(): unknown | Promise<unknown>;
  setState?(state: unknown): void | Promise<void>;
  /** Optional: free resources (e.g. tensors) at the end of the run. */
  close?(): void | Promise<void>;
}

export interface SearchSpace {
  decisions(): readonly Decision[];
  decode(tokens: readonly number[]): Architecture;
  /** The most layers a decoded architecture can have (hardware models size their decisions by it). */
  readonly maxLayers: number;
  /** Optional preflight: throw a UserError when an input is missing (e.g. a cell table); run once before the run folder is made. */
  check?(): void | Promise<void>;
}

export interface TuneResult {
  design: HardwareDesign;
  metrics: HardwareMetrics;
}

export interface HardwareModel {
  readonly name: string;
  /** Hardware decisions a controller samples; empty when the design is fixed or tuned per network. */
  designSpace(space: { maxLayers: number }): readonly Decision[];
  /** The design for a candidate: decoded from sampled tokens, or tuned, or the fixed design. */
  propose(architecture: Architecture, tokens: readonly number[], spec: HardwareSpec): HardwareDesign | Promise<HardwareDesign>;
  evaluate(architecture: Architecture, design: HardwareDesign): HardwareMetrics;
  /** Best design for a network within the model's space, subject to the spec (undefined: none fits). */
  tune?(architecture: Architecture, spec: HardwareSpec): TuneResult | undefined;
  /** Optional preflight (see SearchSpace.check). */
  check?(): void | Promise<void>;
  /** Optional: named layer tables (e.g. SCALE-Sim topologies) this model ships, name -> file; `coex hw --topology <name>`. */
  topologies?(): Record<string, string>;
}

export interface Dataset {
  info(): DatasetInfo;
  load(options: { seed: number }): Promise<DatasetSplits>;
  /** Optional preflight: cheaply check that the data is there (files exist, right format), with the install hint if not. */
  check?(): void | Promise<void>;
}

export interface TrainRequest {
  seq: number;
  seed: number;
  architecture: Architecture;
  signal?: AbortSignal;
  /**
   * Called with each intermediate result (every epoch and every `reportEvery` steps); resolves to
   * true when a scheduler stopped the trial: the trainer then saves its state to `checkpointDir`
   * and returns at once with `stopped: true`. Absent: nothing listens.
   */
  report?: (point: CurvePoint) => Promise<boolean>;
  /** Folder (in the run's folder, keyed by trial) where the trainer saves its state when stopped. */
  checkpointDir?: string;
  /** Continue from this saved state (a promoted trial) instead of training from scratch. */
  resumeFrom?: string;
}

export interface Trainer {
  train(request: TrainRequest): Promise<TrainingResult>;
  /** Optional, lookup-table trainers: the architecture keys the table answers (a space may restrict itself to them). */
  architectureKeys?(): readonly string[];
  /** Optional preflight: check the trainer's own inputs (a table, an executable). */
  check?(): void | Promise<void>;
  close?(): Promise<void>;
  /** The ONNX model (serialised ModelProto) of a network this trainer saved (`savedTo` of its result). */
  toOnnx?(savedTo: string, architecture: Architecture): Promise<Uint8Array>;
  /**
   * For a trainer whose accuracies are estimates (a supernet's scores): the trainer that trains a
   * candidate stand-alone, which `coex finalize` uses. Absent: this trainer trains for real.
   */
  standAlone?(overrides: { epochs?: number; saveDir?: string }): Trainer;
}

export interface Executor {
  /** Trials trained at once. */
  readonly concurrency: number;
  /** Trains one child; a rejection fails that trial (not the run). */
  train(request: TrainRequest): Promise<TrainingResult & { worker?: string }>;
  close(): Promise<void>;
}

/** A scheduler's answer at an intermediate result: stop the trial, and why. */
export interface StopVerdict {
  reason: string;
  /** The resource the trial had used, in the scheduler's unit (epochs or images). */
  resource?: number;
}

/**
 * Early stopping and multi-fidelity (median rule, ASHA, Hyperband). Its answers must be a function
 * of its arguments only: `history` holds the final trials of earlier batches as they stood when
 * this batch started, in trial order, so the same stored results give the same decisions.
 */
export interface Scheduler {
  /** At an intermediate result of `trial` (whose `curve` ends with `point`): a verdict stops it. */
  judge(point: CurvePoint, trial: Trial, history: readonly Trial[]): StopVerdict | undefined;
  /** Stopped trials of earlier batches to continue (from their saved state) in this batch, by seq. */
  promote?(history: readonly Trial[]): number[];
}

export interface RewardFunction {
  /** The scalar reward of a trial (pruned trials included); `reward` hook taps may adjust it. */
  compute(trial: Trial, spec: HardwareSpec): number;
}

export interface RunRecord {
  id: string;
  preset?: string;
  seed: number;
  status: 'running' | 'finished' | 'interrupted' | 'failed';
  schemaVersion: number;
  coexVersion: string;
  createdAt: string;
  finishedAt?: string;
  config: unknown;
  summary?: unknown;
}

export interface StoredControllerState {
  batch: number;
  state: unknown;
}

export interface StoredEvent {
  at: string;
  type: string;
  seq?: number;
  data?: unknown;
}

/**
 * Experiment store: everything a run produces, written as it arrives. One store may hold several
 * runs (an ablation study keeps all of its arms in one).
 */
export interface Store {
  readonly location: string;
  putRun(run: RunRecord): Promise<void>;
  getRun(runId: string): Promise<RunRecord | undefined>;
  listRuns(): Promise<RunRecord[]>;
  /** Insert or replace the trial with this run id and seq: a trial is stored once. */
  putTrial(runId: string, trial: Trial): Promise<void>;
  listTrials(runId: string): Promise<Trial[]>;
  appendEvent(runId: string, event: StoredEvent): Promise<void>;
  listEvents(runId: string): Promise<StoredEvent[]>;
  putControllerState(runId: string, state: StoredControllerState): Promise<void>;
  getControllerState(runId: string): Promise<StoredControllerState | undefined>;
  close(): Promise<void>;
}

/** The interface behind each role's token. */
export interface RoleTypes {
  controller: Controller;
  space: SearchSpace;
  hardware: HardwareModel;
  dataset: Dataset;
  trainer: Trainer;
  executor: Executor;
  reward: RewardFunction;
  store: Store;
  scheduler: Scheduler;
}

export type { Candidate };
