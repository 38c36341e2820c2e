// Starting, resuming and reading runs on disk. A run folder holds config.json (the resolved
// configuration, written before any heavy plugin work starts), the store's files, and a lock.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadResolvedPlugins, resolveConfig, type ResolvedConfig, type RunRequest } from './config';
import { UserError, isUserError, messageOf } from './errors';
import { writeFileAtomic } from './atomic-write';
import { acquireLock } from './lock';
import { checkOutDir, makeOutDir } from './out-path';
import { maskSecretsDeep } from './secrets';
import { Run } from './run';
import { assertConfigUnchanged, assertNoMissingTrials, assertStoreNotEmptied } from './resume-checks';
import { storeEntryOf, storeFileOf } from './run-files';
import { openStoreReadOnly } from './store-reader';
import type { RunRecord, Store } from './roles';

export const CONFIG_FILE = 'config.json';
/** The id of the one run a run folder holds. */
const MAIN_RUN = 'main';

export function defaultRunDir(preset: string | undefined, cwd = process.cwd()): string {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
  let dir = path.join(cwd, 'runs', `${stamp}-${preset ?? 'run'}`);
  for (let i = 2; fs.existsSync(dir); i++) dir = path.join(cwd, 'runs', `${stamp}-${preset ?? 'run'}-${i}`);
  return dir;
}

export interface PreparedRun {
  run: Run;
  dir: string;
  config: ResolvedConfig;
  release: () => void;
}

/**
 * Resolves the request, checks the output folder and runs the preflight (every required role
 * filled, each role's `check()`), then creates the folder, takes the lock and writes config.json.
 * A request refused at any of the first steps creates nothing.
 */
export async function prepareRun(request: RunRequest & { out?: string }, log?: (m: string) => void): Promise<PreparedRun> {
  const { config, plugins } = resolveConfig(request);
  const dir = path.resolve(request.cwd ?? process.cwd(), request.out ?? defaultRunDir(config.preset, request.cwd));
  checkOutDir(dir);
  if (fs.existsSync(path.join(dir, CONFIG_FILE))) {
    throw new UserError(`${dir} already holds a run; continue it with \`coex resume ${dir}\` or choose another --out`, 'COEX_RUN_FOLDER');
  }
  const run = new Run({ dir, config, plugins, log });
  await run.preflight();
  makeOutDir(dir);
  const release = acquireLock(dir);
  // Atomic, so a crash never leaves a half-written config.json.
  writeFileAtomic(path.join(dir, CONFIG_FILE), JSON.stringify(maskSecretsDeep(config), null, 2) + '\n');
  return { run, dir, config, release };
}

export function readRunConfig(dir: string): ResolvedConfig {
  const file = path.join(dir, CONFIG_FILE);
  if (!fs.existsSync(file)) throw new UserError(`${dir} is not a Coex run folder (no ${CONFIG_FILE})`, 'COEX_RUN_FOLDER');
  let value: unknown;
  try {
    value = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new UserError(`${file}: unreadable run configuration: ${messageOf(error)}`, 'COEX_RUN_FOLDER');
  }
  // Another tool's config.json (or a hand-edited one) is refused here, not deep inside a command.
  const config = value as Partial<ResolvedConfig> | null;
  if (!config || typeof config !== 'object' || Array.isArray(config) || !Array.isArray(config.plugins) ||
      typeof config.seed !== 'number' || !config.budget || typeof config.budget !== 'object' || !Array.isArray(config.objectives)) {
    const shown = JSON.stringify(value);
    throw new UserError(`${file} is not a Coex run configuration (expected an object with plugins, seed, budget and objectives; found ${shown.length > 80 ? `${shown.slice(0, 80)}…` : shown})`, 'COEX_RUN_FOLDER');
  }
  return config as ResolvedConfig;
}

/** Opens a run folder's store read-only, loading no plugin the folder names (show, export, report, dashboard). */
export async function openRunStore(dir: string): Promise<{ store: Store; config: ResolvedConfig; runs: RunRecord[] }> {
  const config = readRunConfig(dir);
  const store = openStoreReadOnly(storeFileOf(config, dir), storeEntryOf(config)?.name);
  try {
    return { store, config, runs: await store.listRuns() };
  } catch (error) {
    await store.close();
    throw error;
  }
}

/**
 * Prepares `coex resume`: the same plugins (same versions) and options as saved. Returns
 * undefined when the run already finished (nothing to do, nothing changed).
 */
export async function prepareResume(dir: string, log?: (m: string) => void, options: { trustFolder?: boolean } = {}): Promise<PreparedRun | undefined> {
  const absolute = path.resolve(dir);
  let config = readRunConfig(absolute);
  const configFile = path.join(absolute, CONFIG_FILE);
  assertStoreNotEmptied(absolute, storeFileOf(config, absolute));
  let unreadable: unknown;
  let opened: Awaited<ReturnType<typeof openRunStore>> | undefined;
  try {
    opened = await openRunStore(absolute);
  } catch (error) {
    // A run stopped between writing config.json and creating its store has no store to read yet;
    // the resume opens it for writing, which creates it (or reports again what is wrong with it).
    if (!isUserError(error)) throw error;
    unreadable = error;
  }
  if (opened) {
    const { store, runs } = opened;
    try {
      // First the edits (a finished run edited is refused too), then the store's own state.
      const record = runs.find((r) => r.id === MAIN_RUN) ?? runs[0];
      assertConfigUnchanged(configFile, config, record?.config);
      if (record?.config) config = record.config as ResolvedConfig;
      if (record) await assertNoMissingTrials(store, record.id);
    } finally {
      await store.close();
    }
    if (runs.length > 0 && runs.every((r) => r.status === 'finished')) return undefined;
  }
  let release: () => void;
  try {
    release = acquireLock(absolute);
  } catch (error) {
    // A folder this process cannot write: why its store could not be read says more.
    throw unreadable && !isUserError(error) ? unreadable : error;
  }
  try {
    const plugins = loadResolvedPlugins(config, absolute, undefined, { file: path.join(absolute, CONFIG_FILE), trusted: !!options.trustFolder });
    const run = new Run({ dir: absolute, config, plugins, resume: true, log });
    await run.preflight();
    return { run, dir: absolute, config, release };
  } catch (error) {
    release();
    throw error;
  }
}
