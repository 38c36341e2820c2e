// What the dashboard shows, computed from one read of the store: the runs (status, progress), every
// trial as a flat row (compact network and design, metrics, curve), and the numbers of the report's
// analysis (fronts, hypervolume over trained children, stage times), plus hypervolume over the
// training seconds spent. Runs of a study keep their arm; a run folder is one arm.
import { isFinal, type ResolvedConfig, type RunRecord, type Store, type Trial } from '@coex/core';
import type { StudyDefinition } from '@coex/core/host';
import { analyse, armColors, describeDesign, describeNetwork, type ArmData, type ReportInput } from '@coex/report';

/** One trial as the page's table and charts read it (GET /api/trials is an array of these). */
export interface TrialRow {
  run: string;
  arm: string;
  seed: number;
  seq: number;
  status: string;
  accuracy: number | null;
  throughput: number | null;
  energyEfficiency: number | null;
  latency: number | null;
  power: number | null;
  reward: number | null;
  /** Compact network, e.g. `3x36 5x48/2`. */
  network: string;
  /** Compact hardware design, e.g. `XC7Z020[0-2] XC7A50T[3-6]`. */
  design: string;
  feasible: boolean | null;
  prunedReason?: string;
  error?: string;
  /** Seconds spent training this trial (timings.train). */
  trainSeconds: number;
  timings: Record<string, number>;
  curve?: { step: number; epoch: number; accuracy: number; loss: number }[];
  startedAt?: string;
  finishedAt?: string;
  candidate: Trial['candidate'];
  metrics: Trial['metrics'];
}

export interface RunSummary {
  id: string;
  arm: string;
  seed: number;
  status: RunRecord['status'] | 'not started';
  counts: Record<string, number>;
  budget: ResolvedConfig['budget'];
  /** Fraction of the budget used: candidates sampled, or trained children when that cap comes first. */
  progress: number;
  bestAccuracy: number | null;
}

export interface Summary {
  dir: string;
  kind: 'run' | 'study';
  /** Bumped whenever the store changed. */
  revision: number;
  updatedAt: string;
  arms: { label: string; color: string; preset?: string }[];
  runs: RunSummary[];
  objectives: ResolvedConfig['objectives'];
  spec: ResolvedConfig['spec'];
  /** Per arm, over its runs: the report's hypervolume curve (mean, band) over trained children. */
  hypervolume: Record<string, { k: number; mean: number; lo: number; hi: number }[]>;
  /** Per run: hypervolume against training seconds summed over its trained children. */
  hypervolumeBySeconds: { arm: string; run: string; seconds: number; hypervolume: number }[];
  /** Per arm: seconds summed per stage. */
  stageSeconds: Record<string, Record<string, number>>;
  /** Per arm, seeds pooled: the trials on the accuracy-vs-metric front. */
  fronts: Record<string, Record<string, { run: string; trial: number }[]>>;
  notes: string[];
}

/** The folder's layout: a run's config, or a study's arms and runs. */
export type Layout =
  | { kind: 'run'; config: ResolvedConfig }
  | { kind: 'study'; study: StudyDefinition };

export interface StoreRead {
  records: RunRecord[];
  trials: Map<string, Trial[]>;
}

export async function readStore(store: Store): Promise<StoreRead> {
  const records = await store.listRuns();
  const trials = new Map<string, Trial[]>();
  for (const r of records) trials.set(r.id, await store.listTrials(r.id));
  return { records, trials };
}

/** Changes whenever a run's status or a trial's status, result or timing changes. */
export function fingerprint(read: StoreRead): string {
  return JSON.stringify(read.records.map((r) => [r.id, r.status, (read.trials.get(r.id) ?? []).map((t) => [t.seq, t.status, t.finishedAt ?? '', curveOf(t)?.length ?? 0])]));
}

/** The learning curve a trainer recorded (`trial.curve`, issue 14), when there is one. */
function curveOf(t: Trial): TrialRow['curve'] | undefined {
  const curve = (t as Trial & { curve?: unknown }).curve;
  return Array.isArray(curve) && curve.length ? (curve as TrialRow['curve']) : undefined;
}

const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function trialRow(arm: string, run: string, t: Trial): TrialRow {
  return {
    run,
    arm,
    seed: t.seed,
    seq: t.seq,
    status: t.status,
    accuracy: num(t.metrics.accuracy),
    throughput: num(t.metrics.throughput ?? t.hardware?.throughput),
    energyEfficiency: num(t.metrics.energyEfficiency ?? t.hardware?.energyEfficiency),
    latency: num(t.metrics.latency ?? t.hardware?.latency),
    power: num(t.metrics.power ?? t.hardware?.power),
    reward: num(t.reward),
    network: describeNetwork(t.candidate.architecture),
    design: describeDesign(t.candidate.design),
    feasible: typeof t.hardware?.feasible === 'boolean' ? t.hardware.feasible : null,
    ...(t.prunedReason ? { prunedReason: t.prunedReason } : {}),
    ...(t.error ? { error: t.error } : {}),
    trainSeconds: (t.timings?.train ?? 0) / 1000,
    timings: t.timings ?? {},
    ...(curveOf(t) ? { curve: curveOf(t) } : {}),
    ...(t.startedAt ? { startedAt: t.startedAt } : {}),
    ...(t.finishedAt ? { finishedAt: t.finishedAt } : {}),
    candidate: t.candidate,
    metrics: t.metrics,
  };
}

/** Each run of the folder with its arm, seed and config, in the study's order (records order for a run). */
function runEntries(layout: Layout, records: RunRecord[]): { id: string; arm: string; seed: number; config: ResolvedConfig; preset?: string }[] {
  if (layout.kind === 'run') {
    const label = layout.config.preset ?? 'run';
    return records.map((r) => ({ id: r.id, arm: label, seed: r.seed, config: layout.config, preset: layout.config.preset }));
  }
  return layout.study.runs.map((entry) => {
    const arm = layout.study.arms.find((a) => a.label === entry.arm)!;
    return { id: entry.id, arm: entry.arm, seed: entry.seed, config: { ...arm.config, seed: entry.seed }, preset: arm.config.preset ?? arm.preset };
  });
}

function progressOf(budget: ResolvedConfig['budget'], counts: Record<string, number>, status: RunSummary['status']): number {
  if (status === 'finished') return 1;
  const sampled = counts.sampled / Math.max(1, budget.candidates);
  const trained = budget.trained ? (counts.trained + counts.failed) / budget.trained : 0;
  return Math.min(1, Math.max(sampled, trained));
}

export function buildSnapshot(dir: string, layout: Layout, read: StoreRead, revision: number): { summary: Summary; trials: TrialRow[] } {
  const entries = runEntries(layout, read.records);
  const armLabels = [...new Set(layout.kind === 'study' ? layout.study.arms.map((a) => a.label) : entries.map((e) => e.arm))];
  if (armLabels.length === 0) armLabels.push(layout.kind === 'run' ? layout.config.preset ?? 'run' : 'arm');
  const colors = armColors(armLabels);
  const trials: TrialRow[] = [];
  const runs: RunSummary[] = [];
  const arms: ArmData[] = armLabels.map((label) => {
    const first = entries.find((e) => e.arm === label);
    const config = first?.config ?? (layout.kind === 'run' ? layout.config : layout.study.arms.find((a) => a.label === label)!.config);
    return { label, preset: first?.preset, sets: [], config, runs: [] };
  });
  for (const entry of entries) {
    const record = read.records.find((r) => r.id === entry.id);
    const all = read.trials.get(entry.id) ?? [];
    for (const t of all) trials.push(trialRow(entry.arm, entry.id, t));
    const final = all.filter((t) => isFinal(t.status)).sort((a, b) => a.seq - b.seq);
    const counts = { sampled: 0, pruned: 0, trained: 0, failed: 0, training: 0, other: 0 };
    for (const t of all) {
      if (t.status === 'pruned') counts.pruned++;
      else if (t.status === 'done') counts.trained++;
      else if (t.status === 'failed') counts.failed++;
      else if (t.status === 'training' || t.status === 'pending') counts.training++;
      else counts.other++;
      if (t.status !== 'pending' && t.status !== 'training') counts.sampled++;
    }
    const status = record?.status ?? 'not started';
    const accuracies = final.filter((t) => t.status === 'done').map((t) => num(t.metrics.accuracy)).filter((a): a is number => a !== null);
    runs.push({
      id: entry.id, arm: entry.arm, seed: entry.seed, status, counts, budget: entry.config.budget,
      progress: progressOf(entry.config.budget, counts, status),
      bestAccuracy: accuracies.length ? Math.max(...accuracies) : null,
    });
    arms[armLabels.indexOf(entry.arm)].runs.push({ id: entry.id, seed: entry.seed, status, trials: final });
  }
  const input: ReportInput = {
    dir, kind: layout.kind, arms, seeds: [...new Set(entries.map((e) => e.seed))],
    budget: layout.kind === 'study' ? layout.study.budget : { equal: true },
  };
  const numbers = analyse(input);
  const hypervolumeBySeconds = numbers.arms.flatMap((arm) => arm.runs.flatMap((run) => {
    const trained = (arms.find((a) => a.label === arm.label)!.runs.find((r) => r.id === run.id)?.trials ?? [])
      .filter((t) => t.status === 'done' || t.status === 'failed');
    let seconds = 0;
    return run.curve.map((hypervolume, i) => {
      seconds += (trained[i]?.timings?.train ?? 0) / 1000;
      return { arm: arm.label, run: run.id, seconds, hypervolume };
    });
  }));
  const fronts: Summary['fronts'] = {};
  for (const plane of numbers.planes) {
    fronts[plane.metric] = Object.fromEntries(Object.entries(plane.fronts).map(([label, points]) => [label, points.map((p) => ({ run: p.run, trial: p.trial }))]));
  }
  const baseConfig = arms[0].config;
  return {
    summary: {
      dir,
      kind: layout.kind,
      revision,
      updatedAt: new Date().toISOString(),
      arms: armLabels.map((label, i) => ({ label, color: colors[i], ...(arms[i].preset ? { preset: arms[i].preset } : {}) })),
      runs,
      objectives: baseConfig.objectives,
      spec: baseConfig.spec ?? {},
      hypervolume: Object.fromEntries(Object.entries(numbers.hypervolume.curves).map(([k, v]) => [k, v.map(({ k: x, mean, lo, hi }) => ({ k: x, mean, lo, hi }))])),
      hypervolumeBySeconds,
      stageSeconds: Object.fromEntries(numbers.arms.map((a) => [a.label, a.stageSeconds])),
      fronts,
      // The report's notes on unfinished runs suggest resuming them; here they are simply live.
      notes: numbers.notes.filter((n) => !/ is (running|not started)|has not started/.test(n)),
    },
    trials,
  };
}
