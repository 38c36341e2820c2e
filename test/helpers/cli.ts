// Runs the real `coex` bin in a child process (from TypeScript sources, like the tests).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const FIXTURES = path.join(ROOT, 'test', 'fixtures');
const BIN = path.join(ROOT, 'cli', 'bin', 'coex.js');
const NODE_ARGS = ['--conditions=coex-source', '-r', path.join(ROOT, 'scripts', 'register.js'), BIN];

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function coex(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): CliResult {
  const r = spawnSync(process.execPath, [...NODE_ARGS, ...args], {
    cwd: options.cwd ?? ROOT,
    encoding: 'utf8',
    env: { ...process.env, CI: '1', ...options.env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

export function coexAsync(args: string[], options: { cwd?: string } = {}): ChildProcess {
  return spawn(process.execPath, [...NODE_ARGS, ...args], { cwd: options.cwd ?? ROOT, env: { ...process.env, CI: '1' } });
}

export function tempDir(prefix = 'coex-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export const TINY_PRESET = path.join(FIXTURES, 'presets', 'tiny.ts');

/** The NAS-Bench-201 sample beside a development checkout (../shared): Coex ships no table, so tests give it explicitly. */
export const NB201_SAMPLE = path.resolve(ROOT, '..', 'shared', 'data', 'nasbench201-sample', 'nb201_sample.csv');
/** The `--set`s that point the nb201-* presets at the sample. */
export const NB201_SAMPLE_SETS = ['--set', `trainer.csv=${NB201_SAMPLE}`, '--set', `hardware.csv=${NB201_SAMPLE}`];

/** Runs many `coex` invocations, a few at a time (each is its own Node process). */
export async function coexMany(cases: string[][], options: { cwd?: string; parallel?: number } = {}): Promise<CliResult[]> {
  const results: CliResult[] = new Array(cases.length);
  let next = 0;
  const workerLoop = async () => {
    while (next < cases.length) {
      const i = next++;
      results[i] = await new Promise<CliResult>((resolve) => {
        const child = coexAsync(cases[i], options);
        let stdout = '';
        let stderr = '';
        child.stdout!.on('data', (d) => (stdout += d));
        child.stderr!.on('data', (d) => (stderr += d));
        child.on('close', (status) => resolve({ status, stdout, stderr }));
      });
    }
  };
  await Promise.all(Array.from({ length: options.parallel ?? 3 }, workerLoop));
  return results;
}
