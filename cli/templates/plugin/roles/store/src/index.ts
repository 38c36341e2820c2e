// A store: keeps everything a run produces, as it arrives (runs, trials, events, the controller's
// state), so results can be shown, exported and resumed. This one keeps them in memory (nothing
// survives the process); write them to a file or a database instead to persist them.
import { definePlugin, z, type RunRecord, type Store, type StoredControllerState, type StoredEvent, type Trial } from '@coex/core';

const PLUGIN_NAME = '__PACKAGE_NAME__';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { version } = require('../package.json') as { version: string };

/** Copies through JSON: what a store hands back must not share objects with the run. */
const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value));

export class InMemoryStore implements Store {
  readonly location = ':memory:';
  private readonly runs = new Map<string, RunRecord>();
  private readonly trials = new Map<string, Map<number, Trial>>();
  private readonly events = new Map<string, StoredEvent[]>();
  private readonly states = new Map<string, StoredControllerState>();

  constructor(private readonly maxEvents: number) {}

  async putRun(run: RunRecord): Promise<void> {
    this.runs.set(run.id, copy(run));
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    const run = this.runs.get(runId);
    return run && copy(run);
  }

  async listRuns(): Promise<RunRecord[]> {
    return [...this.runs.values()].map(copy);
  }

  /** A trial is stored once per (run, seq): a later write replaces the earlier one. */
  async putTrial(runId: string, trial: Trial): Promise<void> {
    if (!this.trials.has(runId)) this.trials.set(runId, new Map());
    this.trials.get(runId)!.set(trial.seq, copy(trial));
  }

  async listTrials(runId: string): Promise<Trial[]> {
    return [...(this.trials.get(runId)?.values() ?? [])].sort((a, b) => a.seq - b.seq).map(copy);
  }

  async appendEvent(runId: string, event: StoredEvent): Promise<void> {
    const list = this.events.get(runId) ?? [];
    list.push(copy(event));
    if (list.length > this.maxEvents) list.splice(0, list.length - this.maxEvents);
    this.events.set(runId, list);
  }

  async listEvents(runId: string): Promise<StoredEvent[]> {
    return (this.events.get(runId) ?? []).map(copy);
  }

  async putControllerState(runId: string, state: StoredControllerState): Promise<void> {
    this.states.set(runId, copy(state));
  }

  async getControllerState(runId: string): Promise<StoredControllerState | undefined> {
    const state = this.states.get(runId);
    return state && copy(state);
  }

  async close(): Promise<void> {
    /* nothing to release */
  }
}

export default definePlugin({
  name: PLUGIN_NAME,
  version,
  role: 'store',
  // The @coex/core versions this plugin works with (checked when Coex loads it).
  coex: '__CORE_RANGE__',
  description: 'Keeps runs and trials in memory (a template store)',
  options: z.object({
    /** Events kept per run (the oldest are dropped). */
    maxEvents: z.number().int().positive().default(10000),
  }),
  apply(ctx, options) {
    ctx.provide('store', () => new InMemoryStore(options.maxEvents));
  },
});
