// `coex arch`: parameters and MACs of a chain-CNN architecture, without running anything.
import type { Command } from 'commander';
import { chainCnn, describeChainCnn, parseInputShape } from '../chain-cnn';
import { UserError } from '../errors';
import type { ChainCnnArchitecture } from '../types';
import { positiveInt, printJson, table } from './output';

/** Parses `--arch '[[kernel,filters,stride],...]'` into a chain-CNN architecture. */
export function parseArchFlag(text: string, input: string, classes: number): ChainCnnArchitecture {
  let layers: unknown;
  try {
    layers = JSON.parse(text);
  } catch (error) {
    throw new UserError(`--arch: not valid JSON (${(error as Error).message}); expected a list of [kernel, filters, stride], e.g. '[[3,36,1],[5,48,2]]'`);
  }
  if (!Array.isArray(layers) || layers.length === 0) throw new UserError('--arch: expected a non-empty list of [kernel, filters, stride]');
  layers.forEach((l, i) => {
    if (!Array.isArray(l) || l.length !== 3) throw new UserError(`--arch: layer ${i} must be [kernel, filters, stride], got ${JSON.stringify(l)}`);
  });
  const arch = chainCnn(layers as [number, number, number][], parseInputShape(input), classes);
  describeChainCnn(arch); // validates every layer
  return arch;
}

export function registerArch(program: Command): void {
  program
    .command('arch')
    .description('parameter and MAC counts of a chain-CNN architecture')
    .requiredOption('--arch <json>', "list of [kernel, filters, stride], e.g. '[[3,36,1],[5,48,2]]'")
    .option('--input <HxWxC>', 'input shape', '32x32x3')
    .option('--classes <n>', 'number of classes', positiveInt('--classes'), 10)
    .option('--json', 'print JSON')
    .action((opts) => {
      const summary = describeChainCnn(parseArchFlag(opts.arch, opts.input, opts.classes));
      if (opts.json) return printJson(summary);
      process.stdout.write(table([
        ['layer', 'kind', 'kernel', 'stride', 'in', 'out', 'output', 'params', 'MACs'],
        ...summary.layers.map((l) => [l.index, l.kind, l.kernel, l.stride, l.inChannels, l.outChannels, `${l.outHeight}x${l.outWidth}`, l.params, l.macs]),
      ]) + `\ntotal: ${summary.params} parameters, ${summary.macs} MACs\n`);
    });
}
