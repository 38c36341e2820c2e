// The slice of better-sqlite3 this store uses. The package ships no TypeScript types (and
// @types/better-sqlite3 is not a dependency), so the members used here are typed by hand. The
// native addon is loaded on first use, so merely loading the plugin (e.g. to list plugins) does
// not load it.

export interface SqliteStatement {
  run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

export interface SqliteDatabase {
  readonly open: boolean;
  prepare(sql: string): SqliteStatement;
  exec(sql: string): SqliteDatabase;
  pragma(source: string, options?: { simple?: boolean }): unknown;
  /** Wraps `fn` in BEGIN/COMMIT (a SAVEPOINT when nested); `.immediate` takes the write lock first. */
  transaction<A extends unknown[], R>(fn: (...args: A) => R): ((...args: A) => R) & { immediate(...args: A): R };
  close(): SqliteDatabase;
}

export interface SqliteOpenOptions {
  readonly: boolean;
  fileMustExist: boolean;
  /** Busy timeout in milliseconds: how long a statement waits for another connection's lock. */
  timeout: number;
}

type SqliteConstructor = new (file: string, options: SqliteOpenOptions) => SqliteDatabase;

let constructor: SqliteConstructor | undefined;

export function openDatabase(file: string, options: SqliteOpenOptions): SqliteDatabase {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  constructor ??= require('better-sqlite3') as SqliteConstructor;
  return new constructor(file, options);
}

/** SQLite's result code of a failure (e.g. SQLITE_READONLY, SQLITE_FULL), if it is one. */
export function sqliteCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

/** Another connection held its lock for longer than the busy timeout. */
export function isLockError(error: unknown): boolean {
  const code = sqliteCode(error);
  return code !== undefined && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}
