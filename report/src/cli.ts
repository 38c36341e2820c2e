// `coex report`: a self-contained HTML report of a run or a study. Contributed by @coex/report
// (package.json "coex.commands"): the CLI loads this module, and with it the chart libraries, only
// when the command runs.
import * as path from 'node:path';
import { InvalidArgumentError, printJson, runOrStudyDir, type Command } from '@coex/cli';
import { writeReport } from './index';

function fraction(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 1) throw new InvalidArgumentError(`--accuracy expects a fraction in (0, 1], e.g. 0.9, got "${value}"`);
  return n;
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .argument('<dir>', 'run or study folder')
    .option('--baseline <label>', 'the arm the others are compared with (default: the first arm)')
    .option('--accuracy <fraction>', 'accuracy threshold of the equal-accuracy table (default: the lowest best accuracy of any run)', fraction)
    .option('--json', 'print the paths written as JSON')
    .action(async (dir: string, opts) => {
      const absolute = runOrStudyDir(dir);
      const written = await writeReport(absolute, { baseline: opts.baseline, accuracy: opts.accuracy });
      if (opts.json) printJson(written);
      else process.stdout.write(`wrote ${written.html}\n  (numbers: ${written.json}; charts: ${path.dirname(written.charts[0] ?? written.html)})\n`);
    });
}

export const register = registerReport;
