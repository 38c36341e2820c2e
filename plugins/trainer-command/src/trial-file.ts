// The file a trial's command reads: what to train (the architecture), with which seed, on which
// data. Versioned by `format` so scripts can check what they were given.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Architecture, type InputShape } from '@coex/core';
import { describeChainCnn, isChainCnn } from '@coex/kit-chain-cnn';
import type { ExportedSplits } from './dataset-export';

export const TRIAL_FORMAT = 'coex-trial/1';
export const TRIAL_FILE = 'arch.json';

/** The run's dataset as the command sees it (present when a plugin of the run fills the dataset role). */
export interface TrialDataset {
  name: string;
  shape: InputShape;
  classes: number;
  /** The dataset plugin and its options, so a script can load the same data itself. */
  plugin?: string;
  options?: Record<string, unknown>;
  /** The run's splits as .npy files (with `trainer.exportData`). */
  files?: ExportedSplits;
}

export interface TrialFile {
  format: typeof TRIAL_FORMAT;
  seq: number;
  /** The trial's seed: seed the weights and the data order with it. */
  seed: number;
  architecture: Architecture;
  /** Trainable parameters Coex counts for a chain-cnn (a script can check its model against it). */
  params?: number;
  dataset?: TrialDataset;
  /** The trial's own folder: checkpoints and logs of the command belong here. */
  dir: string;
}

export function trialFile(fields: Omit<TrialFile, 'format' | 'params'>): TrialFile {
  const params = isChainCnn(fields.architecture) ? describeChainCnn(fields.architecture).params : undefined;
  return { format: TRIAL_FORMAT, ...fields, ...(params === undefined ? {} : { params }) };
}

/** Writes the file into the trial folder and returns its path. */
export function writeTrialFile(file: TrialFile): string {
  const target = path.join(file.dir, TRIAL_FILE);
  fs.writeFileSync(target, `${JSON.stringify(file, null, 2)}\n`);
  return target;
}
