// A package a built-in command needs only sometimes (`coex resume <study folder>` → @coex/study)
// is loaded at run time: from beside the CLI or the current folder, never from inside the run or
// study folder the command reads (a run folder is data: reading it runs no code of its own).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError, CORE_VERSION } from '@coex/core';

/** The package `name` as loaded for `command`, checked to export the function `member`. */
export function loadOptionalPackage<T>(name: string, member: keyof T & string, command: string, baseDir: string): T {
  let file: string;
  try {
    file = require.resolve(name, { paths: [path.join(__dirname, '..'), process.cwd()] });
    const relative = path.relative(fs.realpathSync(baseDir), fs.realpathSync(file));
    if (!relative.startsWith('..') && !path.isAbsolute(relative)) throw new Error('inside the folder');
  } catch {
    throw new UserError(`coex ${command} needs the package ${name}, which is not installed here; install it (npm install ${name}) in this project or beside @coex/cli`);
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require(file) as Partial<T>;
  if (typeof loaded?.[member] !== 'function') {
    throw new UserError(`${name} (${file}) has no ${member}(): install a version of it built for @coex/core ${CORE_VERSION}`);
  }
  return loaded as T;
}
