// The files a run or study folder owns: its configuration, its lock and its store (with SQLite's
// companions). Writers that take a path from the user (`coex export --out`) refuse these, compared
// by real path and by inode, so that a symlink, a hard link or `x/../coex.db` is caught too.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from './errors';
import { LOCK_FILE } from './lock';

export const DEFAULT_STORE_FILE = 'coex.db';
const CONFIG_FILE = 'config.json';
const STUDY_FILE = 'study.json';
/** SQLite keeps these beside the database file. */
const STORE_COMPANIONS = ['', '-wal', '-shm', '-journal'];

interface StoreEntry {
  role?: string;
  options?: Record<string, unknown>;
}

/** The store entry of a saved configuration (whatever shape the file has). */
export function storeEntryOf(config: unknown): (StoreEntry & { name?: string }) | undefined {
  const plugins = (config as { plugins?: unknown } | null)?.plugins;
  return Array.isArray(plugins) ? plugins.find((p) => p?.role === 'store') : undefined;
}

/** The store file a saved configuration names, resolved against its folder. */
export function storeFileOf(config: unknown, dir: string): string {
  const store = storeEntryOf(config);
  const file = (store?.options as Record<string, unknown> | undefined)?.file;
  return path.resolve(dir, typeof file === 'string' && file ? file : DEFAULT_STORE_FILE);
}

function readJson(file: string): { arms?: { config?: unknown }[] } | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
}

/** Every file the run or study in `dir` owns (whether it exists yet or not). */
export function ownedFiles(dir: string): string[] {
  const absolute = path.resolve(dir);
  const run = readJson(path.join(absolute, CONFIG_FILE));
  const study = readJson(path.join(absolute, STUDY_FILE));
  const stores = new Set([storeFileOf(run, absolute), ...(Array.isArray(study?.arms) ? study.arms : []).map((a) => storeFileOf(a?.config, absolute))]);
  return [
    path.join(absolute, CONFIG_FILE),
    path.join(absolute, STUDY_FILE),
    path.join(absolute, LOCK_FILE),
    ...[...stores].flatMap((file) => STORE_COMPANIONS.map((suffix) => file + suffix)),
  ];
}

/** The path the OS will write for `file`: symlinks and `..` resolved physically, as open() does. */
function physicalPath(file: string): string {
  try {
    return fs.realpathSync.native(file);
  } catch {
    try {
      return path.join(fs.realpathSync.native(path.dirname(file)), path.basename(file));
    } catch {
      return path.resolve(file);
    }
  }
}

function sameInode(a: string, b: string): boolean {
  try {
    const [x, y] = [fs.statSync(a), fs.statSync(b)];
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false;
  }
}

/** Refuses an output path that is one of the files the run or study in `dir` owns. */
export function assertNotOwnedFile(out: string, dir: string, flag = '--out'): void {
  const target = physicalPath(out);
  const kind = fs.existsSync(path.join(dir, STUDY_FILE)) ? 'study' : 'run';
  for (const owned of ownedFiles(dir)) {
    if (physicalPath(owned) === target || sameInode(out, owned)) {
      throw new UserError(`${flag} ${out} is ${owned}, a file of the ${kind} in ${path.resolve(dir)}; writing it would destroy the ${kind}; choose another file`, 'COEX_RUN_FOLDER');
    }
  }
}
