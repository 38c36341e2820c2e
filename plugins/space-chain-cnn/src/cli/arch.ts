// `coex arch`: parameters and MACs of a chain-CNN architecture, without running anything.
import type { Command } from '@coex/cli';
import { describeChainCnn, parseArchFlag } from '@coex/kit-chain-cnn';
import { positiveInt, printJson, table } from '@coex/cli';

export function registerArch(program: Command): void {
  program
    .command('arch')
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

export const register = registerArch;
