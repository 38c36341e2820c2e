// Reading a study folder (show, export, report, dashboard, resume): study.json and the study's one
// store. Planning and running studies is @coex/study's.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadResolvedPlugins, type ResolvedConfig } from './config';
import { UserError, messageOf } from './errors';
import type { RunRecord, Store } from './roles';
import { loadRole } from './plugin-host';
import { storeFileOf } from './run-files';
import { openStoreReadOnly } from './store-reader';
import { CORE_VERSION } from './version';

export const STUDY_FILE = 'study.json';
/** The study.json format this core reads and @coex/study writes. */
export const STUDY_FORMAT = 1;

export interface StudyArm {
  label: string;
  /** The preset as given (name or path). */
  preset: string;
  /** The overrides applied to this arm, without the label (the every-arm ones first). */
  sets: string[];
  /** The arm's resolved configuration; each run substitutes its own seed. */
  config: ResolvedConfig;
}

export interface StudyRunEntry {
  id: string;
  arm: string;
  seed: number;
}

export interface StudyBudget {
  /** Every arm has the same candidates and trained-children budgets. */
  equal: boolean;
  /** `--budget`, applied to every arm; absent: each arm kept its preset's. */
  candidates?: number;
  /** `--trained`, applied to every arm. */
  trained?: number;
}

export interface StudyDefinition {
  format: number;
  coexVersion: string;
  createdAt: string;
  arms: StudyArm[];
  seeds: number[];
  /** Run order: seed by seed, every arm within a seed (a study stopped early stays balanced). */
  runs: StudyRunEntry[];
  budget: StudyBudget;
}

export function isStudyDir(dir: string): boolean {
  return fs.existsSync(path.join(dir, STUDY_FILE));
}

/** Reads a study folder's study.json. */
export function readStudy(dir: string): StudyDefinition {
  const file = path.join(dir, STUDY_FILE);
  if (!fs.existsSync(file)) throw new UserError(`${dir} is not a Coex study folder (no ${STUDY_FILE})`);
  let study: StudyDefinition;
  try {
    study = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UserError(`${file}: unreadable study definition: ${messageOf(error)}`);
  }
  if (!study || !Array.isArray(study.arms) || !Array.isArray(study.seeds) || !Array.isArray(study.runs) || study.arms.length === 0) {
    throw new UserError(`${file}: not a study definition (expected arms, seeds and runs)`);
  }
  if (study.format !== STUDY_FORMAT) throw new UserError(`${file}: study format ${study.format} is not supported by @coex/core ${CORE_VERSION} (expected ${STUDY_FORMAT})`);
  return study;
}

/** The configuration of one arm-seed run: the arm's, with the run's seed. */
export function studyRunConfig(study: StudyDefinition, entry: StudyRunEntry): ResolvedConfig {
  const arm = study.arms.find((a) => a.label === entry.arm);
  if (!arm) throw new UserError(`study run ${entry.id} names arm ${entry.arm}, which the study does not define`);
  return { ...arm.config, seed: entry.seed };
}

/** Opens the study's one store (read-only by default: show, export, report). */
export async function openStudyStore(dir: string, options: { readOnly?: boolean } = {}): Promise<{ store: Store; study: StudyDefinition; runs: RunRecord[] }> {
  const study = readStudy(dir);
  const config = study.arms[0].config;
  let store: Store;
  if (options.readOnly ?? true) store = openStoreReadOnly(storeFileOf(config, dir));
  else {
    store = await loadRole('store', { dir, config, plugins: loadResolvedPlugins(config, dir, (p) => p.role === 'store'), readOnly: false });
  }
  try {
    return { store, study, runs: await store.listRuns() };
  } catch (error) {
    await store.close();
    throw error;
  }
}

