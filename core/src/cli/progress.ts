// Progress of a run on stderr: a bar in a terminal (cli-progress), plain lines otherwise.
import cliProgress from 'cli-progress';
import type { Observable } from 'rxjs';
import type { CoexEvent } from '../events';
import type { RunCounts } from '../hooks';
import type { Trial } from '../types';

const pct = (x: number | undefined) => (typeof x === 'number' ? `${(x * 100).toFixed(1)}%` : '-');

function describe(trial: Trial): string {
  const m = trial.metrics;
  const hw = typeof m.throughput === 'number' ? ` throughput=${m.throughput.toFixed(1)}/s` : '';
  if (trial.status === 'done') return `done acc=${pct(m.accuracy)}${hw}`;
  if (trial.status === 'pruned') return `pruned: ${trial.prunedReason}`;
  return `failed: ${trial.error}`;
}

export function showProgress(events$: Observable<CoexEvent>, total: number, stream: NodeJS.WriteStream = process.stderr): void {
  const tty = !!stream.isTTY && !process.env.CI;
  let bar: cliProgress.SingleBar | undefined;
  let best: number | undefined;
  const payload = (c: RunCounts) => ({ trained: c.trained, pruned: c.pruned, failed: c.failed, best: pct(best) });
  events$.subscribe((event) => {
    switch (event.type) {
      case 'run-start':
        if (tty) {
          bar = new cliProgress.SingleBar(
            { stream, format: 'coex |{bar}| {value}/{total} candidates | trained {trained} pruned {pruned} failed {failed} | best {best} | {duration_formatted}', hideCursor: true },
            cliProgress.Presets.shades_classic,
          );
          bar.start(total, event.counts.sampled, payload(event.counts));
        } else {
          stream.write(`coex: ${event.resumed ? 'resuming' : 'starting'} run ${event.runId}: ${event.counts.sampled}/${total} candidates already done\n`);
        }
        break;
      case 'trial-end': {
        const acc = event.trial.metrics.accuracy;
        if (event.trial.status === 'done' && typeof acc === 'number' && (best === undefined || acc > best)) best = acc;
        if (bar) bar.update(event.counts.sampled, payload(event.counts));
        else stream.write(`coex: trial ${event.trial.seq} (${event.counts.sampled}/${total}) ${describe(event.trial)}\n`);
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
