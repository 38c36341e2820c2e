// `coex show` and `coex export`: read a run folder's store (also while the run is in progress).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { ResolvedConfig } from '../config';
import { openRunStore } from '../experiment';
import { summarizeTrials, toCsv, trialRows, type RunResults } from '../results';
import { formatNumber, printJson, table } from './output';

export function printSummary(dir: string, config: ResolvedConfig, results: RunResults, status?: string): void {
  const { counts, pareto, best } = results;
  const lines = [
    `run ${dir}${config.preset ? ` (preset ${config.preset}, seed ${config.seed})` : ''}${status ? `: ${status}` : ''}`,
    `candidates: ${counts.sampled} sampled, ${counts.pruned} pruned, ${counts.trained} trained, ${counts.failed} failed`,
  ];
  if (best) {
    lines.push(`best accuracy: ${(best.accuracy * 100).toFixed(2)}% (trial ${best.trial})` +
      (best.testAccuracy !== undefined ? `, test ${(best.testAccuracy * 100).toFixed(2)}%` : ''));
  }
  if (pareto.length) {
    const metrics = results.objectives.map((o) => o.metric);
    lines.push(`Pareto front (${results.objectives.map((o) => `${o.metric} ${o.goal}`).join(', ')}):`);
    lines.push(table([['trial', ...metrics, 'reward'], ...pareto.map((p) => [p.trial, ...metrics.map((m) => formatNumber(p.metrics[m])), formatNumber(p.reward)])]));
  }
  process.stdout.write(lines.join('\n') + '\n');
}

export function registerShow(program: Command): void {
  program
    .command('show')
    .description('summary of a run: counts by status, the Pareto front, the best trial')
    .argument('<dir>', 'run folder')
    .option('--json', 'JSON with counts, pareto and best')
    .action(async (dir: string, opts) => {
      const { store, config, runs } = await openRunStore(dir);
      const out = [];
      for (const run of runs) {
        const results = summarizeTrials(await store.listTrials(run.id), config.objectives);
        out.push({ run, results });
      }
      await store.close();
      if (opts.json) {
        const entries = out.map(({ run, results }) => ({
          run: { id: run.id, status: run.status, preset: run.preset, seed: run.seed },
          ...results,
        }));
        printJson(entries.length === 1 ? { dir: path.resolve(dir), ...entries[0] } : { dir: path.resolve(dir), runs: entries });
      } else if (out.length === 0) {
        process.stdout.write(`run ${dir}: no trials yet\n`);
      } else {
        for (const { run, results } of out) printSummary(dir, config, results, run.status);
      }
    });

  program
    .command('export')
    .description('all trials of a run as JSON or CSV')
    .argument('<dir>', 'run folder')
    .option('--format <format>', 'json or csv', (v: string) => {
      if (v !== 'json' && v !== 'csv') throw new InvalidArgumentError(`--format must be json or csv, got "${v}"`);
      return v;
    }, 'json')
    .option('--out <file>', 'write to a file instead of stdout')
    .action(async (dir: string, opts) => {
      const { store, runs } = await openRunStore(dir);
      const rows = [];
      for (const run of runs) rows.push(...trialRows(await store.listTrials(run.id), runs.length > 1 ? run.id : undefined));
      await store.close();
      const text = opts.format === 'csv' ? toCsv(rows) : JSON.stringify(rows, null, 2) + '\n';
      if (opts.out) {
        fs.writeFileSync(opts.out, text);
        process.stderr.write(`coex: wrote ${rows.length} trials to ${opts.out}\n`);
      } else process.stdout.write(text);
    });
}
