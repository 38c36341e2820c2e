// Commands whose heavy parts live in their own package (`coex report` → @coex/report, `coex
// dashboard` → @coex/dashboard) load it at run time: from beside core or the current folder, never
// from inside the run or study folder they read (a run folder is data: reading it runs no code of
// its own). Core then never depends on chart or server libraries.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../errors';
import { CORE_VERSION } from '../version';

/** The package `name` as loaded for `command`, checked to export the function `member`. */
export function loadOptionalPackage<T>(name: string, member: keyof T & string, command: string, baseDir: string): T {
  let file: string;
  try {
    file = require.resolve(name, { paths: [path.join(__dirname, '..', '..'), process.cwd()] });
    const relative = path.relative(fs.realpathSync(baseDir), fs.realpathSync(file));
    if (!relative.startsWith('..') && !path.isAbsolute(relative)) throw new Error('inside the folder');
  } catch {
    throw new UserError(`coex ${command} needs the package ${name}, which is not installed here; install it (npm install ${name}) in this project or beside @coex/core`);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require(file) as Partial<T>;
  if (typeof loaded?.[member] !== 'function') {
    throw new UserError(`${name} (${file}) has no ${member}(): install a version of it built for @coex/core ${CORE_VERSION}`);
  }
  return loaded as T;
}
