// Every number a report shows, computed from the trials (and written as report.json): counts and
// stage times, the Pareto fronts of each arm, hypervolume curves over trained children, and the
// equal-accuracy comparison of the arms with bootstrap intervals and permutation tests.
import { UserError, checkSpec, deriveSeed, hypervolume, paretoFront, type HardwareSpec, type Objective, type RunCounts, type Trial } from '@coex/core';
import { countTrials, describeDesign, describeNetwork } from '@coex/core/host';
import type { ArmData, ReportInput, RunData } from './data';
import { bootstrapCi, cliffsDelta, hedgesG, mean, permutationFloor, permutationTest, sd, tInterval } from './stats';

export const STAGES = ['sample', 'fastEvaluate', 'prune', 'train', 'reward'] as const;
/** The planes of the Pareto plots: accuracy against each of these hardware metrics (all maximised). */
export const PLANES = [
  { metric: 'throughput', title: 'throughput (images/s)' },
  { metric: 'energyEfficiency', title: 'energy efficiency (GOPS/W)' },
] as const;
export const RESAMPLES = 2000;
/** The seed of the report's own random draws (bootstrap, Monte Carlo permutations). */
export const REPORT_SEED = 2020;

export interface AnalysisOptions {
  /** The arm the others are compared with (default: the first). */
  baseline?: string;
  /** Accuracy threshold of the equal-accuracy comparison (default: the lowest best accuracy of any run). */
  accuracy?: number;
}

export interface RunNumbers {
  id: string;
  seed: number;
  status: RunData['status'];
  counts: RunCounts;
  stageSeconds: Record<string, number>;
  bestAccuracy: number | null;
  /** Trained children (done, failed and stopped), the x axis of the hypervolume curve. */
  trainedChildren: number;
  /** Hypervolume of the run's final front (normalised objectives). */
  hypervolume: number;
  /** Hypervolume after k = 1, 2, ... trained children. */
  curve: number[];
}

export interface ArmNumbers {
  label: string;
  preset?: string;
  sets: string[];
  counts: RunCounts;
  stageSeconds: Record<string, number>;
  runs: RunNumbers[];
}

export interface PlanePoint {
  arm: string;
  run: string;
  seed: number;
  trial: number;
  accuracy: number;
  value: number;
  /** Compact network and design (`3x36 5x48/2`, `XC7Z020[0-2] XC7A50T[3-6]`), for tooltips. */
  network: string;
  design: string;
}

/** A trained trial's accuracy in trial order, with the run's best so far (the accuracy-vs-trial chart). */
export interface TrialAccuracy {
  arm: string;
  run: string;
  seed: number;
  trial: number;
  accuracy: number;
  best: number;
  network: string;
  design: string;
}

export interface FrontPlane {
  metric: string;
  title: string;
  /** Every trained trial with both metrics. */
  trials: PlanePoint[];
  /** Per arm, seeds pooled: the non-dominated trials (accuracy and the metric maximised), by the metric. */
  fronts: Record<string, PlanePoint[]>;
}

export interface CurvePoint {
  k: number;
  mean: number;
  /** 95% Student-t interval of the mean over runs, clipped to [0, 1] (equal to the mean with one run). */
  lo: number;
  hi: number;
  n: number;
}

export interface HypervolumeNumbers {
  objectives: Objective[];
  /** Worst value of each objective over all arms and seeds: the reference point (0 after scaling). */
  reference: Record<string, number>;
  /** Best value of each objective over all arms and seeds (1 after scaling). */
  ideal: Record<string, number>;
  curves: Record<string, CurvePoint[]>;
}

export interface ArmComparison {
  label: string;
  values: { seed: number; run: string; value: number | null }[];
  n: number;
  mean: number | null;
  sd: number | null;
  /** 95% percentile bootstrap interval of the mean over seeds. */
  ci: [number, number] | null;
  /** mean / mean(baseline) - 1, with its bootstrap interval; null for the baseline itself. */
  improvement: { value: number; ci: [number, number] | null } | null;
  /** Two-sided permutation test of the difference in means against the baseline. */
  test: { p: number; exact: boolean; draws: number; /** The smallest p the exact test can give with these numbers of seeds. */ floor: number } | null;
  /** Effect sizes against the baseline (null for the baseline itself; a size is null when undefined). */
  effect: { hedgesG: number | null; cliffsDelta: number | null } | null;
}

/** Per arm, how many of its trained networks miss the study's spec, and by what factor. */
export interface SpecMisses {
  /** The spec checked: the baseline arm's, else the first arm's with one, else spec-report's options. */
  spec: HardwareSpec;
  source: string;
  arms: {
    label: string;
    /** Trained networks (status done) with hardware metrics. */
    trained: number;
    missing: number;
    share: number | null;
    /** How far a missing network is from the spec: required/actual for a minimum, actual/required for a maximum (the worst limit). */
    medianFactor: number | null;
    worstFactor: number | null;
  }[];
}

export interface Comparison {
  metric: string;
  title: string;
  arms: ArmComparison[];
}

export interface BestDesign {
  by: string;
  arm: string;
  run: string;
  seed: number;
  trial: number;
  metrics: Trial['metrics'];
  architecture: Trial['candidate']['architecture'];
  design?: Trial['candidate']['design'];
}

/** Per arm, the best value of a metric at or above each accuracy level: mean over the runs reaching it. */
export interface AccuracyLevels {
  metric: string;
  title: string;
  levels: number[];
  arms: { label: string; cells: ({ mean: number; runs: number } | null)[] }[];
}

export interface ReportNumbers {
  dir: string;
  kind: ReportInput['kind'];
  createdAt?: string;
  seeds: number[];
  baseline: string;
  budget: { equal: boolean; text: string; perArm: Record<string, ArmData['config']['budget']> };
  arms: ArmNumbers[];
  planes: FrontPlane[];
  accuracyByTrial: TrialAccuracy[];
  /** Each arm's hardware spec (the limits drawn on the charts). */
  spec: Record<string, HardwareSpec>;
  hypervolume: HypervolumeNumbers;
  equalAccuracy: { threshold: number | null; source: string; comparisons: Comparison[]; best: BestDesign[]; levels: AccuracyLevels[] };
  specMisses: SpecMisses | null;
  method: Record<string, string>;
  notes: string[];
}

const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
// A child stopped early by a scheduler was trained too (for part of its budget).
const trained = (t: Trial) => t.status === 'done' || t.status === 'failed' || t.status === 'stopped';
const activeRuns = (arm: ArmData) => arm.runs.filter((r) => r.status !== 'not started');
/** How many accuracy levels the "at several accuracy levels" tables show, evenly spaced. */
const LEVELS = 5;

/** A run's trained trials whose validation accuracy reaches `level`. */
const reaching = (run: RunData, level: number) =>
  run.trials.filter((t) => t.status === 'done' && finite(t.metrics.accuracy) && (t.metrics.accuracy as number) >= level);

/** A run's best value of `metric` among its trials reaching `level`; null when none does. */
function bestAt(run: RunData, level: number, metric: string): number | null {
  const xs = reaching(run, level).map((t) => t.metrics[metric]).filter(finite);
  return xs.length ? Math.max(...xs) : null;
}

function stageSeconds(trials: readonly Trial[]): Record<string, number> {
  const out: Record<string, number> = Object.fromEntries(STAGES.map((s) => [s, 0]));
  for (const t of trials) for (const stage of STAGES) out[stage] += (t.timings?.[stage] ?? 0) / 1000;
  return out;
}

/** Scales each objective to [0, 1] between its worst and best values over every arm (1 = best). */
function scaler(input: ReportInput, objectives: readonly Objective[]) {
  const values = input.arms.flatMap((a) => a.runs.flatMap((r) => r.trials))
    .filter((t) => t.status === 'done' && objectives.every((o) => finite(t.metrics[o.metric])));
  const reference: Record<string, number> = {};
  const ideal: Record<string, number> = {};
  for (const o of objectives) {
    const xs = values.map((t) => t.metrics[o.metric] as number);
    reference[o.metric] = xs.length ? (o.goal === 'max' ? Math.min(...xs) : Math.max(...xs)) : NaN;
    ideal[o.metric] = xs.length ? (o.goal === 'max' ? Math.max(...xs) : Math.min(...xs)) : NaN;
  }
  return { reference, ideal, scale: objectiveScale({ objectives, reference, ideal }) };
}

/**
 * A trained trial's objectives scaled to [0, 1] between a report's reference point (0) and ideal
 * (1); undefined for a trial that is not done or lacks one of them (it is on no front).
 */
export function objectiveScale(hv: { objectives: readonly Objective[]; reference: Record<string, number>; ideal: Record<string, number> }): (t: Trial) => number[] | undefined {
  const { objectives, reference, ideal } = hv;
  return (t) => {
    if (t.status !== 'done' || !objectives.every((o) => finite(t.metrics[o.metric]))) return undefined;
    return objectives.map((o) => {
      const range = ideal[o.metric] - reference[o.metric];
      return range === 0 ? 1 : ((t.metrics[o.metric] as number) - reference[o.metric]) / range;
    });
  };
}

/** Hypervolume of the running front after each trained child (done, failed or stopped), in trial order. */
export function hypervolumeSteps(trials: readonly Trial[], scale: (t: Trial) => number[] | undefined, dims: number): { trial: Trial; hypervolume: number }[] {
  const maxObjectives: Objective[] = Array.from({ length: dims }, (_, i) => ({ metric: String(i), goal: 'max' }));
  const zero = new Array(dims).fill(0);
  let front: number[][] = [];
  let volume = 0;
  const steps: { trial: Trial; hypervolume: number }[] = [];
  for (const t of trials.filter(trained)) {
    const p = scale(t);
    if (p && !front.some((q) => q.every((v, i) => v >= p[i]))) {
      front = [...front.filter((q) => !q.every((v, i) => v <= p[i])), p];
      volume = hypervolume(front, zero, maxObjectives);
    }
    steps.push({ trial: t, hypervolume: volume });
  }
  return steps;
}

function bestAccuracy(trials: readonly Trial[]): number | null {
  const xs = trials.filter((t) => t.status === 'done' && finite(t.metrics.accuracy)).map((t) => t.metrics.accuracy as number);
  return xs.length ? Math.max(...xs) : null;
}

function budgetText(input: ReportInput): string {
  const budgets = input.arms.map((a) => a.config.budget);
  const text = (b: (typeof budgets)[number]) =>
    `${b.candidates} candidates${b.trained ? `, at most ${b.trained} trained children` : ''}${b.timeLimit ? `, ${b.timeLimit} s` : ''}`;
  if (input.kind === 'run') return `${text(budgets[0])} per run`;
  if (input.budget.equal) {
    return `equal for every arm: ${text(budgets[0])} per run` + (input.budget.candidates === undefined ? " (the presets' own budgets, which happen to agree)" : ' (set for every arm by the study)');
  }
  return "NOT equal: each arm kept its preset's budget (" + input.arms.map((a) => `${a.label}: ${text(a.config.budget)}`).join('; ') +
    '); differences between arms may come from the budgets';
}

function comparisonSeed(metric: string, label: string, what: string): number {
  return deriveSeed(REPORT_SEED, what, metric, label);
}

function compare(metric: string, title: string, perRun: Record<string, { seed: number; run: string; value: number | null }[]>, baseline: string): Comparison {
  const present = (label: string) => perRun[label].map((v) => v.value).filter(finite);
  const base = present(baseline);
  const arms = Object.entries(perRun).map(([label, values]): ArmComparison => {
    const xs = present(label);
    const m = xs.length ? mean(xs) : null;
    const isBase = label === baseline;
    const baseMean = base.length ? mean(base) : NaN;
    return {
      label,
      values,
      n: xs.length,
      mean: m,
      sd: xs.length > 1 ? sd(xs) : null,
      ci: xs.length ? bootstrapCi([xs], ([x]) => mean(x), { seed: comparisonSeed(metric, label, 'ci'), resamples: RESAMPLES }) ?? null : null,
      improvement: isBase || m === null || !base.length || baseMean === 0 ? null : {
        value: m / baseMean - 1,
        ci: bootstrapCi([xs, base], ([x, b]) => mean(x) / mean(b) - 1, { seed: comparisonSeed(metric, label, 'improvement'), resamples: RESAMPLES }) ?? null,
      },
      test: isBase || !xs.length || !base.length ? null : (() => {
        const r = permutationTest(xs, base, { seed: comparisonSeed(metric, label, 'permutation') })!;
        return { p: r.p, exact: r.exact, draws: r.draws, floor: r.exact ? permutationFloor(xs.length, base.length) : 1 / (1 + r.draws) };
      })(),
      effect: isBase || !xs.length || !base.length ? null : { hedgesG: hedgesG(xs, base) ?? null, cliffsDelta: cliffsDelta(xs, base) ?? null },
    };
  });
  return { metric, title, arms };
}

const SPEC_KEYS = ['minThroughput', 'maxLatency', 'maxPower', 'minEnergyEfficiency'] as const;

/** The spec to hold every arm's trained networks to (accuracy-only arms search without one). */
function studySpec(input: ReportInput, baseline: string): { spec: HardwareSpec; source: string } | null {
  const nonEmpty = (spec: HardwareSpec | undefined) => spec && SPEC_KEYS.some((k) => spec[k] !== undefined);
  const arms = [...input.arms].sort((a, b) => Number(b.label === baseline) - Number(a.label === baseline));
  const of = (arm: ArmData) => (input.kind === 'run' ? 'the run' : `arm ${arm.label}`);
  for (const arm of arms) if (nonEmpty(arm.config.spec)) return { spec: arm.config.spec, source: `the spec of ${of(arm)}` };
  for (const arm of input.arms) {
    const report = arm.config.plugins.find((p) => p.name === '@coex/plugin-spec-report');
    const spec = Object.fromEntries(SPEC_KEYS.filter((k) => typeof report?.options[k] === 'number').map((k) => [k, report!.options[k]])) as HardwareSpec;
    if (nonEmpty(spec)) return { spec, source: `spec-report's options in ${of(arm)}` };
  }
  return null;
}

/** How far a network is from the spec: the worst limit's ratio (> 1 misses it). */
function missFactor(t: Trial, spec: HardwareSpec): number {
  const factors = checkSpec(t.hardware!, spec).map((v) => {
    if (v.required === undefined || v.actual === undefined) return Infinity;
    return v.limit.startsWith('min') ? v.required / v.actual : v.actual / v.required;
  });
  return factors.length ? Math.max(...factors) : 1;
}

function specMisses(input: ReportInput, baseline: string): SpecMisses | null {
  const found = studySpec(input, baseline);
  if (!found) return null;
  const median = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)] : null);
  return {
    ...found,
    arms: input.arms.map((arm) => {
      const nets = activeRuns(arm).flatMap((r) => r.trials).filter((t) => t.status === 'done' && t.hardware);
      const misses = nets.map((t) => missFactor(t, found.spec)).filter((f) => f > 1);
      return {
        label: arm.label,
        trained: nets.length,
        missing: misses.length,
        share: nets.length ? misses.length / nets.length : null,
        medianFactor: median(misses),
        worstFactor: misses.length ? Math.max(...misses) : null,
      };
    }),
  };
}

/**
 * One note per pair of arms whose numbers of seeds put the exact permutation test's smallest
 * possible p above 0.05: no difference between them can then be called significant, whatever the data.
 */
function pValueFloorNotes(comparisons: readonly Comparison[], baseline: string): string[] {
  const notes = new Map<string, string>();
  for (const c of comparisons) {
    const base = c.arms.find((a) => a.label === baseline);
    for (const a of c.arms) {
      if (!a.test?.exact || a.test.floor <= 0.05 || !base) continue;
      const key = `${a.label}:${a.n}:${base.n}`;
      if (notes.has(key)) continue;
      const splits = Math.round((a.n === base.n ? 2 : 1) / a.test.floor);
      notes.set(key, `p-values have a floor: with ${a.n} seed${a.n === 1 ? '' : 's'} of ${a.label} and ${base.n} of ${baseline}, the exact permutation test ` +
        `cannot give p below ${a.n === base.n ? '2' : '1'}/C(${a.n + base.n}, ${a.n}) = ${a.test.floor.toFixed(3)} (two-sided; 1/${splits} = ${(1 / splits).toFixed(3)} for one side), ` +
        'so no difference between these arms can reach p < 0.05; run more seeds (4 per arm give 2/70 = 0.029).');
    }
  }
  return [...notes.values()];
}

export function analyse(input: ReportInput, options: AnalysisOptions = {}): ReportNumbers {
  const labels = input.arms.map((a) => a.label);
  const baseline = options.baseline ?? labels[0];
  if (!labels.includes(baseline)) throw new UserError(`--baseline ${baseline}: no such arm (arms: ${labels.join(', ')})`);
  const baseArm = input.arms[labels.indexOf(baseline)];
  const objectives = baseArm.config.objectives;
  const { reference, ideal, scale } = scaler(input, objectives);
  const notes: string[] = [];

  const arms: ArmNumbers[] = input.arms.map((arm) => {
    const runs: RunNumbers[] = activeRuns(arm).map((run) => {
      const curve = hypervolumeSteps(run.trials, scale, objectives.length).map((step) => step.hypervolume);
      return {
        id: run.id,
        seed: run.seed,
        status: run.status,
        counts: countTrials(run.trials),
        stageSeconds: stageSeconds(run.trials),
        bestAccuracy: bestAccuracy(run.trials),
        trainedChildren: run.trials.filter(trained).length,
        hypervolume: curve.length ? curve[curve.length - 1] : 0,
        curve,
      };
    });
    const trials = arm.runs.flatMap((r) => r.trials);
    return { label: arm.label, preset: arm.preset, sets: arm.sets, counts: countTrials(trials), stageSeconds: stageSeconds(trials), runs };
  });
  for (const arm of input.arms) {
    for (const run of arm.runs) {
      if (run.status === 'not started') notes.push(`run ${run.id} has not started: it is left out of every statistic`);
      else if (run.status !== 'finished') notes.push(`run ${run.id} is ${run.status}: its numbers are partial (continue it with coex resume)`);
    }
  }

  const planes: FrontPlane[] = [];
  for (const plane of PLANES) {
    const trials: PlanePoint[] = input.arms.flatMap((arm) => arm.runs.flatMap((run) => run.trials
      .filter((t) => t.status === 'done' && finite(t.metrics.accuracy) && finite(t.metrics[plane.metric]))
      .map((t) => ({ arm: arm.label, run: run.id, seed: run.seed, trial: t.seq, accuracy: t.metrics.accuracy as number, value: t.metrics[plane.metric] as number,
        network: describeNetwork(t.candidate.architecture), design: describeDesign(t.candidate.design) }))));
    if (trials.length === 0) continue;
    const fronts: Record<string, PlanePoint[]> = {};
    for (const label of labels) {
      const mine = trials.filter((p) => p.arm === label);
      fronts[label] = paretoFront(mine, [{ metric: 'accuracy', goal: 'max' }, { metric: 'value', goal: 'max' }], (p, m) => (m === 'accuracy' ? p.accuracy : p.value))
        .map((i) => mine[i]).sort((a, b) => a.value - b.value || b.accuracy - a.accuracy);
    }
    planes.push({ metric: plane.metric, title: plane.title, trials, fronts });
  }
  if (planes.length === 0) notes.push('no trial has hardware metrics (throughput, energy efficiency): the Pareto plots and the equal-accuracy hardware comparison are left out');

  const curves: Record<string, CurvePoint[]> = {};
  for (const arm of arms) {
    const runs = arm.runs;
    const K = Math.max(0, ...runs.map((r) => r.curve.length));
    curves[arm.label] = Array.from({ length: K }, (_, i) => {
      // A run with fewer trained children keeps its final front from then on.
      const values = runs.map((r) => (r.curve.length ? r.curve[Math.min(i, r.curve.length - 1)] : 0));
      const m = mean(values);
      // A scaled hypervolume lies in [0, 1]; so does its band.
      const band = tInterval(values) ?? [m, m];
      return { k: i + 1, mean: m, lo: Math.max(0, band[0]), hi: Math.min(1, band[1]), n: values.length };
    });
  }

  const allBest = arms.flatMap((a) => a.runs.map((r) => r.bestAccuracy)).filter(finite);
  const threshold = options.accuracy ?? (allBest.length ? Math.min(...allBest) : null);
  const source = options.accuracy !== undefined ? 'given with --accuracy' : 'the lowest best accuracy of any run, so that every run has a trial reaching it';
  const perRun = (value: (run: RunData) => number | null) =>
    Object.fromEntries(input.arms.map((arm) => [arm.label, activeRuns(arm).map((run) => ({ seed: run.seed, run: run.id, value: value(run) }))]));
  const comparisons: Comparison[] = [];
  const best: BestDesign[] = [];
  if (threshold !== null) {
    for (const plane of planes) {
      comparisons.push(compare(plane.metric, `best ${plane.title} at accuracy ≥ threshold`, perRun((run) => bestAt(run, threshold, plane.metric)), baseline));
      for (const arm of input.arms) {
        let top: BestDesign | undefined;
        for (const run of activeRuns(arm)) {
          for (const t of reaching(run, threshold)) {
            const v = t.metrics[plane.metric];
            if (finite(v) && (!top || v > (top.metrics[plane.metric] as number))) {
              top = { by: plane.metric, arm: arm.label, run: run.id, seed: run.seed, trial: t.seq, metrics: t.metrics, architecture: t.candidate.architecture, ...(t.candidate.design ? { design: t.candidate.design } : {}) };
            }
          }
        }
        if (top) best.push(top);
      }
    }
  }
  // One threshold hangs on each run's single best network above it: show the same at several levels,
  // from the threshold to the highest best accuracy of any run.
  const levels = threshold === null ? []
    : Array.from({ length: LEVELS }, (_, i) => Math.round((threshold + (i / (LEVELS - 1)) * (Math.max(...allBest) - threshold)) * 1e4) / 1e4);
  const atLevels: AccuracyLevels[] = planes.map((plane) => ({
    metric: plane.metric,
    title: plane.title,
    levels,
    arms: input.arms.map((arm) => ({
      label: arm.label,
      cells: levels.map((level) => {
        const values = activeRuns(arm).map((run) => bestAt(run, level, plane.metric)).filter(finite);
        return values.length ? { mean: mean(values), runs: values.length } : null;
      }),
    })),
  }));
  comparisons.push(compare('accuracy', 'best accuracy', perRun((run) => bestAccuracy(run.trials)), baseline));
  comparisons.push(compare('hypervolume', 'hypervolume of the final front (scaled objectives)', Object.fromEntries(arms.map((a) => [a.label,
    a.runs.map((r) => ({ seed: r.seed, run: r.id, value: r.hypervolume }))])), baseline));
  notes.push(...pValueFloorNotes(comparisons, baseline));

  const accuracyByTrial: TrialAccuracy[] = input.arms.flatMap((arm) => arm.runs.flatMap((run) => {
    let best = -Infinity;
    return run.trials.filter((t) => t.status === 'done' && finite(t.metrics.accuracy)).map((t) => {
      best = Math.max(best, t.metrics.accuracy as number);
      return { arm: arm.label, run: run.id, seed: run.seed, trial: t.seq, accuracy: t.metrics.accuracy as number, best,
        network: describeNetwork(t.candidate.architecture), design: describeDesign(t.candidate.design) };
    });
  }));
  const single = input.kind === 'run' && input.arms.length === 1;

  return {
    dir: input.dir,
    kind: input.kind,
    ...(input.createdAt ? { createdAt: input.createdAt } : {}),
    seeds: input.seeds,
    baseline,
    budget: { equal: input.budget.equal, text: budgetText(input), perArm: Object.fromEntries(input.arms.map((a) => [a.label, a.config.budget])) },
    arms,
    planes,
    accuracyByTrial,
    spec: Object.fromEntries(input.arms.map((a) => [a.label, a.config.spec ?? {}])),
    hypervolume: { objectives, reference, ideal, curves },
    equalAccuracy: { threshold, source, comparisons, best, levels: atLevels },
    specMisses: specMisses(input, baseline),
    method: {
      fronts: single
        ? 'The Pareto fronts are the non-dominated trained trials of the run (accuracy and the hardware metric both maximised).'
        : 'Pareto fronts pool the trained trials of all seeds of an arm (what the arm found over the whole study); the spread over seeds is in the hypervolume bands and the statistics.',
      hypervolume: `objectives ${objectives.map((o) => `${o.metric} (${o.goal})`).join(', ')}${single ? '' : ' of the baseline arm'}, each scaled to [0, 1] between its worst value (the reference point) and its best value over all arms and seeds; the hypervolume of the front of the first k trained children (done, failed or stopped early, in trial order); a run with fewer trained children keeps its final value.`,
      threshold: 'equal accuracy: per run, the best value among its trained trials whose validation accuracy reaches the threshold.',
      levels: 'the same at 5 accuracy levels evenly spaced from the threshold to the highest best accuracy of any run: one threshold hangs on each run\'s single best network above it, several show whether an arm is ahead across accuracies; runs that reach no trial at a level are left out of its mean.',
      specMisses: (single
        ? "every trained network of the run is held to its spec (else spec-report's options)"
        : "every trained network of every arm is held to one spec (the baseline arm's, else the first arm's that has one, else spec-report's options)") +
        ": the share that misses it, and by what factor (required/actual for a minimum such as throughput, actual/required for a maximum; the worst limit), as FNAS reports for accuracy-only NAS (7.81x).",
      // A single run has no seeds to spread over and no arm to compare with.
      ...(single ? {} : {
        band: 'mean over seeds and a 95% Student-t interval of the mean (mean ± t(0.975, n-1)·sd/√n), clipped to [0, 1], the range of a scaled hypervolume; no band with one seed.',
        ci: `95% percentile bootstrap of the mean over seeds (${RESAMPLES} resamples, seeded); the relative improvement is mean(arm)/mean(baseline) - 1, bootstrapped by resampling the seeds of both arms independently.`,
        effect: "effect sizes against the baseline over seeds: Hedges' g (difference in means over the pooled standard deviation, small-sample corrected) and Cliff's delta (P(arm > baseline) - P(arm < baseline) over all pairs of seeds).",
        test: 'two-sided permutation test of the difference in means over seeds (exact over every split of the pooled values when there are at most 100000 splits, otherwise 20000 seeded random splits).',
      }),
    },
    notes,
  };
}
