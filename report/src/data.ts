// What a report is made of, read through core: a study folder (study.json and its one store) or a
// run folder (config.json and its store, shown as one arm). Only final trials count: trials that
// were in flight when a run stopped are not results.
import { isFinal, type ResolvedConfig, type RunRecord, type Trial } from '@coex/core';
import { openRunStore } from '@coex/core/host';
import { isStudyDir, openStudyStore, studyRunConfig } from '@coex/core/host';

export interface RunData {
  id: string;
  seed: number;
  status: RunRecord['status'] | 'not started';
  trials: Trial[];
}

export interface ArmData {
  label: string;
  preset?: string;
  /** The arm's overrides (study arms only). */
  sets: string[];
  config: ResolvedConfig;
  runs: RunData[];
}

export interface ReportInput {
  dir: string;
  kind: 'study' | 'run';
  arms: ArmData[];
  seeds: number[];
  budget: { equal: boolean; candidates?: number; trained?: number };
  createdAt?: string;
}

const finalTrials = (trials: Trial[]) => trials.filter((t) => isFinal(t.status)).sort((a, b) => a.seq - b.seq);

export async function loadReportInput(dir: string): Promise<ReportInput> {
  return isStudyDir(dir) ? loadStudy(dir) : loadRun(dir);
}

async function loadStudy(dir: string): Promise<ReportInput> {
  const { store, study, runs: records } = await openStudyStore(dir);
  try {
    const arms: ArmData[] = [];
    for (const arm of study.arms) {
      const runs: RunData[] = [];
      for (const entry of study.runs.filter((r) => r.arm === arm.label)) {
        const record = records.find((r) => r.id === entry.id);
        runs.push({
          id: entry.id,
          seed: studyRunConfig(study, entry).seed,
          status: record?.status ?? 'not started',
          trials: record ? finalTrials(await store.listTrials(entry.id)) : [],
        });
      }
      arms.push({ label: arm.label, preset: arm.config.preset ?? arm.preset, sets: arm.sets, config: arm.config, runs });
    }
    return { dir, kind: 'study', arms, seeds: study.seeds, budget: study.budget, createdAt: study.createdAt };
  } finally {
    await store.close();
  }
}

async function loadRun(dir: string): Promise<ReportInput> {
  const { store, config, runs: records } = await openRunStore(dir);
  try {
    const runs: RunData[] = [];
    for (const record of records) runs.push({ id: record.id, seed: record.seed, status: record.status, trials: finalTrials(await store.listTrials(record.id)) });
    const arm: ArmData = { label: config.preset ?? 'run', preset: config.preset, sets: [], config, runs };
    return { dir, kind: 'run', arms: [arm], seeds: [...new Set(runs.map((r) => r.seed))], budget: { equal: true }, createdAt: records[0]?.createdAt };
  } finally {
    await store.close();
  }
}
