// The default experiment store: one SQLite file per run folder (better-sqlite3), written as results
// arrive and readable by `coex show` while the run is still going.
import * as path from 'node:path';
import { definePlugin, z } from '@coex/core';
import { PLUGIN_NAME } from './schema';
import { DEFAULT_BUSY_TIMEOUT, SqliteStore } from './sqlite-store';

export { SqliteStore, DEFAULT_BUSY_TIMEOUT, type SqliteStoreOptions, type SynchronousMode } from './sqlite-store';
export { APPLICATION_ID, LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from './schema';

const { version } = require('../package.json') as { version: string };

export default definePlugin({
  name: PLUGIN_NAME,
  version,
  role: 'store',
  description: 'SQLite experiment store (better-sqlite3, WAL): runs, trials, events, controller state',
  options: z.object({
    /** The database file, relative to the run's folder. */
    file: z.string().min(1).default('coex.db'),
    /** 'full': a saved trial survives power loss; 'normal': it survives a crash of Coex, and saves are faster. */
    synchronous: z.enum(['full', 'normal']).default('full'),
    /** Milliseconds to wait for another process's lock on the file before giving up. */
    busyTimeout: z.number().int().min(0).max(2_147_483_647).default(DEFAULT_BUSY_TIMEOUT),
  }),
  apply(ctx, options) {
    ctx.provide(
      'store',
      () =>
        new SqliteStore(path.resolve(ctx.dir, options.file), {
          readOnly: ctx.readOnly,
          synchronous: options.synchronous,
          busyTimeout: options.busyTimeout,
        }),
    );
  },
});
