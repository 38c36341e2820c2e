// `coex finalize`: the search trains children with proxy settings (a data subset, an epoch or two),
// so its accuracies rank candidates but are not final. This retrains the best candidates of the
// front at full fidelity (the whole training split, more epochs), records the results beside the
// search's (<run>/finalize.json) and saves the models.
import * as path from 'node:path';
import type { Command } from 'commander';
import { type ResolvedConfig, writeFileAtomic, CONFIG_FILE, openRunStore, readRunConfig, type ParetoEntry } from '@coex/core/host';
import { UserError, type TrainingResult, FINALIZE_FILE, finalizeCandidates, finalizeTrials, standAloneTrainer, loadTrainer } from '@coex/core';
import { trainerNameOf, writeOnnxWithDesign } from './export-onnx';
import { formatNumber, positiveInt, printJson, table } from './output';

export { FINALIZE_FILE };

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
    .option('--onnx', 'also write each model as ONNX beside it (model.onnx, model.design.json)')
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
      const chosen = finalizeCandidates(trials, config.objectives, opts.top);
      if (chosen.length === 0) throw new UserError(`${dir} has no trained candidate to finalize`);
      const searchEpochs = Number(config.plugins.find((p) => p.role === 'trainer')?.options.epochs ?? 1);
      const epochs: number = opts.epochs ?? searchEpochs * 10;
      const saveDir = path.resolve(opts.save ?? path.join(runDir, 'models'));
      const trust = { file: path.join(runDir, CONFIG_FILE), trusted: !!opts.trustFolder };
      const trainer = await loadTrainer(fullFidelityConfig(config, epochs, saveDir), runDir, runDir, trust);
      let results;
      try {
        // A trainer that scores with estimates (a supernet) retrains stand-alone.
        const finalTrainer = standAloneTrainer(trainer, { epochs, saveDir });
        if (opts.onnx && !finalTrainer.toOnnx) throw new UserError(`--onnx: the run's trainer ${trainerNameOf(config)} cannot write ONNX; @coex/plugin-trainer-tfjs can`);
        const withOnnx = async (entry: ParetoEntry, final: TrainingResult) => typeof final.savedTo !== 'string' ? {} : {
          onnx: (await writeOnnxWithDesign({ trainer: finalTrainer, trainerName: trainerNameOf(config), savedTo: final.savedTo, candidate: entry.candidate,
            out: path.join(path.dirname(final.savedTo), 'model.onnx'),
            source: { run: runDir, trial: entry.trial, seed: entry.seed, metrics: entry.metrics, finalAccuracy: final.accuracy, epochs } })).onnx,
        };
        results = await finalizeTrials(chosen, finalTrainer, {
          runDir, epochs, saveDir, log: (message) => process.stderr.write(`coex: ${message} (${epochs} epochs, full training set)
`),
          ...(opts.onnx ? { extend: withOnnx } : {}),
        });
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
