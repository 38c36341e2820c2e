// Reading a run folder is reading data, never running code: show, export, report and the
// dashboard open the store read-only with the installed SQLite store package (resolved from where
// @coex/core is installed, not from the folder), whatever plugin the folder's config.json names.
// The store's schema is Coex's own, so one reader serves every run.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError, messageOf } from './errors';
import type { Store } from './roles';

export const STORE_PACKAGE = '@coex/plugin-store-sqlite';

type StoreClass = new (file: string, options: { readOnly: boolean }) => Store;
let storeClass: StoreClass | undefined;

function installedStoreClass(): StoreClass {
  if (storeClass) return storeClass;
  let file: string;
  try {
    // Beside core only: neither the run folder nor the current folder (which may be the run folder).
    file = require.resolve(STORE_PACKAGE, { paths: [path.join(__dirname, '..')] });
  } catch {
    throw new UserError(`reading a run needs ${STORE_PACKAGE}, which is not installed beside @coex/core; install it (npm install ${STORE_PACKAGE})`, 'COEX_STORE_UNREADABLE');
  }
  let loaded: { SqliteStore?: unknown };
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    loaded = require(file);
  } catch (error) {
    throw new UserError(`${STORE_PACKAGE} (${file}) failed to load: ${messageOf(error)}`, 'COEX_STORE_UNREADABLE');
  }
  if (typeof loaded?.SqliteStore !== 'function') throw new UserError(`${STORE_PACKAGE} (${file}) has no SqliteStore: install the version released with @coex/core`, 'COEX_STORE_UNREADABLE');
  return (storeClass = loaded.SqliteStore as StoreClass);
}

/** Opens a store file for reading only; it must exist and hold Coex data. `plugin`: the store plugin the run names. */
export function openStoreReadOnly(file: string, plugin?: string): Store {
  if (!fs.existsSync(file)) {
    throw new UserError(`store file ${file} does not exist` + (plugin && plugin !== STORE_PACKAGE
      ? ` (this run's store is the plugin ${plugin}; reading commands load no plugin a run folder names and read only SQLite stores)` : ''), 'COEX_STORE_UNREADABLE');
  }
  return new (installedStoreClass())(file, { readOnly: true });
}
