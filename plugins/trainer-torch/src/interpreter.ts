// Which Python trains: the option trainer.python, else env COEX_PYTHON, else the first of `python3`
// on PATH and /usr/bin/python3 that imports torch. Checked once per process (importing torch takes
// a second or two), with a UserError naming every interpreter tried and why it did not do.
import { spawnSync } from 'node:child_process';
import { UserError } from '@coex/core';
import { PLUGIN_NAME } from './options';

export interface PythonInterpreter {
  command: string;
  torch: string;
}

export const DEFAULT_PYTHONS = ['python3', '/usr/bin/python3'] as const;

/** What to try, in order, with where each candidate came from. */
export function interpreterCandidates(option: string | undefined, env: NodeJS.ProcessEnv = process.env): { command: string; from: string }[] {
  if (option) return [{ command: option, from: 'trainer.python' }];
  if (env.COEX_PYTHON) return [{ command: env.COEX_PYTHON, from: 'COEX_PYTHON' }];
  return DEFAULT_PYTHONS.map((command) => ({ command, from: 'default' }));
}

/** Why `command` cannot train, or its torch version. */
function probe(command: string): { torch?: string; problem?: string } {
  const r = spawnSync(command, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8', timeout: 120_000 });
  if (r.error) return { problem: (r.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : r.error.message };
  if (r.status !== 0) {
    const last = r.stderr.trim().split('\n').pop() ?? '';
    return { problem: /No module named .?torch/.test(r.stderr) ? 'no torch module' : `exit ${r.status}${last ? `: ${last}` : ''}` };
  }
  return { torch: r.stdout.trim() };
}

const found = new Map<string, PythonInterpreter>();

export function resolveInterpreter(option: string | undefined, env: NodeJS.ProcessEnv = process.env): PythonInterpreter {
  const candidates = interpreterCandidates(option, env);
  const key = JSON.stringify(candidates);
  const known = found.get(key);
  if (known) return known;
  const tried: string[] = [];
  for (const { command, from } of candidates) {
    const { torch, problem } = probe(command);
    if (torch) {
      const interpreter = { command, torch };
      found.set(key, interpreter);
      return interpreter;
    }
    tried.push(`${command}${from === 'default' ? '' : ` (${from})`}: ${problem}`);
  }
  throw new UserError(
    `${PLUGIN_NAME}: no Python with PyTorch found; tried ${tried.join('; ')}. ` +
      'Install PyTorch (Debian: apt install python3-torch; or pip install torch) or name an interpreter that has it with ' +
      '--set trainer.python=/path/to/python3 or the environment variable COEX_PYTHON',
  );
}
