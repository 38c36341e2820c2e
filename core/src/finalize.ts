// Retraining the best candidates of a run's front (`coex finalize`, and trainers that score
// candidates with estimates, such as a supernet, at the end of their run): the most accurate
// trials of the front are trained again and the results written beside the search's, to
// <run>/finalize.json after every model so that an interruption keeps what finished.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { summarizeTrials, type ParetoEntry } from './results';
import type { Trainer } from './roles';
import type { Objective, Trial, TrainingResult } from './types';

export const FINALIZE_FILE = 'finalize.json';

export interface FinalizedTrial {
  trial: number;
  /** The accuracy the search recorded (an estimate when the search's trainer scored rather than trained). */
  searchAccuracy: number | undefined;
  metrics: ParetoEntry['metrics'];
  candidate: ParetoEntry['candidate'];
  final: TrainingResult;
  /** The ONNX file written beside the model (`coex finalize --onnx`). */
  onnx?: string;
}

/** The trainer that trains a candidate for real: the trainer's stand-alone one when it has one. */
export function standAloneTrainer(trainer: Trainer, overrides: { epochs?: number; saveDir?: string } = {}): Trainer {
  return trainer.standAlone?.(overrides) ?? trainer;
}

/** The `top` most accurate trials of the front of `objectives`, most accurate first. */
export function finalizeCandidates(trials: readonly Trial[], objectives: readonly Objective[], top: number): ParetoEntry[] {
  const { pareto } = summarizeTrials(trials, objectives);
  return [...pareto].sort((a, b) => (b.metrics.accuracy ?? 0) - (a.metrics.accuracy ?? 0)).slice(0, top);
}

/** Trains each chosen entry and writes <runDir>/finalize.json after each; returns the results. */
export async function finalizeTrials(
  chosen: readonly ParetoEntry[],
  trainer: Trainer,
  where: {
    runDir: string;
    epochs: number | undefined;
    saveDir: string | undefined;
    log?: (message: string) => void;
    /** More fields for a trained entry's result (e.g. the ONNX file written from its model). */
    extend?: (entry: ParetoEntry, final: TrainingResult) => Promise<Partial<FinalizedTrial>>;
  },
): Promise<FinalizedTrial[]> {
  const results: FinalizedTrial[] = [];
  for (const entry of chosen) {
    where.log?.(`finalizing trial ${entry.trial}`);
    const final = await trainer.train({ seq: entry.trial, seed: entry.seed, architecture: entry.candidate.architecture });
    const extra = (await where.extend?.(entry, final)) ?? {};
    results.push({ trial: entry.trial, searchAccuracy: entry.metrics.accuracy, metrics: entry.metrics, candidate: entry.candidate, final, ...extra });
    fs.writeFileSync(path.join(where.runDir, FINALIZE_FILE),
      JSON.stringify({ at: new Date().toISOString(), epochs: where.epochs, saveDir: where.saveDir, results }, null, 2) + '\n');
  }
  return results;
}
