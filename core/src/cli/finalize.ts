// `coex finalize`: the search trains children with proxy settings (a data subset, an epoch or two),
// so its accuracies rank candidates but are not final. This retrains the best candidates of the
// front at full fidelity (the whole training split, more epochs), records the results beside the
// search's (<run>/finalize.json) and saves the models.
import * as path from 'node:path';
import type { Command } from 'commander';
import type { ResolvedConfig } from '../config';
import { UserError } from '../errors';
import { writeFileAtomic } from '../atomic-write';
import { CONFIG_FILE, openRunStore, readRunConfig } from '../experiment';
import { summarizeTrials } from '../results';
import { loadTrainer } from '../training-roles';
import { formatNumber, positiveInt, printJson, table } from './output';

export const FINALIZE_FILE = 'finalize.json';

/** The run's configuration with the training set in full and the given epochs and save folder. */
export function fullFidelityConfig(config: ResolvedConfig, epochs: number | undefined, saveDir: string | undefined): ResolvedConfig {
  return {
    ...config,
    plugins: config.plugins.map((p) => {
      if (p.role === 'dataset') {
        const { subset: _subset, ...options } = p.options;
        return { ...p, options };
      }
      if (p.role === 'trainer') {
        return { ...p, options: { ...p.options, ...(epochs ? { epochs } : {}), ...(saveDir ? { saveDir } : {}) } };
      }
      return p;
    }),
  };
}

export function registerFinalize(program: Command): void {
  program
    .command('finalize')
    .description('retrain the best candidates of the front at full fidelity and save the models')
    .argument('<dir>', 'run folder')
    .option('--top <k>', 'how many candidates of the front, most accurate first', positiveInt('--top'), 3)
    .option('--epochs <n>', 'epochs of the final training (default: 10x the search\'s)', positiveInt('--epochs'))
    .option('--save <dir>', 'save the models under this folder (default <run>/models)')
    .option('--json', 'print JSON')
    .option('--trust-folder', 'also load plugins the folder names by a module path (a run folder is data: without this, only installed packages)')
    .action(async (dir: string, opts) => {
      const runDir = path.resolve(dir);
      const config = readRunConfig(runDir);
      const { store, runs } = await openRunStore(runDir);
      if (runs.length !== 1) {
        await store.close();
        throw new UserError(`${dir} holds ${runs.length} runs; coex finalize takes a single run folder`);
      }
      const trials = await store.listTrials(runs[0].id);
      await store.close();
      const { pareto } = summarizeTrials(trials, config.objectives);
      if (pareto.length === 0) throw new UserError(`${dir} has no trained candidate to finalize`);
      const chosen = [...pareto].sort((a, b) => (b.metrics.accuracy ?? 0) - (a.metrics.accuracy ?? 0)).slice(0, opts.top);
      const searchEpochs = Number(config.plugins.find((p) => p.role === 'trainer')?.options.epochs ?? 1);
      const epochs: number = opts.epochs ?? searchEpochs * 10;
      const saveDir = path.resolve(opts.save ?? path.join(runDir, 'models'));
      const trust = { file: path.join(runDir, CONFIG_FILE), trusted: !!opts.trustFolder };
      const trainer = await loadTrainer(fullFidelityConfig(config, epochs, saveDir), runDir, runDir, trust);
      const results = [];
      try {
        for (const entry of chosen) {
          process.stderr.write(`coex: finalizing trial ${entry.trial} (${epochs} epochs, full training set)\n`);
          const final = await trainer.train({ seq: entry.trial, seed: entry.seed, architecture: entry.candidate.architecture });
          results.push({ trial: entry.trial, searchAccuracy: entry.metrics.accuracy, metrics: entry.metrics, candidate: entry.candidate, final });
          // Written after every model, so an interruption keeps what finished.
          writeFileAtomic(path.join(runDir, FINALIZE_FILE), JSON.stringify({ at: new Date().toISOString(), epochs, saveDir, results }, null, 2) + '\n');
        }
      } finally {
        await trainer.close?.();
      }
      if (opts.json) return printJson({ epochs, saveDir, results });
      process.stdout.write(table([
        ['trial', 'search accuracy', 'final accuracy', 'final test', 'saved to'],
        ...results.map((r) => [r.trial, formatNumber(r.searchAccuracy), formatNumber(r.final.accuracy), formatNumber(r.final.testAccuracy),
          String(r.final.savedTo ?? '-')]),
      ]) + `\nresults written to ${path.join(runDir, FINALIZE_FILE)}\n`);
    });
}
