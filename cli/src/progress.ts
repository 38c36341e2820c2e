// Progress of a run on stderr: a bar in a terminal (cli-progress), plain lines otherwise.
import cliProgress from 'cli-progress';
import type { Observable } from 'rxjs';
import type { CoexEvent, RunCounts, Budget, Trial } from '@coex/core';
import { childrenTrained } from '@coex/core/host';

const pct = (x: number | undefined) => (typeof x === 'number' ? `${(x * 100).toFixed(1)}%` : '-');

/**
 * How far a run is through its budget, 0..1. A run ends at whichever of its budgets is reached
 * first: candidates sampled, or children trained (failed ones count, as the engine counts them).
 */
export function budgetFraction(counts: RunCounts, budget: Budget): number {
  const candidates = counts.sampled / budget.candidates;
  const trained = budget.trained ? childrenTrained(counts) / budget.trained : 0;
  return Math.min(1, Math.max(candidates, trained));
}

/** A fraction as a percentage with one decimal (0.1234 -> 12.3). */
export const percentOf = (fraction: number) => Math.round(fraction * 1000) / 10;

/** e.g. "12/400 candidates, 5/50 trained" (the trained part only when there is such a budget). */
export function progressText(counts: RunCounts, budget: Budget): string {
  const trained = budget.trained ? `, ${childrenTrained(counts)}/${budget.trained} trained` : '';
  return `${counts.sampled}/${budget.candidates} candidates${trained}`;
}

/** One line's worth about a finished trial: its outcome and headline metrics. */
export function describeTrial(trial: Trial): string {
  const m = trial.metrics;
  const hw = typeof m.throughput === 'number' ? ` throughput=${m.throughput.toFixed(1)}/s` : '';
  if (trial.status === 'done') return `done acc=${pct(m.accuracy)}${hw}`;
  if (trial.status === 'pruned') return `pruned: ${trial.prunedReason}`;
  if (trial.status === 'stopped') return `stopped acc=${pct(m.accuracy)}${hw}: ${trial.stoppedReason}`;
  return `failed: ${trial.error}`;
}

/** Progress of one run: a bar in percent of its budget on a terminal, plain lines otherwise. */
export function showProgress(events$: Observable<CoexEvent>, budget: Budget, stream: NodeJS.WriteStream = process.stderr): void {
  const tty = !!stream.isTTY && !process.env.CI;
  let bar: cliProgress.SingleBar | undefined;
  let best: number | undefined;
  const value = (c: RunCounts) => percentOf(budgetFraction(c, budget));
  const payload = (c: RunCounts) => ({ counts: progressText(c, budget), pruned: c.pruned, failed: c.failed, best: pct(best) });
  events$.subscribe((event) => {
    switch (event.type) {
      case 'run-start':
        if (tty) {
          bar = new cliProgress.SingleBar(
            { stream, format: 'coex |{bar}| {percentage}% | {counts} | pruned {pruned} failed {failed} | best {best} | {duration_formatted}', hideCursor: true },
            cliProgress.Presets.shades_classic,
          );
          bar.start(100, value(event.counts), payload(event.counts));
        } else {
          stream.write(`coex: ${event.resumed ? 'resuming' : 'starting'} run ${event.runId}: ${progressText(event.counts, budget)} already done\n`);
        }
        break;
      case 'trial-end': {
        const acc = event.trial.metrics.accuracy;
        if (event.trial.status === 'done' && typeof acc === 'number' && (best === undefined || acc > best)) best = acc;
        if (bar) bar.update(value(event.counts), payload(event.counts));
        else stream.write(`coex: trial ${event.trial.seq} (${progressText(event.counts, budget)}) ${describeTrial(event.trial)}\n`);
        break;
      }
      case 'warning':
        if (bar) bar.stop();
        stream.write(`coex: warning: ${event.message}\n`);
        break;
      case 'run-end':
        bar?.stop();
        break;
      default:
        break;
    }
  });
}
