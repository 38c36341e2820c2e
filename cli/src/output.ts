import { InvalidArgumentError } from 'commander';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError, messageOf } from '@coex/core';
import { CONFIG_FILE, STUDY_FILE, parseSeed } from '@coex/core/host';

// How commands print: JSON for scripts, short text for people.
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

export function formatNumber(x: number | undefined, digits = 4): string {
  if (typeof x !== 'number' || !Number.isFinite(x)) return '-';
  return Math.abs(x) >= 1000 ? x.toFixed(0) : Number(x.toPrecision(digits)).toString();
}

export function table(rows: (string | number)[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) => r.map((c, i) => String(c).padEnd(widths[i])).join('  ').trimEnd()).join('\n');
}

/** Help of `--use` (run, ablate, train). */
export const USE_HELP = 'swap the plugin of a role: <plugin>[=<json options>], e.g. --use trainer-torch (repeatable; the plugin\'s role decides what it replaces)';

/** Collects repeated options (`--set a=1 --set b=2`). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function positiveInt(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${flag} expects a whole number of at least 1, got "${value}"`);
    return n;
  };
}

/** A seed flag: decimal digits, 0 to 2^32-1 (see seed.ts). */
export function seedOption(flag: string) {
  return (value: string): number => {
    try {
      return parseSeed(value, flag);
    } catch (error) {
      throw new InvalidArgumentError(messageOf(error));
    }
  };
}

export function nonNegativeInt(flag: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${flag} expects a whole number of at least 0, got "${value}"`);
    return n;
  };
}

/** `dir` made absolute, when it is a run folder (config.json) or a study folder (study.json). */
export function runOrStudyDir(dir: string): string {
  const absolute = path.resolve(dir);
  if (!fs.existsSync(path.join(absolute, STUDY_FILE)) && !fs.existsSync(path.join(absolute, CONFIG_FILE))) {
    throw new UserError(`${absolute} is neither a Coex run folder (no ${CONFIG_FILE}) nor a study folder (no ${STUDY_FILE})`);
  }
  return absolute;
}
