// `coex train`: train one network on a dataset and report its accuracy and speed, so that a user
// can check a candidate without running a search. Goes through the same plugins as a run.
import * as path from 'node:path';
import type { Command } from '@coex/cli';
import { UserError } from '@coex/core';
import { chainCnn, describeChainCnn, parseArchFlag, parseInputShape } from '@coex/kit-chain-cnn';
import { resolveConfig, PluginHost } from '@coex/core/host';
import { USE_HELP, collect, formatNumber, nonNegativeInt, positiveInt, printJson, seedOption } from '@coex/cli';

export function registerTrain(program: Command): void {
  program
    .command('train')
    .requiredOption('--arch <json>', "list of [kernel, filters, stride], e.g. '[[3,36,1],[5,48,2]]'")
    .requiredOption('--dataset <name>', 'dataset plugin: fashion-mnist, mnist, cifar10, synthetic, or a third-party one')
    .option('--input <HxWxC>', "input shape (default: the dataset's own; synthetic takes it from here)")
    .option('--epochs <n>', 'epochs', positiveInt('--epochs'))
    .option('--subset <n>', 'training images used (drawn by the seed)', positiveInt('--subset'))
    .option('--batch <n>', 'batch size', positiveInt('--batch'))
    .option('--seed <s>', 'seed of weights, shuffling and the data split', seedOption('--seed'), 1)
    .option('--save <dir>', 'save the trained model (tfjs format) under this folder')
    .option('--trainer <name>', 'trainer plugin (shorthand for --use <name>)', 'trainer-tfjs')
    .option('--use <plugin[=json]>', USE_HELP, collect, [])
    .option('--set <path=value>', 'trainer.<option>=<value> or dataset.<option>=<value> (repeatable)', collect, [])
    .option('--json', 'print JSON')
    .action(async (opts) => {
      for (const s of opts.set as string[]) {
        if (!/^(trainer|dataset)\./.test(s)) throw new UserError(`--set ${s}: coex train takes trainer.<option> or dataset.<option>`);
      }
      const sets: string[] = [...opts.set];
      if (opts.epochs !== undefined) sets.push(`trainer.epochs=${opts.epochs}`);
      if (opts.batch !== undefined) sets.push(`trainer.batchSize=${opts.batch}`);
      if (opts.subset !== undefined) sets.push(`dataset.subset=${opts.subset}`);
      if (opts.save) sets.push(`trainer.saveDir=${JSON.stringify(path.resolve(opts.save))}`);
      const datasetPlugin = opts.dataset.includes('/') || opts.dataset.startsWith('dataset-') ? opts.dataset : `dataset-${opts.dataset}`;
      if (opts.input && /synthetic$/.test(datasetPlugin)) sets.push(`dataset.input=${JSON.stringify(opts.input)}`);
      const { config, plugins } = resolveConfig({ plugins: [opts.trainer, datasetPlugin], use: opts.use, sets, seed: opts.seed });
      // One host for both roles: the trainer reads the same dataset instance.
      const host = new PluginHost({ dir: process.cwd(), config, plugins });
      await host.applyPlugins();
      const info = (await host.role('dataset')).info();
      const input = opts.input ? parseInputShape(opts.input) : info.shape;
      if (input.height !== info.shape.height || input.width !== info.shape.width || input.channels !== info.shape.channels) {
        throw new UserError(`--input ${opts.input}: the ${info.name} dataset's images are ${info.shape.height}x${info.shape.width}x${info.shape.channels}`);
      }
      const layers = parseArchFlag(opts.arch, `${input.height}x${input.width}x${input.channels}`, info.classes).layers;
      const architecture = chainCnn(layers, input, info.classes);
      const trainer = await host.role('trainer');
      try {
        const result = await trainer.train({ seq: 0, seed: opts.seed, architecture });
        const out = { params: describeChainCnn(architecture).params, ...result };
        if (opts.json) return printJson(out);
        process.stdout.write([
          `validation accuracy ${formatNumber(result.accuracy * 100)}%` + (result.testAccuracy !== undefined ? `, test ${formatNumber(result.testAccuracy * 100)}%` : ''),
          `backend ${result.backend}, ${formatNumber(result.imagesPerSecond as number)} images/s, ${out.params} parameters, ${formatNumber(result.seconds)} s`,
          ...(result.savedTo ? [`saved to ${result.savedTo}`] : []),
        ].join('\n') + '\n');
      } finally {
        await trainer.close?.();
      }
    });
}

export const register = registerTrain;
