// `coex run` and `coex resume`.
import type { Command } from 'commander';
import { NoFeasibleCandidateError } from '@coex/core';
import { isStudyDir, prepareResume, prepareRun, type PreparedRun, prunedExplanation, summarizeTrials } from '@coex/core/host';
import { loadOptionalPackage } from './optional-package';
import { USE_HELP, collect, nonNegativeInt, positiveInt, printJson, seedOption } from './output';
import { showProgress } from './progress';
import { INTERRUPTED_EXIT, withStopSignals } from './signals';
import { describedResults, printSummary } from './show';

/** What `coex resume <study folder>` needs from @coex/study, loaded only then. */
interface StudyModule {
  resumeStudy(dir: string, options: { trustFolder?: boolean }): Promise<object | undefined>;
  executeStudy(prepared: object, json: boolean): Promise<void>;
}

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('run a search with a preset (and a config file, --set overrides, budget, seed)')
    .option('--preset <name>', 'preset name (see `coex list presets`) or path to a preset file')
    .option('--config <file>', 'JSON or YAML config: preset, plugins, seed, budget, spec, options by role')
    .option('--set <path=value>', 'override one option, e.g. trainer.epochs=2, spec.minThroughput=100 (repeatable)', collect, [])
    .option('--use <plugin[=json]>', USE_HELP, collect, [])
    .option('--budget <n>', 'candidates to sample, pruned ones included (budget.candidates)', positiveInt('--budget'))
    .option('--trained <n>', 'trained children at most; the run ends at whichever budget comes first (budget.trained)', positiveInt('--trained'))
    .option('--time-limit <duration>', 'stop starting new batches after this long (90s, 30m, 2h)')
    .option('--train-seconds <duration>', 'stop starting new batches once training has taken this long, summed over trials (budget.trainSeconds)')
    .option('--images <n>', 'stop starting new batches once this many training images were seen, summed over trials (budget.images)', positiveInt('--images'))
    .option('--seed <s>', 'seed of every random choice in the run', seedOption('--seed'))
    .option('--out <dir>', 'run folder (default: a new folder under runs/)')
    .option('--json', 'print the result summary as JSON')
    .action(async (opts) => {
      const prepared = await prepareRun({
        preset: opts.preset,
        configFile: opts.config,
        sets: opts.set,
        use: opts.use,
        budget: opts.budget,
        trainedBudget: opts.trained,
        timeLimit: opts.timeLimit,
        trainSeconds: opts.trainSeconds,
        imagesBudget: opts.images,
        seed: opts.seed,
        out: opts.out,
      }, (m) => process.stderr.write(`${m}\n`));
      await executeRun(prepared, !!opts.json);
    });

  program
    .command('resume')
    .description('continue an interrupted run or study without re-running finished trials')
    .argument('<dir>', 'run or study folder')
    .option('--json', 'print the result summary as JSON')
    .option('--trust-folder', 'also load plugins the folder names by a module path (a run folder is data: without this, only installed packages)')
    .action(async (dir: string, opts) => {
      const trust = { trustFolder: !!opts.trustFolder };
      if (isStudyDir(dir)) {
        const { resumeStudy, executeStudy } = loadOptionalPackage<StudyModule>('@coex/study', 'resumeStudy', 'resume', dir);
        const study = await resumeStudy(dir, trust);
        if (!study) return void process.stderr.write(`coex: study ${dir} has already finished; nothing to do\n`);
        return executeStudy(study, !!opts.json);
      }
      const prepared = await prepareResume(dir, (m) => process.stderr.write(`${m}\n`), trust);
      if (!prepared) {
        process.stderr.write(`coex: ${dir} has already finished; nothing to do\n`);
        return;
      }
      await executeRun(prepared, !!opts.json);
    });
}

/** Runs a prepared run with progress and Ctrl-C handling, then prints its summary. */
export async function executeRun(prepared: PreparedRun, json: boolean): Promise<void> {
  const { run, dir, config } = prepared;
  process.stderr.write(`coex: run folder ${dir}\n`);
  showProgress(run.events$, config.budget);
  let summary;
  try {
    summary = await withStopSignals('stopping: finished trials are kept, trials in flight will run again on `coex resume`', () => run.cancel(), () => run.execute());
  } finally {
    prepared.release();
  }
  const trials = run.trialList();
  if (summary.status === 'interrupted') {
    process.stderr.write(`coex: interrupted after ${summary.counts.sampled} candidates; continue with: coex resume ${dir}\n`);
    process.exitCode = INTERRUPTED_EXIT;
    return;
  }
  const { counts } = summary;
  if (counts.sampled > 0 && counts.pruned === counts.sampled) throw new NoFeasibleCandidateError(prunedExplanation(trials));
  const results = summarizeTrials(trials, config.objectives);
  if (json) printJson({ dir, run: { id: run.runId, status: summary.status, preset: config.preset, seed: config.seed, seconds: summary.seconds }, ...describedResults(results) });
  else printSummary(dir, config, results);
}
