// `coex report`: a self-contained HTML report of a run or a study. Core does not depend on the
// chart libraries: the command loads @coex/report at run time (from the folder, the current
// folder or beside core, like plugins) and calls its writeReport().
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { UserError } from '../errors';
import { CONFIG_FILE } from '../experiment';
import { STUDY_FILE } from '../study';
import { loadOptionalPackage } from './optional-package';
import { printJson } from './output';

export const REPORT_PACKAGE = '@coex/report';

export interface ReportOptions {
  /** The arm the others are compared with (default: the first). */
  baseline?: string;
  /** Accuracy threshold of the equal-accuracy comparison (default: the lowest best accuracy of any run). */
  accuracy?: number;
}

/** What the command needs from @coex/report. */
export interface ReportModule {
  writeReport(dir: string, options?: ReportOptions): Promise<{ html: string; json: string; charts: string[] }>;
}

/** Loads @coex/report from beside core or the current folder, never from inside the folder reported on (it is data). */
export function loadReportModule(baseDir: string): ReportModule {
  return loadOptionalPackage<ReportModule>(REPORT_PACKAGE, 'writeReport', 'report', baseDir);
}

function fraction(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || n > 1) throw new InvalidArgumentError(`--accuracy expects a fraction in (0, 1], e.g. 0.9, got "${value}"`);
  return n;
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description('write <dir>/report.html (charts, statistics, configurations) for a run or a study')
    .argument('<dir>', 'run or study folder')
    .option('--baseline <label>', 'the arm the others are compared with (default: the first arm)')
    .option('--accuracy <fraction>', 'accuracy threshold of the equal-accuracy table (default: the lowest best accuracy of any run)', fraction)
    .option('--json', 'print the paths written as JSON')
    .action(async (dir: string, opts) => {
      const absolute = path.resolve(dir);
      if (!fs.existsSync(path.join(absolute, STUDY_FILE)) && !fs.existsSync(path.join(absolute, CONFIG_FILE))) {
        throw new UserError(`${absolute} is neither a Coex run folder (no ${CONFIG_FILE}) nor a study folder (no ${STUDY_FILE})`);
      }
      const { writeReport } = loadReportModule(absolute);
      const written = await writeReport(absolute, { baseline: opts.baseline, accuracy: opts.accuracy });
      if (opts.json) printJson(written);
      else process.stdout.write(`wrote ${written.html}\n  (numbers: ${written.json}; charts: ${path.dirname(written.charts[0] ?? written.html)})\n`);
    });
}
