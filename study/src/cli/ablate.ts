// `coex ablate`: an ablation study (arms x seeds, equal budgets, one store), and the code that runs
// a prepared study with study-wide progress and Ctrl-C handling (also used by `coex resume`).
import * as cliProgress from 'cli-progress';
import type { Command } from '@coex/cli';
import { NoFeasibleCandidateError, type RunCounts } from '@coex/core';
import { openStudyStore, prunedExplanation, type StudyDefinition } from '@coex/core/host';
import { parseArmList, parseSeedList, planStudy, prepareStudy, runStudy, type PreparedStudy, type StudyRunInfo } from '../study';
import { INTERRUPTED_EXIT, USE_HELP, collect, positiveInt, printJson, table, budgetFraction, describeTrial, percentOf, progressText, printStudySummary, studySize, summarizeStudy, withStopSignals } from '@coex/cli';

export function registerAblate(program: Command): void {
  program
    .command('ablate')
    .requiredOption('--arms <list>', '[<label>=]<preset>[,...]; the label defaults to the preset name, e.g. a=co-exploration,b=co-exploration')
    .requiredOption('--seeds <list>', 'seeds every arm runs with, e.g. 1,2,3')
    .option('--budget <n>', 'candidates to sample per run, the same for every arm (default: each preset\'s own)', positiveInt('--budget'))
    .option('--trained <n>', 'trained children per run, the same for every arm', positiveInt('--trained'))
    .option('--set <label.path=value>', 'override for one arm (a.controller.batchSize=2) or, without a label, for every arm (trainer.epochs=1) (repeatable)', collect, [])
    .option('--use <plugin[=json]>', `${USE_HELP}; every arm`, collect, [])
    .option('--out <dir>', 'study folder (default: a new folder under studies/)')
    .option('--plan', 'print what would run (arms, budgets, seeds, overrides) and run nothing')
    .option('--json', 'print JSON (the plan, or the study summary)')
    .action(async (opts) => {
      const request = {
        arms: parseArmList(opts.arms),
        seeds: parseSeedList(opts.seeds),
        budget: opts.budget,
        trainedBudget: opts.trained,
        sets: opts.set,
        use: opts.use,
        out: opts.out,
      };
      if (opts.plan) {
        const { dir, study } = planStudy(request);
        if (opts.json) printJson({ plan: true, dir, ...study });
        else printPlan(dir, study);
        return;
      }
      await executeStudy(await prepareStudy(request), !!opts.json);
    });
}

const budgetText = (b: { candidates: number; trained?: number; timeLimit?: number }) =>
  `${b.candidates} candidates${b.trained ? `, ${b.trained} trained` : ''}${b.timeLimit ? `, ${b.timeLimit}s` : ''}`;

function printPlan(dir: string, study: StudyDefinition): void {
  const { arms, seeds, runs, budget } = study;
  const plugins = arms.map((a) => a.config.plugins.map((p) => `${p.name}@${p.version}`));
  const shared = plugins[0].filter((p) => plugins.every((list) => list.includes(p)));
  const lines = [
    `study plan (nothing is run): ${studySize(arms.length, seeds.length)} = ${runs.length} run${runs.length > 1 ? 's' : ''} in ${dir}`,
    budget.equal
      ? `budgets: equal, ${budgetText(arms[0].config.budget)} per run${budget.candidates === undefined ? " (the presets' own)" : ''}`
      : "budgets: NOT equal: each arm keeps its preset's budget (give --budget and --trained to equalise them)",
    table([
      ['arm', 'preset', 'budget per run', 'overrides', 'plugins not in every arm'],
      ...arms.map((a, i) => [a.label, a.preset, budgetText(a.config.budget), a.sets.join(' ') || '-', plugins[i].filter((p) => !shared.includes(p)).join(' ') || '-']),
    ]),
    `seeds: ${seeds.join(', ')}`,
    `runs, in order: ${runs.map((r) => r.id).join(', ')}`,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

/**
 * Progress over every run of the study, in percent: finished runs count whole, the current one by
 * how far it is through its budget (candidates or trained children, whichever ends it first).
 * One bar on a terminal, plain lines otherwise.
 */
export function studyProgress(study: StudyDefinition, stream: NodeJS.WriteStream = process.stderr) {
  const tty = !!stream.isTTY && !process.env.CI;
  const runs = study.runs.length;
  let finished = 0;
  let bar: cliProgress.SingleBar | undefined;
  const percent = (fraction = 0) => percentOf((finished + fraction) / runs);
  const tag = (index: number, fraction?: number) => `[study ${percent(fraction).toFixed(1)}%, run ${index}/${runs}]`;
  const payload = (id: string, index: number, text: string, c: RunCounts) => ({ run: id, index, runs, counts: text, pruned: c.pruned, failed: c.failed });
  const onRun = (info: StudyRunInfo) => {
    const budget = info.config.budget;
    if (!info.run) {
      finished += 1;
      if (bar) bar.update(percent());
      else stream.write(`coex: study run ${info.index}/${info.total} ${info.id} already finished; skipped ${tag(info.index)}\n`);
      return;
    }
    info.run.events$.subscribe((event) => {
      switch (event.type) {
        case 'run-start':
        case 'trial-end': {
          const fraction = budgetFraction(event.counts, budget);
          const text = progressText(event.counts, budget);
          if (tty) {
            bar ??= new cliProgress.SingleBar(
              { stream, format: 'coex study |{bar}| {percentage}% | run {run} ({index}/{runs}): {counts} | pruned {pruned} failed {failed} | {duration_formatted}', hideCursor: true },
              cliProgress.Presets.shades_classic,
            );
            if (!bar.isActive) bar.start(100, percent(fraction), payload(info.id, info.index, text, event.counts));
            else bar.update(percent(fraction), payload(info.id, info.index, text, event.counts));
          } else if (event.type === 'run-start') {
            stream.write(`coex: study run ${info.index}/${info.total} ${info.id}: ${event.resumed ? 'resuming' : 'starting'}, ${text} already done ${tag(info.index, fraction)}\n`);
          } else {
            stream.write(`coex: ${info.id} trial ${event.trial.seq} ${describeTrial(event.trial)} (${text}) ${tag(info.index, fraction)}\n`);
          }
          break;
        }
        case 'warning':
          stream.write(`${bar ? '\n' : ''}coex: warning: ${info.id}: ${event.message}\n`);
          break;
        case 'run-end':
          if (event.summary.status === 'finished') finished += 1;
          bar?.update(percent());
          break;
        default:
          break;
      }
    });
  };
  return { onRun, stop: () => bar?.stop() };
}

/** Runs a prepared study with progress and Ctrl-C handling, then prints its summary. */
export async function executeStudy(prepared: PreparedStudy, json: boolean): Promise<void> {
  const { dir, study } = prepared;
  process.stderr.write(`coex: study folder ${dir}: ${studySize(study.arms.length, study.seeds.length)}${study.budget.equal ? '' : " (budgets differ between arms: each arm keeps its preset's)"}\n`);
  const progress = studyProgress(study);
  const abort = new AbortController();
  let outcome;
  try {
    outcome = await withStopSignals('stopping the study: finished trials are kept, the current run continues on `coex resume`', () => abort.abort(),
      () => runStudy(prepared, { signal: abort.signal, onRun: progress.onRun, log: (m) => process.stderr.write(`${m}\n`) }));
  } finally {
    progress.stop();
    prepared.release();
  }
  if (outcome.status === 'interrupted') {
    process.stderr.write(`coex: study interrupted; continue it with: coex resume ${dir}\n`);
    process.exitCode = INTERRUPTED_EXIT;
    return;
  }
  const summary = await summarizeStudy(dir);
  const counts = summary.arms.map((a) => a.counts);
  if (counts.every((c) => c.sampled > 0 && c.pruned === c.sampled)) {
    const { store, runs } = await openStudyStore(dir);
    const trials = (await Promise.all(runs.map((r) => store.listTrials(r.id)))).flat();
    await store.close();
    throw new NoFeasibleCandidateError(`study ${dir}: ${prunedExplanation(trials)}`);
  }
  for (const arm of summary.arms) {
    if (arm.counts.sampled > 0 && arm.counts.pruned === arm.counts.sampled) process.stderr.write(`coex: warning: every candidate of arm ${arm.label} was pruned by the hardware spec\n`);
  }
  if (json) printJson(summary);
  else {
    printStudySummary(summary);
    process.stdout.write(`report: coex report ${dir}\n`);
  }
}

export const register = registerAblate;
