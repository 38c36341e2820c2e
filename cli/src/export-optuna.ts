// `coex export <run-or-study> --format optuna`: every run as an Optuna study in a journal file.
import { isStudyDir, openRunStore, openStudyStore, optunaJournal, studyRunConfig, type OptunaStudyInput } from '@coex/core/host';
import type { DecisionSpace, Store } from '@coex/core';
import { writeExportFile } from './export-file';

/** The decisions the run's last start or resume recorded. */
async function storedDecisions(store: Store, runId: string): Promise<DecisionSpace | undefined> {
  const events = await store.listEvents(runId);
  for (const event of events.reverse()) {
    const decisions = (event.data as { decisions?: DecisionSpace } | undefined)?.decisions;
    if ((event.type === 'run-start' || event.type === 'run-resume') && Array.isArray(decisions?.arch) && Array.isArray(decisions?.hw)) return decisions;
  }
  return undefined;
}

async function studiesOf(dir: string): Promise<OptunaStudyInput[]> {
  const out: OptunaStudyInput[] = [];
  if (isStudyDir(dir)) {
    const { store, study, runs } = await openStudyStore(dir);
    try {
      for (const entry of study.runs) {
        if (!runs.some((r) => r.id === entry.id)) continue; // not started yet
        const config = studyRunConfig(study, entry);
        out.push({
          name: entry.id,
          objectives: config.objectives,
          trials: await store.listTrials(entry.id),
          decisions: await storedDecisions(store, entry.id),
          attrs: { run: entry.id, arm: entry.arm, seed: entry.seed, preset: config.preset },
        });
      }
    } finally {
      await store.close();
    }
    return out;
  }
  const { store, config, runs } = await openRunStore(dir);
  try {
    for (const run of runs) {
      out.push({
        name: runs.length === 1 && run.preset ? `${run.preset}/seed${run.seed}` : run.id,
        objectives: config.objectives,
        trials: await store.listTrials(run.id),
        decisions: await storedDecisions(store, run.id),
        attrs: { run: run.id, seed: run.seed, preset: run.preset },
      });
    }
  } finally {
    await store.close();
  }
  return out;
}

export async function exportOptuna(dir: string, out: string | undefined): Promise<void> {
  const studies = await studiesOf(dir);
  const text = optunaJournal(studies);
  if (!out) return void process.stdout.write(text);
  writeExportFile(out, text);
  const trials = studies.reduce((n, s) => n + s.trials.length, 0);
  process.stderr.write(`coex: wrote ${studies.length} Optuna stud${studies.length === 1 ? 'y' : 'ies'} (${trials} trials) to ${out}\n`);
}
