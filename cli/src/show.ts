// `coex show` and `coex export`: read a run folder's store (also while the run is in progress).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { type ResolvedConfig, writeFileAtomic, openRunStore, checkOutFile, assertNotOwnedFile, describeCandidate, describeDesign, describeNetwork, formatAccuracy, curveRows, curvesFileOf, summarizeTrials, toCsv, trialRows, type ParetoEntry, type RunResults, isStudyDir, openStudyStore, studyRunConfig, type StudyBudget } from '@coex/core/host';
import { FINALIZE_FILE, type RunCounts, type RunRecord, type Store } from '@coex/core';
import { exportOnnx } from './export-onnx';
import { exportOptuna } from './export-optuna';
import { formatNumber, nonNegativeInt, printJson, table } from './output';

const EXPORT_FORMATS = ['json', 'csv', 'optuna', 'onnx'];

export function printSummary(dir: string, config: ResolvedConfig, results: RunResults, status?: string): void {
  const { counts, pareto, best } = results;
  const lines = [
    `run ${dir}${config.preset ? ` (preset ${config.preset}, seed ${config.seed})` : ''}${status ? `: ${status}` : ''}`,
    `candidates: ${counts.sampled} sampled, ${counts.pruned} pruned, ${counts.trained} trained, ${counts.stopped ?? 0} stopped early, ${counts.failed} failed`,
  ];
  if (results.accuracySource) lines.push(accuracySourceNote(dir, results.accuracySource));
  if (best) {
    lines.push(`best accuracy: ${formatAccuracy(best.accuracy)} (trial ${best.trial})` +
      (best.testAccuracy !== undefined ? `, test ${formatAccuracy(best.testAccuracy)}` : ''));
  }
  if (pareto.length) {
    const metrics = results.objectives.map((o) => o.metric);
    const cell = (p: ParetoEntry, m: string) => (ACCURACY_METRICS.includes(m) ? formatAccuracy(p.metrics[m]) : formatNumber(p.metrics[m]));
    const withDesign = pareto.some((p) => p.candidate.design);
    lines.push(`Pareto front (${results.objectives.map((o) => `${o.metric} ${o.goal}`).join(', ')}):`);
    lines.push(table([
      ['trial', ...metrics, 'reward', 'network', ...(withDesign ? ['design'] : [])],
      ...pareto.map((p) => [p.trial, ...metrics.map((m) => cell(p, m)), formatNumber(p.reward), describeNetwork(p.candidate.architecture),
        ...(withDesign ? [describeDesign(p.candidate.design)] : [])]),
    ]));
  }
  process.stdout.write(lines.join('\n') + '\n');
}

/** Says that accuracies are supernet scores, and where the stand-alone ones are (finalize.json). */
function accuracySourceNote(dir: string, source: 'supernet' | 'mixed'): string {
  const what = source === 'supernet'
    ? 'accuracies here are supernet scores (inherited weights), not stand-alone training'
    : 'accuracies here MIX supernet scores and stand-alone training (see each trial\'s training.source)';
  const file = path.join(dir, FINALIZE_FILE);
  if (!fs.existsSync(file)) return `${what}; retrain the front stand-alone with \`coex finalize ${dir}\``;
  let final: { results: { trial: number; searchAccuracy?: number; final: { accuracy: number } }[] };
  try {
    final = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return `${what}; ${file} is unreadable`;
  }
  return `${what}; stand-alone accuracies (${FINALIZE_FILE}): ` +
    final.results.map((r) => `trial ${r.trial} ${(r.final.accuracy * 100).toFixed(2)}% (supernet ${((r.searchAccuracy ?? NaN) * 100).toFixed(2)}%)`).join(', ');
}

/** Metrics that are accuracies (fractions), printed as percentages like the best line. */
const ACCURACY_METRICS = ['accuracy', 'testAccuracy'];

/** `coex show --json`: fractions stay fractions; front members and the best trial get their compact network and design. */
export function describedResults(results: RunResults) {
  return {
    ...results,
    pareto: results.pareto.map((p) => ({ ...p, ...describeCandidate(p.candidate) })),
    ...(results.best ? { best: { ...results.best, ...describeCandidate(results.best.candidate) } } : {}),
  };
}

export interface StudySummary {
  dir: string;
  study: { arms: string[]; seeds: number[]; budget: StudyBudget; createdAt: string };
  /** Per arm, over its seeds: counts summed, the most accurate trial. */
  arms: { label: string; preset: string; runsFinished: number; counts: RunCounts; best?: { accuracy: number; run: string; trial: number } }[];
  runs: ({ run: { id: string; arm: string; seed: number; status: RunRecord['status'] | 'not started'; preset?: string } } & RunResults)[];
}

/** Counts, fronts and best trials of every arm-seed run of a study (`coex show <study-dir>`). */
export async function summarizeStudy(dir: string): Promise<StudySummary> {
  const { store, study, runs: records } = await openStudyStore(dir);
  const runs: StudySummary['runs'] = [];
  try {
    for (const entry of study.runs) {
      const record = records.find((r) => r.id === entry.id);
      const config = studyRunConfig(study, entry);
      const results = summarizeTrials(record ? await store.listTrials(entry.id) : [], config.objectives);
      runs.push({ run: { ...entry, status: record?.status ?? 'not started', ...(config.preset ? { preset: config.preset } : {}) }, ...results });
    }
  } finally {
    await store.close();
  }
  const arms = study.arms.map((arm) => {
    const mine = runs.filter((r) => r.run.arm === arm.label);
    const counts: RunCounts = { sampled: 0, pruned: 0, trained: 0, failed: 0, stopped: 0 };
    let best: StudySummary['arms'][number]['best'];
    for (const r of mine) {
      for (const key of Object.keys(counts) as (keyof RunCounts)[]) counts[key] = (counts[key] ?? 0) + (r.counts[key] ?? 0);
      if (r.best && (!best || r.best.accuracy > best.accuracy)) best = { accuracy: r.best.accuracy, run: r.run.id, trial: r.best.trial };
    }
    return { label: arm.label, preset: arm.preset, runsFinished: mine.filter((r) => r.run.status === 'finished').length, counts, ...(best ? { best } : {}) };
  });
  return { dir: path.resolve(dir), study: { arms: study.arms.map((a) => a.label), seeds: study.seeds, budget: study.budget, createdAt: study.createdAt }, arms, runs };
}

/** "2 arms x 3 seeds". */
export function studySize(arms: number, seeds: number): string {
  return `${arms} arm${arms === 1 ? '' : 's'} x ${seeds} seed${seeds === 1 ? '' : 's'}`;
}

export function printStudySummary(summary: StudySummary): void {
  const { study } = summary;
  const lines = [
    `study ${summary.dir}: ${studySize(study.arms.length, study.seeds.length)} (${study.seeds.join(', ')}); budgets ${study.budget.equal ? 'equal' : "differ (each arm kept its preset's)"}`,
    table([
      ['arm', 'runs finished', 'sampled', 'pruned', 'trained', 'failed', 'best accuracy'],
      ...summary.arms.map((a) => [a.label, `${a.runsFinished}/${study.seeds.length}`, a.counts.sampled, a.counts.pruned, a.counts.trained, a.counts.failed,
        a.best ? `${formatAccuracy(a.best.accuracy)} (${a.best.run} trial ${a.best.trial})` : '-']),
    ]),
    table([
      ['run', 'status', 'sampled', 'pruned', 'trained', 'failed', 'best accuracy', 'front'],
      ...summary.runs.map((r) => [r.run.id, r.run.status, r.counts.sampled, r.counts.pruned, r.counts.trained, r.counts.failed,
        formatAccuracy(r.best?.accuracy), r.pareto.length]),
    ]),
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

/** The store of a run folder or a study folder, and the ids of the runs it holds. */
export async function openAnyStore(dir: string): Promise<{ store: Store; runs: RunRecord[]; study: boolean }> {
  return isStudyDir(dir) ? { ...(await openStudyStore(dir)), study: true } : { ...(await openRunStore(dir)), study: false };
}

export function registerShow(program: Command): void {
  program
    .command('show')
    .description('summary of a run (counts by status, the Pareto front, the best trial) or of a study (the same per arm and seed)')
    .argument('<dir>', 'run or study folder')
    .option('--json', 'JSON with counts, pareto and best')
    .action(async (dir: string, opts) => {
      if (isStudyDir(dir)) {
        const summary = await summarizeStudy(dir);
        return opts.json ? printJson(summary) : printStudySummary(summary);
      }
      const { store, config, runs } = await openRunStore(dir);
      const out = [];
      for (const run of runs) {
        const results = summarizeTrials(await store.listTrials(run.id), config.objectives);
        out.push({ run, results });
      }
      await store.close();
      if (opts.json) {
        const entries = out.map(({ run, results }) => ({
          run: { id: run.id, status: run.status, preset: run.preset, seed: run.seed },
          ...describedResults(results),
        }));
        printJson(entries.length === 1 ? { dir: path.resolve(dir), ...entries[0] } : { dir: path.resolve(dir), runs: entries });
      } else if (out.length === 0) {
        process.stdout.write(`run ${dir}: no trials yet\n`);
      } else {
        for (const { run, results } of out) printSummary(dir, config, results, run.status);
      }
    });

  program
    .command('export')
    .description('all trials of a run or study as JSON, CSV or an Optuna journal; one trained network as ONNX')
    .argument('<dir>', 'run or study folder')
    .option('--format <format>', 'json, csv, optuna or onnx', (v: string) => {
      if (!EXPORT_FORMATS.includes(v)) throw new InvalidArgumentError(`--format must be one of ${EXPORT_FORMATS.join(', ')}, got "${v}"`);
      return v;
    }, 'json')
    .option('--out <file>', 'write to a file instead of stdout')
    .option('--trial <n>', 'the trained trial to export (--format onnx)', nonNegativeInt('--trial'))
    .action(async (dir: string, opts) => {
      if (opts.out) {
        checkOutFile(opts.out);
        assertNotOwnedFile(opts.out, dir);
      }
      if (opts.format === 'optuna') return exportOptuna(dir, opts.out);
      if (opts.format === 'onnx') return exportOnnx(dir, opts);
      const { store, runs, study } = await openAnyStore(dir);
      const rows: Record<string, unknown>[] = [];
      const curves: Record<string, unknown>[] = [];
      for (const run of runs) {
        const trials = await store.listTrials(run.id);
        const label = study || runs.length > 1 ? run.id : undefined;
        rows.push(...trialRows(trials, label));
        curves.push(...curveRows(trials, label));
      }
      await store.close();
      // CSV has one row per trial: the learning curves go to a second file, one row per point.
      const csv = () => toCsv(rows.map(({ curve: _curve, ...row }) => row));
      const text = opts.format === 'csv' ? csv() : JSON.stringify(rows, null, 2) + '\n';
      if (opts.out) {
        writeFileAtomic(opts.out, text);
        process.stderr.write(`coex: wrote ${rows.length} trials to ${opts.out}\n`);
        if (opts.format === 'csv' && curves.length > 0) {
          fs.writeFileSync(curvesFileOf(opts.out), toCsv(curves));
          process.stderr.write(`coex: wrote ${curves.length} learning-curve points to ${curvesFileOf(opts.out)}\n`);
        }
      } else process.stdout.write(text);
    });
}
