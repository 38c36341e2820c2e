// Optuna's journal storage (Optuna 3.1 `optuna/storages/_journal/storage.py`): one JSON operation
// per line, replayed by `JournalStorage(JournalFileStorage(path))`. Each Coex run becomes one
// Optuna study; each trial one CREATE_TRIAL operation carrying all of it, as Optuna's own
// `study.add_trial` writes it. Numbers follow the stored order, so Optuna's trial number is
// Coex's trial seq when seqs run 0, 1, 2, ...
import type { Decision } from './types';
import type { DecisionSpace } from './roles';
import type { Objective, Trial } from './types';

/** `JournalOperation` of Optuna 3.1. */
export const JOURNAL_OP = {
  CREATE_STUDY: 0,
  SET_STUDY_USER_ATTR: 2,
  SET_STUDY_SYSTEM_ATTR: 3,
  CREATE_TRIAL: 4,
} as const;

/** `StudyDirection` (MINIMIZE = 1, MAXIMIZE = 2). */
const DIRECTION = { min: 1, max: 2 } as const;
/** `TrialState`. */
export const TRIAL_STATE = { RUNNING: 0, COMPLETE: 1, PRUNED: 2, FAIL: 3, WAITING: 4 } as const;

const WORKER_ID = 'coex-export';

export interface OptunaStudyInput {
  /** Study name: `<arm>/seed<s>` in a Coex study, else the preset and seed or the run id. */
  name: string;
  objectives: readonly Objective[];
  trials: readonly Trial[];
  /** The run's decisions (from its run-start event); absent for runs stored before they were kept. */
  decisions?: DecisionSpace;
  /** Study user attributes (run id, preset, seed). */
  attrs?: Record<string, unknown>;
}

interface Param {
  name: string;
  /** Optuna's `distribution_to_json` of a CategoricalDistribution. */
  distribution: string;
}

const categorical = (choices: readonly (number | string)[]) =>
  JSON.stringify({ name: 'CategoricalDistribution', attributes: { choices } });

/**
 * One parameter per token: the decision's name and choices; without stored decisions `arch[i]` /
 * `hw[i]` over the token indices seen (Optuna requires one distribution per name in a study).
 */
function paramsOf(trials: readonly Trial[], decisions: DecisionSpace | undefined): { arch: Param[]; hw: Param[] } {
  const named = (list: readonly Decision[], taken: Set<string>, prefix: string) =>
    list.map((d) => ({ name: taken.has(d.name) ? `${prefix}.${d.name}` : d.name, distribution: categorical(d.choices) }));
  if (decisions) {
    const arch = named(decisions.arch, new Set(), 'arch');
    return { arch, hw: named(decisions.hw, new Set(arch.map((p) => p.name)), 'hw') };
  }
  const seen = (key: 'arch' | 'hw'): Param[] => {
    const most: number[] = [];
    for (const t of trials) t.candidate.tokens[key].forEach((v, i) => (most[i] = Math.max(most[i] ?? 0, v)));
    return most.map((m, i) => ({ name: `${key}[${i}]`, distribution: categorical(Array.from({ length: m + 1 }, (_, j) => j)) }));
  };
  return { arch: seen('arch'), hw: seen('hw') };
}

/** Python's `datetime.fromisoformat` (3.9+) reads this: naive, microseconds; Coex stores UTC. */
function pythonTime(iso: string | undefined): string | null {
  if (!iso) return null;
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? null : d.toISOString().replace('Z', '000');
}

/** The Optuna state and objective values of a trial. */
function stateOf(trial: Trial, objectives: readonly Objective[]): { state: number; values?: number[]; note?: string } {
  switch (trial.status as string) {
    case 'done': {
      const values = objectives.map((o) => trial.metrics[o.metric]);
      if (values.every((v): v is number => typeof v === 'number' && Number.isFinite(v))) return { state: TRIAL_STATE.COMPLETE, values };
      const missing = objectives.filter((_, i) => !Number.isFinite(values[i])).map((o) => o.metric);
      // Optuna's COMPLETE needs every value; Coex leaves such a trial off its front too.
      return { state: TRIAL_STATE.FAIL, note: `trained, but without a finite value for ${missing.join(', ')}` };
    }
    case 'pruned':
    case 'stopped':
      return { state: TRIAL_STATE.PRUNED };
    case 'failed':
      return { state: TRIAL_STATE.FAIL };
    case 'training':
      return { state: TRIAL_STATE.RUNNING };
    case 'pending':
      return { state: TRIAL_STATE.WAITING };
    default:
      return { state: TRIAL_STATE.FAIL, note: `Coex status "${trial.status}" has no Optuna state` };
  }
}

/** Learning-curve points (`trial.curve`, when the trainer recorded one) as step -> validation accuracy. */
function intermediateValues(trial: Trial): Record<string, number> {
  const curve = (trial as Trial & { curve?: { step: number; accuracy: number }[] }).curve;
  const out: Record<string, number> = {};
  for (const p of Array.isArray(curve) ? curve : []) {
    if (Number.isInteger(p?.step) && typeof p.accuracy === 'number' && Number.isFinite(p.accuracy)) out[String(p.step)] = p.accuracy;
  }
  return out;
}

/** Drops undefined fields (JSON would drop them anyway; this keeps user_attrs tidy). */
const defined = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

function trialOp(studyId: number, trial: Trial, objectives: readonly Objective[], params: { arch: Param[]; hw: Param[] }): Record<string, unknown> {
  const { state, values, note } = stateOf(trial, objectives);
  const distributions: Record<string, string> = {};
  const internal: Record<string, number> = {};
  for (const key of ['arch', 'hw'] as const) {
    trial.candidate.tokens[key].forEach((token, i) => {
      const p = params[key][i];
      if (!p) return; // more tokens than decisions: not a param Optuna could check
      distributions[p.name] = p.distribution;
      internal[p.name] = token;
    });
  }
  const finished = state !== TRIAL_STATE.RUNNING && state !== TRIAL_STATE.WAITING;
  const complete = finished ? pythonTime(trial.finishedAt) ?? pythonTime(trial.startedAt) : null;
  return {
    op_code: JOURNAL_OP.CREATE_TRIAL,
    worker_id: WORKER_ID,
    study_id: studyId,
    datetime_start: pythonTime(trial.startedAt),
    ...(complete ? { datetime_complete: complete } : {}),
    state,
    // As Optuna writes it: `value` for one objective, `values` for several.
    ...(values && values.length > 1 ? { value: null, values } : { value: values?.[0] ?? null, values: null }),
    distributions,
    params: internal,
    user_attrs: defined({
      trial: trial.seq,
      status: trial.status,
      network: trial.candidate.architecture,
      design: trial.candidate.design,
      hardware: trial.hardware,
      reward: typeof trial.reward === 'number' && Number.isFinite(trial.reward) ? trial.reward : undefined,
      metrics: trial.metrics,
      seed: trial.seed,
      pruned_reason: trial.prunedReason,
      error: trial.error,
      note,
    }),
    system_attrs: {},
    intermediate_values: intermediateValues(trial),
  };
}

/** The journal (JSON lines) of the given runs, one Optuna study each, in order. */
export function optunaJournal(studies: readonly OptunaStudyInput[]): string {
  const ops: Record<string, unknown>[] = [];
  studies.forEach((study, studyId) => {
    ops.push({ op_code: JOURNAL_OP.CREATE_STUDY, worker_id: WORKER_ID, study_name: study.name, directions: study.objectives.map((o) => DIRECTION[o.goal]) });
    // Optuna 3.2+ and optuna-dashboard label objectives from this system attribute.
    ops.push({ op_code: JOURNAL_OP.SET_STUDY_SYSTEM_ATTR, worker_id: WORKER_ID, study_id: studyId, system_attr: { 'study:metric_names': study.objectives.map((o) => o.metric) } });
    for (const [key, value] of Object.entries(study.attrs ?? {})) {
      if (value !== undefined) ops.push({ op_code: JOURNAL_OP.SET_STUDY_USER_ATTR, worker_id: WORKER_ID, study_id: studyId, user_attr: { [key]: value } });
    }
    const params = paramsOf(study.trials, study.decisions);
    for (const trial of [...study.trials].sort((a, b) => a.seq - b.seq)) ops.push(trialOp(studyId, trial, study.objectives, params));
  });
  return ops.map((op) => JSON.stringify(op)).join('\n') + (ops.length ? '\n' : '');
}
