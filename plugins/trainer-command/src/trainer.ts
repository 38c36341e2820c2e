// The `trainer` role: each trial writes its trial file, runs the user's command in the trial's own
// folder of the run, and reads the metrics the command prints. A non-zero exit, a kill, a timeout
// or a missing metrics line fails that trial with the command's last lines of output.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PluginError, UserError, messageOf, type Trainer, type TrainingResult, type TrainRequest } from '@coex/core';
import { renderCommand } from './command-line';
import { MetricsScanner } from './metrics';
import { checkProgram } from './program-check';
import { PLUGIN_NAME } from './options';
import { runCommand, type CommandOutcome } from './process-group';
import { trialFile, writeTrialFile, type TrialDataset } from './trial-file';

export const LOG_FILE = 'output.log';

/** The shell reports a child killed by signal n as exit 128 + n. */
function signalFromShell(code: number | null): string | undefined {
  if (code === null || code <= 128) return undefined;
  return Object.entries(os.constants.signals).find(([, n]) => n === code - 128)?.[0];
}

export interface CommandTrainerSettings {
  command: string;
  /** Absolute: trial folders are <workDir>/<seq>. */
  workDir: string;
  /** Absolute working directory of the command. */
  cwd: string;
  env: Record<string, string>;
  timeout?: number;
  killAfter: number;
  tailLines: number;
  /** The dataset written into every trial file (loaded or exported once, on first use). */
  dataset?: () => Promise<TrialDataset>;
}

export class CommandTrainer implements Trainer {
  private dataset?: Promise<TrialDataset>;

  constructor(readonly settings: CommandTrainerSettings) {}

  /** Preflight: the program the command starts can be found, so a typo fails the run, not every trial. */
  check(): void {
    checkProgram(this.settings.command, this.settings.cwd, this.settings.env);
  }

  async train(request: TrainRequest): Promise<TrainingResult> {
    const { seq, seed, architecture, signal } = request;
    if (signal?.aborted) throw new Error(`trial ${seq}: aborted before the command started`);
    const dir = path.join(this.settings.workDir, String(seq));
    fs.mkdirSync(dir, { recursive: true });
    const dataset = await this.datasetOnce();
    const arch = writeTrialFile(trialFile({ seq, seed, architecture, dir, ...(dataset ? { dataset } : {}) }));
    const command = renderCommand(this.settings.command, { arch, seq: String(seq), seed: String(seed), dir });
    const logFile = path.join(dir, LOG_FILE);
    // A scheduler's stop verdict ends the command like an abort; the trial is then `stopped`.
    const stop = new AbortController();
    const onAbort = () => stop.abort();
    signal?.addEventListener('abort', onAbort, { once: true });
    let stoppedAt: number | undefined; // curve length at the point that stopped it
    let reports = Promise.resolve();
    const metrics = new MetricsScanner((point) => {
      const index = metrics.curve.length;
      reports = reports.then(async () => {
        if (stoppedAt !== undefined || !request.report) return;
        if (await request.report(point)) {
          stoppedAt = index;
          stop.abort();
        }
      });
    });
    const outcome = await runCommand({
      command,
      cwd: this.settings.cwd,
      // Unbuffered Python: progress reaches the log (and a timed-out trial's message) as it is printed.
      env: { ...process.env, PYTHONUNBUFFERED: '1', ...this.settings.env,
        COEX_ARCH: arch, COEX_SEQ: String(seq), COEX_SEED: String(seed), COEX_TRIAL_DIR: dir,
        ...(request.resumeFrom ? { COEX_RESUME_FROM: request.resumeFrom } : {}) },
      timeout: this.settings.timeout,
      killAfter: this.settings.killAfter,
      signal: stop.signal,
      tailLines: this.settings.tailLines,
      logFile,
      onStdoutLine: (line) => metrics.push(line),
    });
    signal?.removeEventListener('abort', onAbort);
    await reports;
    if (stoppedAt !== undefined && !signal?.aborted) {
      // Lines read while the verdict was on its way are not part of the stopped trial's curve.
      const curve = metrics.curve.slice(0, stoppedAt);
      const last = curve.at(-1)!;
      // The command keeps its own state in its trial folder: a promotion runs it again with COEX_RESUME_FROM.
      return { accuracy: last.accuracy, loss: last.loss, curve, stopped: true, checkpoint: dir, seconds: outcome.seconds, backend: 'command' };
    }
    const failure = this.failureOf(outcome, seq);
    if (failure) {
      const error = new Error(`${failure.message}: ${command}\n${this.outputSection(outcome.tail, logFile)}`);
      // The shell found no program to run: every trial would fail the same way, so stop the run.
      throw failure.stopsRun ? new PluginError(PLUGIN_NAME, 'trainer.train', seq, new UserError(`${error.message}\ncheck trainer.command`)) : error;
    }
    let result: TrainingResult;
    try {
      result = metrics.result();
    } catch (error) {
      throw new Error(`${messageOf(error)}\ncommand: ${command}\n${this.outputSection(outcome.tail, logFile)}`);
    }
    return { ...result, ...(metrics.curve.length ? { curve: metrics.curve } : {}), seconds: result.seconds ?? outcome.seconds, backend: result.backend ?? 'command' };
  }

  private datasetOnce(): Promise<TrialDataset | undefined> {
    if (!this.settings.dataset) return Promise.resolve(undefined);
    this.dataset ??= this.settings.dataset().catch((error: unknown) => {
      this.dataset = undefined; // a later trial tries again
      throw error;
    });
    return this.dataset;
  }

  private failureOf(outcome: CommandOutcome, seq: number): { message: string; stopsRun?: boolean } | undefined {
    if (outcome.spawnError) {
      return { message: `could not start the shell in ${this.settings.cwd} (${outcome.spawnError.message})`, stopsRun: true };
    }
    if (outcome.ended === 'abort') return { message: `trial ${seq} aborted; stopped the process group of the command` };
    if (outcome.ended === 'timeout') return { message: `command timed out after ${this.settings.timeout} s (trainer.timeout)` };
    const signal = outcome.signal ?? signalFromShell(outcome.code);
    if (signal) {
      const hint = signal === 'SIGKILL' ? ' (out of memory?)' : '';
      const shell = outcome.signal ? '' : `, exit ${outcome.code} from the shell`;
      return { message: `command was killed by signal ${signal}${hint}${shell}` };
    }
    if (outcome.code === 127) return { message: 'the shell could not find the command (exit 127)', stopsRun: true };
    if (outcome.code === 126) {
      return { message: 'the command is not executable (exit 126): make it executable or run it through its interpreter, e.g. "python3 script.py"', stopsRun: true };
    }
    if (outcome.code !== 0) return { message: `command exited with code ${outcome.code}` };
    return undefined;
  }

  /** The command's last lines of output, for an error message. */
  private outputSection(tail: string[], logFile: string): string {
    if (this.settings.tailLines === 0) return `output: ${logFile}`;
    if (tail.length === 0) return `it printed nothing (log: ${logFile})`;
    return `last ${tail.length} lines of output (all of it in ${logFile}):\n${tail.map((l) => `  | ${l}`).join('\n')}`;
  }
}
