// The public event stream of a run (`run.events$`): reporters, progress bars and dashboards
// subscribe to it. Every event is typed here, in one place.
import type { RunCounts, RunSummary } from './hooks';
import type { Budget, CurvePoint, Trial } from './types';

export type CoexEvent =
  | { type: 'run-start'; runId: string; resumed: boolean; budget: Budget; counts: RunCounts }
  | { type: 'trial-start'; runId: string; seq: number; batch: number }
  | { type: 'training-start'; runId: string; seq: number }
  | { type: 'trial-report'; runId: string; seq: number; point: CurvePoint; stopped: boolean }
  | { type: 'trial-end'; runId: string; trial: Trial; counts: RunCounts }
  | { type: 'controller-update'; runId: string; batch: number; size: number }
  | { type: 'warning'; runId: string; message: string }
  | { type: 'run-end'; runId: string; summary: RunSummary };

export type CoexEventType = CoexEvent['type'];
