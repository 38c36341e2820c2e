// Toy problems with known optima, and a loop that drives a controller the way core's Run does
// (ask a batch, tell it back in trial order), in microseconds per evaluation.
import { Rng, type Controller, type Decision, type DecisionSpace, type Feedback, type Metrics, type Proposal, type TrialStatus } from '@coex/core';

export function toySpace(archDecisions: number, hwDecisions: number, choices: number): DecisionSpace {
  const decisions = (prefix: string, n: number): Decision[] =>
    Array.from({ length: n }, (_, i) => ({ name: `${prefix}${i}`, choices: Array.from({ length: choices }, (_, c) => c) }));
  return { arch: decisions('a', archDecisions), hw: decisions('h', hwDecisions) };
}

export const genomeOf = (p: Proposal) => [...p.arch, ...p.hw];

/** A target token per decision, drawn from `seed`. */
export function target(space: DecisionSpace, seed: number): number[] {
  const rng = new Rng(seed);
  return [...space.arch, ...space.hw].map((d) => rng.int(d.choices.length));
}

export const matching = (genome: readonly number[], goal: readonly number[]) =>
  genome.filter((t, i) => t === goal[i]).length / goal.length;

export interface Outcome {
  status: TrialStatus;
  reward: number;
  metrics: Metrics;
}

/** Drives `controller` for `evaluations` proposals in batches of its batchSize; returns every trial in order. */
export function drive(
  controller: Controller,
  space: DecisionSpace,
  evaluations: number,
  evaluate: (proposal: Proposal) => Outcome,
): Feedback[] {
  controller.init(space);
  return continueDriving(controller, evaluations, evaluate, 0);
}

/** Like `drive`, for a controller that is already initialised, numbering trials from `firstSeq`. */
export function continueDriving(
  controller: Controller,
  evaluations: number,
  evaluate: (proposal: Proposal) => Outcome,
  firstSeq: number,
): Feedback[] {
  const all: Feedback[] = [];
  while (all.length < evaluations) {
    const proposals = controller.ask(Math.min(controller.batchSize, evaluations - all.length)) as Proposal[];
    const feedback = proposals.map((proposal, i) => ({ seq: firstSeq + all.length + i, proposal, ...evaluate(proposal) }));
    controller.tell(feedback);
    all.push(...feedback);
  }
  return all;
}

/** Uniform random search with the same evaluation count (the baseline to beat). */
export function randomSearch(space: DecisionSpace, evaluations: number, seed: number): Proposal[] {
  const rng = new Rng(seed);
  return Array.from({ length: evaluations }, () => ({
    arch: space.arch.map((d) => rng.int(d.choices.length)),
    hw: space.hw.map((d) => rng.int(d.choices.length)),
  }));
}

export const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
