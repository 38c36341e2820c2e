// @coex/plugin-trainer-command: bring your own trainer. Each trial writes the architecture to a
// JSON file and runs a shell command (PyTorch, JAX, anything) that prints its metrics as a JSON
// line on stdout, like NNI's trial command.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError, definePlugin, type PluginContext, type RoleResolver } from '@coex/core';
import { exportDataset } from './dataset-export';
import { PLUGIN_NAME, PLUGIN_VERSION, optionsSchema, type CommandTrainerPluginOptions } from './options';
import { CommandTrainer } from './trainer';
import type { TrialDataset } from './trial-file';

/** The run's dataset for trial files: its info, the plugin that fills it and that plugin's options. */
async function describeDataset(ctx: PluginContext, roles: RoleResolver, options: CommandTrainerPluginOptions, workDir: string)
  : Promise<(() => Promise<TrialDataset>) | undefined> {
  if (!roles.has('dataset')) {
    if (options.exportData) throw new UserError('trainer.exportData: no plugin of this run fills the dataset role, so there is no data to export');
    return undefined;
  }
  const dataset = await roles.get('dataset');
  const resolved = ctx.config?.plugins.find((p) => p.role === 'dataset');
  const base: TrialDataset = {
    ...dataset.info(),
    ...(resolved ? { plugin: resolved.name, options: resolved.options } : {}),
  };
  if (!options.exportData) return async () => base;
  // The run's seed picks the splits, as it does for the built-in trainers.
  const key = { name: base.name, plugin: base.plugin, options: base.options, seed: ctx.seed };
  return async () => ({ ...base, files: await exportDataset(dataset, ctx.seed, path.join(workDir, 'dataset'), key) });
}

function existingFolder(folder: string, option: string): string {
  if (!fs.existsSync(folder) || !fs.statSync(folder).isDirectory()) {
    throw new UserError(`${option}: folder ${folder} does not exist`);
  }
  return folder;
}

export default definePlugin({
  name: PLUGIN_NAME,
  version: PLUGIN_VERSION,
  role: 'trainer',
  description: 'Bring your own trainer: runs a shell command per trial and reads its metrics from a JSON line',
  options: optionsSchema,
  apply(ctx, options) {
    ctx.provide('trainer', async (roles) => {
      const workDir = path.resolve(ctx.outDir, options.workDir ?? 'trials');
      return new CommandTrainer({
        command: options.command,
        workDir,
        cwd: existingFolder(options.cwd, 'trainer.cwd'),
        env: options.env,
        timeout: options.timeout,
        killAfter: options.killAfter,
        tailLines: options.tailLines,
        dataset: await describeDataset(ctx, roles, options, workDir),
      });
    });
  },
});

export { PLUGIN_NAME, PLUGIN_VERSION, optionsSchema, type CommandTrainerPluginOptions } from './options';
export { CommandTrainer, LOG_FILE, type CommandTrainerSettings } from './trainer';
export { MetricsError, MetricsScanner } from './metrics';
export { renderCommand, shellQuote, PLACEHOLDERS, type Placeholder, type PlaceholderValues } from './command-line';
export { runCommand, type CommandOutcome, type CommandRun } from './process-group';
export { TRIAL_FILE, TRIAL_FORMAT, trialFile, writeTrialFile, type TrialDataset, type TrialFile } from './trial-file';
export { exportDataset, npyHeader, type ExportedSplit, type ExportedSplits } from './dataset-export';
