// Preflight of the trainer command: the program it starts (its first word) exists here. Asked of
// the shell itself (`command -v`), so PATH, the command's folder and shell builtins count as they
// will when trials run.
import { spawnSync } from 'node:child_process';
import { UserError } from '@coex/core';

/** The program a command line starts: its first word after `VAR=value` assignments; undefined when not a plain word. */
export function programOf(command: string): string | undefined {
  const words = command.trim().split(/\s+/);
  const first = words.find((w) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(w));
  return first && /^[A-Za-z0-9_\/.,:+@%-]+$/.test(first) ? first : undefined;
}

export function checkProgram(command: string, cwd: string, env: Record<string, string>): void {
  const program = programOf(command);
  if (!program) return; // quoted, a subshell, a placeholder: the shell's business
  const found = spawnSync('/bin/sh', ['-c', 'command -v -- "$1"', 'coex-check', program], { cwd, env: { ...process.env, ...env }, encoding: 'utf8' });
  if (found.status === 0 && found.stdout.trim()) return;
  throw new UserError(
    `trainer.command: the program "${program}" is not found on this machine (searched PATH${program.includes('/') ? ` and ${cwd}` : ''}); ` +
      'install it, or give its full path in trainer.command (relative paths start at trainer.cwd)',
  );
}
