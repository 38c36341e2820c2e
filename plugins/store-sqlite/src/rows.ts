// Records <-> table rows. Absent optional fields are NULL in a row and absent again when read.
import type {
  Candidate,
  CurvePoint,
  HardwareMetrics,
  Metrics,
  RunRecord,
  StoredControllerState,
  StoredEvent,
  TrainingResult,
  Trial,
  TrialStatus,
  Violation,
} from '@coex/core';
import { UserError, messageOf } from '@coex/core';
import { assignDefined, extraFields, fromJson, fromSqlNumber, toJson, toSqlNumber } from './codec';

type Row = Record<string, unknown>;

const TRIAL_FIELDS = [
  'seq', 'batch', 'seed', 'status', 'candidate', 'hardware', 'violations', 'prunedReason', 'training',
  'error', 'metrics', 'reward', 'timings', 'worker', 'startedAt', 'finishedAt', 'curve',
] as const;

export function trialToRow(runId: string, trial: Trial): Row {
  return {
    run_id: runId,
    seq: trial.seq,
    batch: toSqlNumber(trial.batch),
    status: trial.status,
    seed: toSqlNumber(trial.seed),
    candidate: toJson(trial.candidate),
    metrics: toJson(trial.metrics),
    hardware: toJson(trial.hardware),
    training: toJson(trial.training),
    pruned_reason: trial.prunedReason ?? null,
    violations: toJson(trial.violations),
    error: trial.error ?? null,
    reward: toSqlNumber(trial.reward),
    timings: toJson(trial.timings),
    worker: trial.worker ?? null,
    started_at: trial.startedAt ?? null,
    finished_at: trial.finishedAt ?? null,
    extra: extraFields(trial, TRIAL_FIELDS),
    curve: toJson(trial.curve),
  };
}

/** `file` names the store in the error a damaged JSON column gives (with the trial and the column). */
export function trialFromRow(row: Row, file = 'the store'): Trial {
  const json = (column: string) => {
    try {
      return fromJson(row[column]);
    } catch (error) {
      throw new UserError(`store file ${file}: trial ${String(row.seq)} of run ${String(row.run_id)} is damaged: its ${column} column is not valid JSON (${messageOf(error)})`);
    }
  };
  const trial = {
    ...(json('extra') as object | undefined),
    seq: fromSqlNumber(row.seq) as number,
    batch: fromSqlNumber(row.batch) as number,
    seed: fromSqlNumber(row.seed) as number,
    status: row.status as TrialStatus,
    candidate: json('candidate') as Candidate,
    metrics: json('metrics') as Metrics,
    timings: json('timings') as Record<string, number>,
  };
  return assignDefined(trial as Trial, {
    hardware: json('hardware') as HardwareMetrics | undefined,
    violations: json('violations') as Violation[] | undefined,
    prunedReason: row.pruned_reason ?? undefined,
    training: json('training') as TrainingResult | undefined,
    error: row.error ?? undefined,
    reward: fromSqlNumber(row.reward),
    worker: row.worker ?? undefined,
    startedAt: row.started_at ?? undefined,
    finishedAt: row.finished_at ?? undefined,
    curve: fromJson(row.curve) as CurvePoint[] | undefined,
  });
}

const RUN_FIELDS = [
  'id', 'preset', 'seed', 'status', 'schemaVersion', 'coexVersion', 'createdAt', 'finishedAt', 'config', 'summary',
] as const;

export function runToRow(run: RunRecord): Row {
  return {
    id: run.id,
    preset: run.preset ?? null,
    seed: toSqlNumber(run.seed),
    status: run.status,
    schema_version: run.schemaVersion,
    coex_version: run.coexVersion,
    created_at: run.createdAt,
    finished_at: run.finishedAt ?? null,
    config: toJson(run.config),
    summary: toJson(run.summary),
    extra: extraFields(run, RUN_FIELDS),
  };
}

export function runFromRow(row: Row): RunRecord {
  const run = {
    ...(fromJson(row.extra) as object | undefined),
    id: row.id as string,
    seed: fromSqlNumber(row.seed) as number,
    status: row.status as RunRecord['status'],
    schemaVersion: row.schema_version as number,
    coexVersion: row.coex_version as string,
    createdAt: row.created_at as string,
    // Required by the type even when it was undefined (stored as NULL).
    config: fromJson(row.config),
  };
  return assignDefined(run as RunRecord, {
    preset: row.preset ?? undefined,
    finishedAt: row.finished_at ?? undefined,
    summary: fromJson(row.summary),
  });
}

export function eventToRow(runId: string, event: StoredEvent): Row {
  return { run_id: runId, at: event.at, type: event.type, seq: toSqlNumber(event.seq), data: toJson(event.data) };
}

export function eventFromRow(row: Row): StoredEvent {
  return assignDefined({ at: row.at as string, type: row.type as string }, { seq: fromSqlNumber(row.seq), data: fromJson(row.data) });
}

export function controllerStateToRow(runId: string, state: StoredControllerState, updatedAt: string): Row {
  return { run_id: runId, batch: toSqlNumber(state.batch), state: toJson(state.state), updated_at: updatedAt };
}

export function controllerStateFromRow(row: Row): StoredControllerState {
  return { batch: fromSqlNumber(row.batch) as number, state: fromJson(row.state) };
}
