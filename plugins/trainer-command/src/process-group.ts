// Runs one shell command in its own process group, so that a timeout or an abort stops the
// command and everything it started (data loader workers, a launcher's children), not just the
// shell. Output is streamed to a log file and split into lines for the caller.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { LineSplitter, LineTail } from './output-lines';

/**
 * The group's guard (POSIX sh). It runs the user's command ($1) in its own shell, beside a
 * watcher that holds the pipe from this process: if the pipe closes while the command runs (the
 * trial is stopped, or Coex itself dies or its worker thread is terminated, which no exit handler
 * sees), the watcher stops the group: SIGTERM, then SIGKILL after $2 seconds. So a trial's
 * processes never outlive Coex. When the command ends by itself, the guard dismisses the watcher
 * and sends SIGTERM to whatever the command left running in its group.
 */
const GUARD = [
  'exec 3<&0 0</dev/null',
  `( trap '' TERM INT HUP; read -r _ <&3; kill -TERM 0 2>/dev/null; sleep "$2"; kill -KILL 0 2>/dev/null ) >/dev/null 2>&1 &`,
  'watcher=$!',
  'sh -c "$1" 3<&-',
  'status=$?',
  'kill -KILL "$watcher" 2>/dev/null',
  "trap '' TERM",
  'kill -TERM 0 2>/dev/null',
  'exit "$status"',
].join('\n');

export interface CommandRun {
  command: string;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Seconds before the command is stopped; absent: no limit. */
  timeout?: number;
  /** Seconds between SIGTERM and SIGKILL when stopping. */
  killAfter: number;
  signal?: AbortSignal;
  /** Lines of output (stdout and stderr together) kept for the error message. */
  tailLines: number;
  /** Everything the command prints, both streams as they arrive. */
  logFile?: string;
  onStdoutLine?: (line: string) => void;
}

export interface CommandOutcome {
  /** 'exit': the command ended by itself; 'timeout' and 'abort': it was stopped. */
  ended: 'exit' | 'timeout' | 'abort';
  code: number | null;
  signal: NodeJS.Signals | null;
  tail: string[];
  seconds: number;
  /** The process could not be started at all (missing shell or folder). */
  spawnError?: Error;
}

/** Sends a signal to the whole process group led by `pid`, best effort (it runs in timers). */
function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    // A negative pid addresses the process group (POSIX). Windows has no groups: signal the shell.
    process.kill(process.platform === 'win32' ? pid : -pid, signal);
  } catch {
    // ESRCH: the group is gone already, which is the goal.
  }
}

export function runCommand(run: CommandRun): Promise<CommandOutcome> {
  return new Promise((resolve) => {
    const started = performance.now();
    const tail = new LineTail(run.tailLines);
    const log = run.logFile ? fs.createWriteStream(run.logFile) : undefined;
    log?.on('error', () => undefined); // the log is a convenience: a full disk must not fail the trial
    // detached: the guard leads a new process group (and session, so a terminal's Ctrl-C reaches
    // Coex, which decides, and not the trial). Windows has neither: the command runs as it is.
    const windows = process.platform === 'win32';
    const child = windows
      ? spawn(run.command, { shell: true, cwd: run.cwd, env: run.env, stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn('/bin/sh', ['-c', GUARD, 'coex-trial', run.command, String(run.killAfter)],
        { cwd: run.cwd, env: run.env, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
    child.stdin?.on('error', () => undefined); // the guard may be gone already; its pipe then breaks
    const releaseGuard = () => child.stdin?.end();
    let ended: CommandOutcome['ended'] = 'exit';
    const timers: NodeJS.Timeout[] = [];
    let settled = false;

    const stop = (why: 'timeout' | 'abort') => {
      if (ended !== 'exit' || child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      ended = why;
      releaseGuard();
      signalGroup(child.pid, 'SIGTERM');
      timers.push(setTimeout(() => signalGroup(child.pid!, 'SIGKILL'), run.killAfter * 1000));
    };
    const onAbort = () => stop('abort');

    const finish = (outcome: Omit<CommandOutcome, 'tail' | 'seconds' | 'ended'>) => {
      if (settled) return;
      settled = true;
      timers.forEach(clearTimeout);
      run.signal?.removeEventListener('abort', onAbort);
      const done = () => resolve({ ended, ...outcome, tail: tail.lines(), seconds: (performance.now() - started) / 1000 });
      if (log && !log.destroyed) log.end(done);
      else done();
    };

    const stdout = new LineSplitter((line) => {
      tail.push(line);
      run.onStdoutLine?.(line);
    });
    const stderr = new LineSplitter((line) => tail.push(line));
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      log?.write(chunk);
      stdout.push(chunk);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      log?.write(chunk);
      stderr.push(chunk);
    });

    child.on('error', (error) => {
      // Only a failed start has no pid; later errors (a failed kill) are followed by 'close'.
      if (child.pid === undefined) finish({ code: null, signal: null, spawnError: error });
    });
    child.on('exit', () => {
      // The guard sent SIGTERM to what the command left running; a stray that ignores it cannot
      // keep the output pipes, and so this trial, open for longer than killAfter.
      timers.push(setTimeout(() => child.pid !== undefined && signalGroup(child.pid, 'SIGKILL'), run.killAfter * 1000));
    });
    child.on('close', (code, signal) => {
      stdout.end();
      stderr.end();
      finish({ code, signal });
    });

    if (run.timeout !== undefined) timers.push(setTimeout(() => stop('timeout'), run.timeout * 1000));
    if (run.signal?.aborted) stop('abort');
    else run.signal?.addEventListener('abort', onAbort, { once: true });
  });
}
