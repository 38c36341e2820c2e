// Commands whose heavy parts live in their own package (`coex report` → @coex/report, `coex
// dashboard` → @coex/dashboard) load it at run time, like plugins: from the folder, the current
// folder or beside core. Core then never depends on chart or server libraries.
import { UserError } from '../errors';
import { searchPaths } from '../resolve';
import { CORE_VERSION } from '../version';

/** The package `name` as loaded for `command`, checked to export the function `member`. */
export function loadOptionalPackage<T>(name: string, member: keyof T & string, command: string, baseDir: string): T {
  let file: string;
  try {
    file = require.resolve(name, { paths: searchPaths(baseDir) });
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
