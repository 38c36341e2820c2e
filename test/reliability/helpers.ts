// Shared by the reliability specs: config files, `coex` processes killed at a chosen point, and a
// look into a run folder's store from the test process (what a crash left behind).
import { spawn, type ChildProcess } from 'node:child_process';
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { isFinal, type RunRecord, type Trial } from '@coex/core';
import { SqliteStore } from '@coex/plugin-store-sqlite';
import { fakePluginPath, type FakePluginName } from '@coex/testing';
import { FIXTURES, ROOT, coexAsync, type CliResult } from '../helpers/cli';

export const fixturePlugin = (name: FakePluginName) => fakePluginPath(name);
export const fixturePreset = (name: string) => path.join(FIXTURES, 'presets', `${name}.ts`);

/** Writes a JSON config file into `dir` and returns its path. */
export function writeConfig(dir: string, name: string, config: object): string {
  const file = path.join(dir, `${name}.json`);
  fs.writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

/**
 * When to kill: once the process has printed `coex: run folder` (config.json written, lock taken),
 * after `trials` more trial lines, plus `delayMs`.
 */
export interface KillPoint {
  trials: number;
  delayMs: number;
}

export interface Outcome extends CliResult {
  /** The process was killed by SIGKILL (it had not finished by then). */
  killed: boolean;
}

/** A running `coex` process whose stderr can be waited on line by line. */
export class CoexProcess {
  readonly child: ChildProcess;
  readonly done: Promise<Outcome>;
  private stderr = '';
  private readonly watchers = new Set<(line: string) => void>();

  constructor(args: string[]) {
    this.child = coexAsync(args);
    let stdout = '';
    let pending = '';
    this.child.stdout!.on('data', (d) => (stdout += d));
    this.child.stderr!.on('data', (d: Buffer) => {
      this.stderr += d;
      const lines = (pending + d).split('\n');
      pending = lines.pop()!;
      for (const line of lines) for (const watch of [...this.watchers]) watch(line);
    });
    this.done = new Promise((resolve) => {
      this.child.on('close', (status, signal) => resolve({ status, stdout, stderr: this.stderr, killed: signal === 'SIGKILL' }));
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Calls `watch` with every later line of stderr until it returns true. */
  watch(watch: (line: string) => boolean | void): void {
    const wrapped = (line: string) => {
      if (watch(line)) this.watchers.delete(wrapped);
    };
    this.watchers.add(wrapped);
  }

  /** Resolves at the first later stderr line matching `pattern`; rejects if the process ends first. */
  waitFor(pattern: RegExp): Promise<string> {
    return new Promise((resolve, reject) => {
      this.watch((line) => (pattern.test(line) ? (resolve(line), true) : false));
      void this.done.then((o) => reject(new Error(`coex ended (exit ${o.status}) before printing ${pattern}:\n${o.stderr}`)));
    });
  }

  kill(): Promise<Outcome> {
    this.child.kill('SIGKILL');
    return this.done;
  }
}

/** Runs `coex args`; with a kill point, sends SIGKILL there (unless the process exits first). */
export function coexKilledAt(args: string[], at?: KillPoint): Promise<Outcome> {
  const coex = new CoexProcess(args);
  if (at) {
    let anchored = false;
    let trials = 0;
    coex.watch((line) => {
      if (line.startsWith('coex: run folder ')) anchored = true;
      else if (anchored && /^coex: trial \d+ \(/.test(line)) trials += 1;
      if (!anchored || trials < at.trials) return false;
      setTimeout(() => coex.child.kill('SIGKILL'), at.delayMs);
      return true;
    });
  }
  return coex.done;
}

export interface StoredRun {
  runs: RunRecord[];
  trials: Trial[];
}

/** What the run folder's store holds (nothing when the store was never created). */
export async function readStore(dir: string, file = path.join(dir, 'coex.db'), runId = 'main'): Promise<StoredRun> {
  let store: SqliteStore;
  try {
    store = new SqliteStore(file, { readOnly: true });
  } catch (error) {
    // Killed before the store was created, or before its schema was committed.
    if (/does not exist|holds no Coex data/.test((error as Error).message)) return { runs: [], trials: [] };
    throw error;
  }
  try {
    return { runs: await store.listRuns(), trials: await store.listTrials(runId) };
  } finally {
    await store.close();
  }
}

export const finalTrials = (trials: Trial[]) => trials.filter((t) => isFinal(t.status));

/** The seqs 0..n-1. */
export const seqs = (n: number) => [...Array(n).keys()];

/** An exported trial row without what legitimately differs between runs (when and where it ran). */
export function comparable(row: Record<string, unknown>): Record<string, unknown> {
  const { worker: _worker, startedAt: _startedAt, finishedAt: _finishedAt, ...rest } = row;
  return rest;
}

/**
 * Another process holding SQLite's write lock on each file (`BEGIN EXCLUSIVE`, as a tool with an
 * open write transaction would), until released. Files that do not exist are created empty.
 */
export async function holdWriteLocks(files: string[]): Promise<{ release(): Promise<void> }> {
  const script = `
    const Database = require('better-sqlite3');
    const dbs = process.argv.slice(1).map((f) => new Database(f));
    for (const db of dbs) db.exec('BEGIN EXCLUSIVE');
    process.stdout.write('locked\\n');
    process.stdin.on('end', () => { for (const db of dbs) { db.exec('ROLLBACK'); db.close(); } process.exit(0); });
    process.stdin.resume();`;
  const child = spawn(process.execPath, ['-e', script, ...files], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => String(d).includes('locked') && resolve());
    void exited.then((code) => reject(new Error(`the lock holder exited (${code}) before locking: ${stderr}`)));
  });
  return {
    async release() {
      child.stdin!.end();
      expect(await exited, stderr).to.equal(0);
    },
  };
}

/** SQLite's own check of a store file: "ok" when nothing is damaged. */
export function integrityCheck(file: string): unknown {
  const db = openRaw(file);
  try {
    return db.pragma('integrity_check', { simple: true });
  } finally {
    db.close();
  }
}

interface RawDatabase {
  pragma(source: string, options?: { simple?: boolean }): unknown;
  close(): void;
}

function openRaw(file: string): RawDatabase {
  // better-sqlite3 ships no types; only these two members are used.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Database = require('better-sqlite3') as new (file: string, options: { readonly: boolean; fileMustExist: boolean }) => RawDatabase;
  return new Database(file, { readonly: true, fileMustExist: true });
}
