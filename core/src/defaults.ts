// What fills a role when no plugin of the run does: in-process training, accuracy as the reward,
// and an in-memory store (nothing persisted; every shipped preset uses the SQLite store plugin).
import type { Executor, RewardFunction, Store, StoredControllerState, StoredEvent, RunRecord, Trainer, TrainRequest } from './roles';
import type { Trial } from './types';

export class InProcessExecutor implements Executor {
  readonly concurrency = 1;
  constructor(private readonly trainer: Trainer) {}
  train(request: TrainRequest) {
    return this.trainer.train(request);
  }
  async close(): Promise<void> {
    await this.trainer.close?.();
  }
}

/** Pruned and failed trials get the penalty; trained ones (stopped ones too) their last validation accuracy. */
export class AccuracyReward implements RewardFunction {
  constructor(private readonly penalty = -1) {}
  compute(trial: Trial): number {
    return (trial.status === 'done' || trial.status === 'stopped') && typeof trial.metrics.accuracy === 'number' ? trial.metrics.accuracy : this.penalty;
  }
}

export class MemoryStore implements Store {
  readonly location = ':memory:';
  private runs = new Map<string, RunRecord>();
  private trials = new Map<string, Map<number, Trial>>();
  private events = new Map<string, StoredEvent[]>();
  private states = new Map<string, StoredControllerState>();
  private clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));

  async putRun(run: RunRecord) { this.runs.set(run.id, this.clone(run)); }
  async getRun(id: string) { const r = this.runs.get(id); return r && this.clone(r); }
  async listRuns() { return [...this.runs.values()].map(this.clone); }
  async putTrial(runId: string, trial: Trial) {
    if (!this.trials.has(runId)) this.trials.set(runId, new Map());
    this.trials.get(runId)!.set(trial.seq, this.clone(trial));
  }
  async listTrials(runId: string) {
    return [...(this.trials.get(runId)?.values() ?? [])].sort((a, b) => a.seq - b.seq).map(this.clone);
  }
  async appendEvent(runId: string, event: StoredEvent) {
    if (!this.events.has(runId)) this.events.set(runId, []);
    this.events.get(runId)!.push(this.clone(event));
  }
  async listEvents(runId: string) { return (this.events.get(runId) ?? []).map(this.clone); }
  async putControllerState(runId: string, state: StoredControllerState) { this.states.set(runId, this.clone(state)); }
  async getControllerState(runId: string) { const s = this.states.get(runId); return s && this.clone(s); }
  async close() {}
}
