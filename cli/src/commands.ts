// The command contribution point (declarative and lazy, like VS Code's `contributes`). A package
// declares its commands in its package.json:
//   "coex": { "commands": [{ "name": "worker", "description": "...", "module": "./cli/worker" }] }
// `coex --help` lists them from that declaration alone; a command's module (resolved through the
// package's own exports, `<package>/cli/worker`) is loaded only when that command runs, and exports
// `register(program)`, which adds the command of that name to the commander program.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Command } from 'commander';
import { CORE_VERSION, UserError } from '@coex/core';
import { nodeModulesRoots } from '@coex/core/host';

export interface CommandContribution {
  name: string;
  description: string;
  /** The module, relative to the package (`./cli/worker`), resolved through its exports. */
  module: string;
  /** The contributing package's name. */
  package: string;
  /** The folder it was found in (the one holding node_modules). */
  base: string;
}

/** Commands of first-party packages, so that a missing one names the package to install. */
export const FIRST_PARTY_COMMANDS: Readonly<Record<string, string>> = {
  ablate: '@coex/study',
  arch: '@coex/plugin-space-chain-cnn',
  dashboard: '@coex/dashboard',
  hw: '@coex/plugin-hw-fpga-pipeline',
  report: '@coex/report',
  train: '@coex/plugin-space-chain-cnn',
  worker: '@coex/plugin-executor-bullmq',
};

const COMMAND_NAME = /^[a-z][a-z0-9-]*$/;
/** Packages that may contribute: the @coex scope and coex-* names, scoped or not. */
const CONTRIBUTOR = /^(@coex\/[^/]+|(@[^/]+\/)?coex-[^/]+)$/;

function readDir(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

function contributionsOf(pkgFile: string, base: string, warn: (m: string) => void): CommandContribution[] {
  let pkg: { name?: string; coex?: { commands?: unknown } };
  try {
    pkg = JSON.parse(fs.readFileSync(pkgFile, 'utf8'));
  } catch {
    return [];
  }
  const commands = pkg.coex?.commands;
  if (commands === undefined || !pkg.name) return [];
  if (!Array.isArray(commands)) {
    warn(`${pkgFile}: coex.commands must be a list of { name, description, module }; ignored`);
    return [];
  }
  return commands.flatMap((c, i) => {
    const ok = c && typeof c === 'object' && COMMAND_NAME.test(c.name) && typeof c.description === 'string' && typeof c.module === 'string' && /^\.(\/|$)/.test(c.module);
    if (ok) return [{ name: c.name, description: c.description, module: c.module, package: pkg.name!, base }];
    warn(`${pkgFile}: coex.commands[${i}] needs a name (lowercase, e.g. "worker"), a description and a module ("./cli/worker"); ignored`);
    return [];
  });
}

/**
 * Commands contributed by installed packages: beside the CLI first (its own install), then in
 * every node_modules from `baseDir` upwards. Reads package.json files only; loads no code.
 */
export function discoverCommands(baseDir = process.cwd(), warn: (m: string) => void = () => undefined): CommandContribution[] {
  const found = new Map<string, CommandContribution>();
  for (const root of nodeModulesRoots([path.join(__dirname, '..', '..'), baseDir])) {
    for (const entry of readDir(root)) {
      const names = entry.startsWith('@') ? readDir(path.join(root, entry)).map((e) => `${entry}/${e}`) : [entry];
      for (const name of names.filter((n) => CONTRIBUTOR.test(n))) {
        for (const c of contributionsOf(path.join(root, name, 'package.json'), path.dirname(root), warn)) {
          const other = found.get(c.name);
          if (!other) found.set(c.name, c);
          else if (other.package !== c.package) warn(`${c.package} and ${other.package} both contribute \`coex ${c.name}\`; using ${other.package}'s`);
        }
      }
    }
  }
  return [...found.values()];
}

const isInside = (file: string, dir: string) => {
  const relative = path.relative(fs.realpathSync(dir), fs.realpathSync(file));
  return !relative.startsWith('..') && !path.isAbsolute(relative);
};

/** Loads a contributed command's module and lets it register the command on `program`. */
export function loadContributedCommand(program: Command, c: CommandContribution, argv: readonly string[]): void {
  const request = c.module === '.' ? c.package : `${c.package}/${c.module.slice(2)}`;
  let file: string;
  try {
    file = require.resolve(request, { paths: [c.base] });
  } catch (error) {
    throw new UserError(`coex ${c.name}: ${c.package} declares the module ${c.module}, which does not resolve (${(error as Error).message.split('\n')[0]})`);
  }
  // A run or study folder is data: a command never runs code that lies inside a folder it is given.
  const folder = argv.find((a) => !a.startsWith('-') && fs.existsSync(a) && fs.statSync(a).isDirectory() && isInside(file, a));
  if (folder) throw new UserError(`coex ${c.name}: not loading ${file}: it lies inside ${folder}, a folder the command reads (a folder is data, not code)`);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require(file) as { register?: unknown };
  if (typeof loaded?.register !== 'function') {
    throw new UserError(`coex ${c.name}: ${file} (from ${c.package}) exports no register(program); install a version of ${c.package} built for @coex/core ${CORE_VERSION}`);
  }
  (loaded.register as (p: Command) => void)(program);
  const command = program.commands.find((registered) => registered.name() === c.name);
  if (!command) throw new UserError(`coex ${c.name}: ${c.package}'s register(program) added no command named ${c.name}`);
  // The declaration is the one place the description is written.
  command.description(c.description);
}

/** The error for a first-party command whose package is not installed; undefined for any other name. */
export function missingCommand(name: string | undefined): UserError | undefined {
  const pkg = name ? FIRST_PARTY_COMMANDS[name] : undefined;
  if (!pkg) return undefined;
  return new UserError(`coex ${name} is contributed by ${pkg}, which is not installed here; install it in this project (npm install ${pkg}, the same version as @coex/core) and run coex from the project folder`);
}
