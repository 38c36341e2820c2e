// One persistent Python process (python/coex_torch_worker.py) that trains one child at a time:
// requests and replies are JSON lines on its stdin and stdout. A process whose trial is aborted,
// runs past its hard time limit or dies is killed and never reused; the trainer starts another.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import type { Architecture, CurvePoint } from '@coex/core';

export const WORKER_SCRIPT = path.join(__dirname, '..', 'python', 'coex_torch_worker.py');

/** Lines of the worker's stderr quoted when it dies. */
const STDERR_TAIL = 20;
/** Seconds between SIGTERM and SIGKILL. */
const KILL_AFTER = 5;

export interface TrainMessage {
  type: 'train';
  id: number;
  seed: number;
  architecture: Architecture;
  /** manifest.json of the data files. */
  data: string;
  options: Record<string, unknown>;
  saveDir?: string;
}

type Reply = (
  | { type: 'ready'; pid: number; torch: string; python: string; threads: number }
  | { type: 'curve'; id: number; point: CurvePoint }
  | { type: 'result'; id: number; result: Record<string, unknown> }
  | { type: 'error'; id: number; name: string; message: string }
) & { /** The process's CPU seconds so far (every reply carries it). */ cpu?: number };

/** An error with the name the worker gave it (TimeLimitError, NonFiniteLossError, ...) or AbortError. */
export function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

interface Job {
  id: number;
  onCurve: (point: CurvePoint) => void;
  resolve: (result: Record<string, unknown>) => void;
  reject: (error: Error) => void;
}

export class TorchProcess {
  readonly ready: Promise<{ pid: number; torch: string }>;
  /** Settles once the process has exited and Node has reaped it. */
  readonly exit: Promise<void>;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly stderr: string[] = [];
  private job?: Job;
  private exited?: string;
  private killed = false;
  /** CPU seconds of the process at its latest reply, and the part of them already charged to children. */
  private cpuReported = 0;
  private cpuCharged = 0;

  constructor(command: string, env: NodeJS.ProcessEnv) {
    this.child = spawn(command, ['-u', WORKER_SCRIPT], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdin.on('error', () => undefined); // a dead worker's pipe breaks; 'exit' reports it
    createInterface({ input: this.child.stderr }).on('line', (line) => {
      this.stderr.push(line);
      if (this.stderr.length > STDERR_TAIL) this.stderr.shift();
    });
    this.ready = new Promise((resolve, reject) => {
      createInterface({ input: this.child.stdout }).on('line', (line) => {
        const reply = parseReply(line);
        if (!reply) return void this.stderr.push(`(stdout) ${line}`);
        if (typeof reply.cpu === 'number' && Number.isFinite(reply.cpu)) this.cpuReported = reply.cpu;
        if (reply.type === 'ready') resolve({ pid: reply.pid, torch: reply.torch });
        else this.onReply(reply);
      });
      this.child.on('error', (error) => this.onExit(`could not start ${command}: ${error.message}`, reject));
      this.child.on('exit', (code, signal) => this.onExit(`exited with ${signal ? `signal ${signal}` : `code ${code}`}`, reject));
    });
    this.ready.catch(() => undefined);
    this.exit = new Promise((resolve) => {
      this.child.on('exit', () => resolve());
      this.child.on('error', () => this.child.pid === undefined && resolve()); // never started
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Running and not being stopped: it can train another child. */
  get alive(): boolean {
    return this.exited === undefined && !this.killed;
  }

  /** Trains one child; the worker must be idle. */
  train(message: TrainMessage, onCurve: (point: CurvePoint) => void): Promise<Record<string, unknown>> {
    if (this.job) return Promise.reject(new Error(`Python worker ${this.pid} is busy with trial ${this.job.id}`));
    if (this.exited) return Promise.reject(this.deathError());
    return new Promise((resolve, reject) => {
      this.job = { id: message.id, onCurve, resolve, reject };
      this.child.stdin.write(`${JSON.stringify(message)}\n`);
    });
  }

  /**
   * CPU seconds the process used since the previous call (since it started, at the first call:
   * a child that needed a new process pays its start-up), as of its latest reply. The trainer
   * calls it once per child, when the child ends.
   */
  takeCpuSeconds(): number {
    const used = this.cpuReported - this.cpuCharged;
    this.cpuCharged = this.cpuReported;
    return used;
  }

  /** Stops the process (SIGTERM, then SIGKILL); a trial in flight is rejected with `reason`. */
  kill(reason?: Error): void {
    const job = this.job;
    this.job = undefined;
    if (job && reason) job.reject(reason);
    if (!this.alive) return;
    this.killed = true;
    this.child.kill('SIGTERM');
    setTimeout(() => this.exited === undefined && this.child.kill('SIGKILL'), KILL_AFTER * 1000).unref();
  }

  /**
   * Ends the process by closing its stdin (it exits at once, even mid-training) and waits until it
   * has exited (SIGKILL past KILL_AFTER): a caller that ends its thread right after would otherwise
   * leave a zombie nobody reaps.
   */
  async close(): Promise<void> {
    if (this.exited === undefined) {
      this.child.stdin.end();
      const timer = setTimeout(() => this.child.kill('SIGKILL'), KILL_AFTER * 1000);
      await this.exit;
      clearTimeout(timer);
    }
  }

  private onReply(reply: Exclude<Reply, { type: 'ready' }>): void {
    const job = this.job;
    if (!job || reply.id !== job.id) return;
    if (reply.type === 'curve') return job.onCurve(reply.point);
    this.job = undefined;
    if (reply.type === 'result') job.resolve(reply.result);
    else job.reject(namedError(reply.name, reply.message));
  }

  private onExit(why: string, rejectReady: (error: Error) => void): void {
    if (this.exited) return;
    this.exited = why;
    const error = this.deathError();
    rejectReady(error);
    const job = this.job;
    this.job = undefined;
    job?.reject(error);
  }

  private deathError(): Error {
    const tail = this.stderr.length ? `; its last lines of output:\n${this.stderr.map((l) => `  | ${l}`).join('\n')}` : '';
    return new Error(`Python worker ${this.pid ?? ''} ${this.exited}${tail}`);
  }
}

function parseReply(line: string): Reply | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value = JSON.parse(line) as Reply;
    return typeof value?.type === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
