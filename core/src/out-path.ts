// Checking and creating output paths (`--out` of run, ablate and export) so that every way a path
// can be unusable is one paragraph naming it, before anything is written. The parent chain is
// walked here rather than by `mkdir({ recursive: true })`, which loops forever under /proc.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from './errors';

/** Longest file name (one path component) Linux file systems accept, in bytes. */
const NAME_MAX = 255;

/** Virtual file systems that look like folders but cannot hold files (statfs magic numbers). */
const VIRTUAL_FILE_SYSTEMS: Record<number, string> = {
  0x9fa0: 'proc',
  0x62656572: 'sysfs',
  0x63677270: 'cgroup2',
  0x27e0eb: 'cgroup',
  0x64626720: 'debugfs',
  0x73636673: 'securityfs',
};

const errno = (error: unknown) => (error as NodeJS.ErrnoException).code;

function lstat(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch (error) {
    if (errno(error) === 'ENOENT' || errno(error) === 'ENOTDIR') return undefined;
    throw error;
  }
}

/** Refuses a path with a component longer than a file name may be. */
function checkNames(option: string, target: string): void {
  for (const name of target.split(path.sep)) {
    const bytes = Buffer.byteLength(name);
    if (bytes > NAME_MAX) {
      throw new UserError(`${option} ${target}: the name "${name.slice(0, 24)}…" is ${bytes} bytes long; a file or folder name may have at most ${NAME_MAX}`, 'COEX_BAD_OUT');
    }
  }
}

/** Refuses a folder files cannot be written to (read-only, immutable, no permission, a virtual file system). */
function checkWritableFolder(option: string, target: string, folder: string): void {
  const fsType = VIRTUAL_FILE_SYSTEMS[Number(fs.statfsSync(folder).type)];
  if (fsType) {
    throw new UserError(`${option} ${target}: ${folder} is on the ${fsType} virtual file system, which cannot hold files; choose a folder on a disk`, 'COEX_BAD_OUT');
  }
  try {
    fs.accessSync(folder, fs.constants.W_OK);
  } catch (error) {
    throw new UserError(`${option} ${target}: the folder ${folder} is not writable (${errno(error)}); choose another folder or fix its permissions`, 'COEX_BAD_OUT');
  }
}

/**
 * Checks that `dir` is, or can be made, a writable folder; returns the folders that have to be
 * created (outermost first). Creates nothing.
 */
export function checkOutDir(dir: string, option = '--out'): string[] {
  const target = path.resolve(dir);
  checkNames(option, target);
  const missing: string[] = [];
  let current = target;
  for (;;) {
    const stats = lstat(current);
    if (stats) break;
    missing.unshift(current);
    const parent = path.dirname(current);
    if (parent === current) break;
    current = parent;
  }
  const stats = fs.lstatSync(current);
  if (stats.isSymbolicLink()) {
    let resolved: fs.Stats | undefined;
    try {
      resolved = fs.statSync(current);
    } catch {
      resolved = undefined;
    }
    if (!resolved) {
      throw new UserError(`${option} ${target}: ${current} is a symbolic link to ${fs.readlinkSync(current)}, which does not exist`, 'COEX_BAD_OUT');
    }
    if (!resolved.isDirectory()) return refuseFile(option, target, current);
  } else if (!stats.isDirectory()) {
    return refuseFile(option, target, current);
  }
  checkWritableFolder(option, target, current);
  return missing;
}

function refuseFile(option: string, target: string, file: string): never {
  throw new UserError(file === target
    ? `${option} ${target} is a file, not a folder; choose a folder`
    : `${option} ${target}: ${file} is a file, so no folder can be made below it`, 'COEX_BAD_OUT');
}

/**
 * Creates `dir` (and missing parents, one level at a time) after checking it; a failure removes
 * the folders it created and is reported as a user error naming the folder.
 */
export function makeOutDir(dir: string, option = '--out'): void {
  const created: string[] = [];
  try {
    for (const folder of checkOutDir(dir, option)) {
      fs.mkdirSync(folder);
      created.push(folder);
    }
  } catch (error) {
    for (const folder of created.reverse()) fs.rmSync(folder, { recursive: true, force: true });
    if (error instanceof UserError) throw error;
    throw new UserError(`${option} ${path.resolve(dir)}: cannot create the folder: ${errno(error) ?? error}`, 'COEX_BAD_OUT');
  }
}

/** Checks that `file` can be written: not a folder, in an existing writable folder. Creates nothing. */
export function checkOutFile(file: string, option = '--out'): void {
  const target = path.resolve(file);
  checkNames(option, target);
  const stats = lstat(target);
  if (stats?.isDirectory()) throw new UserError(`${option} ${target} is a folder; give the name of the file to write`, 'COEX_BAD_OUT');
  const folder = path.dirname(target);
  const parent = lstat(folder) && fs.statSync(folder, { throwIfNoEntry: false });
  if (!parent) throw new UserError(`${option} ${target}: the folder ${folder} does not exist; create it first`, 'COEX_BAD_OUT');
  if (!parent.isDirectory()) throw new UserError(`${option} ${target}: ${folder} is a file, not a folder`, 'COEX_BAD_OUT');
  checkWritableFolder(option, target, folder);
}
