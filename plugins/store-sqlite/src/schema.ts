// The store's tables, how a file's schema version is recognised, and how an older file is
// migrated forward. Rule: SCHEMA_SQL always creates the newest version directly; each entry of
// MIGRATIONS moves a file from one version to the next, and a migrated file must end up with
// exactly the schema a fresh file gets (a test checks this).
import * as fs from 'node:fs';
import { CORE_VERSION, STORE_SCHEMA_VERSION, UserError } from '@coex/core';
import type { SqliteDatabase } from './driver';

export const PLUGIN_NAME = '@coex/plugin-store-sqlite';

/** SQLite header field naming the application that owns a file: "Coex" in ASCII. */
export const APPLICATION_ID = 0x436f6578;

/** The schema version SCHEMA_SQL creates; must equal core's STORE_SCHEMA_VERSION. */
export const LATEST_SCHEMA_VERSION = 2;

const META_SQL = `
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);`;

// JSON columns hold the text made by codec.toJson; `extra` keeps fields that have no column.
const TABLES_SQL = `
CREATE TABLE runs (
  id             TEXT PRIMARY KEY,
  preset         TEXT,
  seed           INTEGER NOT NULL,
  status         TEXT NOT NULL,
  schema_version INTEGER NOT NULL,
  coex_version   TEXT NOT NULL,
  created_at     TEXT NOT NULL,
  finished_at    TEXT,
  config         TEXT,
  summary        TEXT,
  extra          TEXT
);
CREATE TABLE trials (
  id            INTEGER PRIMARY KEY,
  run_id        TEXT NOT NULL,
  seq           INTEGER NOT NULL,
  batch         INTEGER NOT NULL,
  status        TEXT NOT NULL,
  seed          INTEGER NOT NULL,
  candidate     TEXT NOT NULL,
  metrics       TEXT NOT NULL,
  hardware      TEXT,
  training      TEXT,
  pruned_reason TEXT,
  violations    TEXT,
  error         TEXT,
  reward        REAL,
  timings       TEXT NOT NULL,
  worker        TEXT,
  started_at    TEXT,
  finished_at   TEXT,
  extra         TEXT,
  UNIQUE (run_id, seq)
);
CREATE TABLE events (
  id     INTEGER PRIMARY KEY,
  run_id TEXT NOT NULL,
  at     TEXT NOT NULL,
  type   TEXT NOT NULL,
  seq    INTEGER,
  data   TEXT
);
CREATE INDEX events_by_run ON events (run_id, id);
CREATE TABLE controller_state (
  run_id     TEXT PRIMARY KEY,
  batch      INTEGER NOT NULL,
  state      TEXT,
  updated_at TEXT NOT NULL
);`;

// Version 2: each trial's learning curve (JSON list of points). Added the same way to a fresh file
// and to a migrated one, so both end with the same table definition.
const CURVE_COLUMN_SQL = `
ALTER TABLE trials ADD COLUMN curve TEXT;`;

export const SCHEMA_SQL = META_SQL + TABLES_SQL + CURVE_COLUMN_SQL;

/**
 * Version 0 is the layout of pre-release builds: the data tables without the meta table and
 * without the application id. It is recognised by its tables.
 */
const VERSION_0_TABLES = ['runs', 'trials', 'events', 'controller_state'];

export interface Migration {
  from: number;
  to: number;
  description: string;
  up(db: SqliteDatabase): void;
}

export const MIGRATIONS: readonly Migration[] = [
  { from: 0, to: 1, description: 'add the meta table that records the schema version', up: (db) => db.exec(META_SQL) },
  {
    from: 1,
    to: 2,
    description: "add the trials' learning-curve column (curves a version-1 store kept in `extra` move to it)",
    up: (db) => {
      db.exec(CURVE_COLUMN_SQL);
      db.exec("UPDATE trials SET curve = json_extract(extra, '$.curve'), extra = json_remove(extra, '$.curve') WHERE json_valid(extra) AND json_type(extra, '$.curve') IS NOT NULL");
    },
  },
];

export type FileState =
  | { kind: 'empty' }
  | { kind: 'coex'; version: number; writtenBy?: string }
  | { kind: 'foreign'; reason: string };

/** What a file holds, from its application id and tables (reads only). */
export function inspect(db: SqliteDatabase): FileState {
  const applicationId = db.pragma('application_id', { simple: true }) as number;
  const tables = (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite%'").all() as { name: string }[])
    .map((t) => t.name);
  if (applicationId === APPLICATION_ID) {
    const rows = tables.includes('meta')
      ? (db.prepare("SELECT key, value FROM meta WHERE key IN ('schema_version', 'coex_version')").all() as { key: string; value: string }[])
      : [];
    const meta = Object.fromEntries(rows.map((r) => [r.key, r.value]));
    const version = Number(meta.schema_version);
    if (meta.schema_version === undefined || !Number.isInteger(version) || version < 0) {
      return { kind: 'foreign', reason: 'it is marked as a Coex store but its meta table has no valid schema_version (the file is damaged)' };
    }
    return { kind: 'coex', version, ...(meta.coex_version ? { writtenBy: meta.coex_version } : {}) };
  }
  if (applicationId !== 0) {
    return { kind: 'foreign', reason: `it belongs to another application (SQLite application id 0x${applicationId.toString(16)})` };
  }
  if (tables.length === 0) return { kind: 'empty' };
  if (!tables.includes('meta') && VERSION_0_TABLES.every((t) => tables.includes(t))) return { kind: 'coex', version: 0 };
  return { kind: 'foreign', reason: `it is an SQLite database with other tables (${tables.slice(0, 5).join(', ')}${tables.length > 5 ? ', ...' : ''})` };
}

/** Refuses what this Coex cannot open: another application's file, a newer schema, an older one read-only. */
function assertOpenable(state: FileState, file: string, readOnly: boolean): void {
  if (state.kind === 'foreign') throw new UserError(`${file} is not a Coex store: ${state.reason}`);
  if (state.kind === 'empty') {
    if (readOnly) throw new UserError(`store file ${file} holds no Coex data (it is an empty database)`);
    return;
  }
  if (state.version > LATEST_SCHEMA_VERSION) {
    throw new UserError(
      `store file ${file} has schema version ${state.version}${state.writtenBy ? ` (written by Coex ${state.writtenBy})` : ''}, ` +
        `but this Coex (@coex/core ${CORE_VERSION}, ${PLUGIN_NAME}) reads schema versions up to ${LATEST_SCHEMA_VERSION}; ` +
        'upgrade Coex to open it',
    );
  }
  if (state.version < LATEST_SCHEMA_VERSION && readOnly) {
    throw new UserError(
      `store file ${file} has schema version ${state.version}, older than this Coex's ${LATEST_SCHEMA_VERSION}; ` +
        'read-only commands do not change files: open it once with a command that writes to it (a run or a resume) to upgrade it in place',
    );
  }
}

/**
 * Checks the file and, unless read-only, creates or migrates its schema. Switches a writable
 * file to WAL only after the checks, so that a file this Coex refuses is left untouched.
 */
export function prepareSchema(db: SqliteDatabase, file: string, options: { readOnly: boolean; synchronous: string }): void {
  if (STORE_SCHEMA_VERSION !== LATEST_SCHEMA_VERSION) {
    throw new UserError(
      `${PLUGIN_NAME} handles store schema version ${LATEST_SCHEMA_VERSION}, but @coex/core ${CORE_VERSION} uses version ` +
        `${STORE_SCHEMA_VERSION}; install the version of ${PLUGIN_NAME} released with this core`,
    );
  }
  const state = inspect(db);
  assertOpenable(state, file, options.readOnly);
  if (options.readOnly) return;
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${options.synchronous}`);
  if (state.kind === 'coex' && state.version < LATEST_SCHEMA_VERSION) backup(db, file, state.version);
  // Decide again under the write lock: another process may have created or migrated the file meanwhile.
  db.transaction(() => {
    const current = inspect(db);
    assertOpenable(current, file, false);
    if (current.kind === 'empty') {
      db.exec(SCHEMA_SQL);
      writeMeta(db, LATEST_SCHEMA_VERSION);
    } else if (current.kind === 'coex' && current.version < LATEST_SCHEMA_VERSION) {
      migrate(db, current.version, LATEST_SCHEMA_VERSION);
    }
  }).immediate();
}

/** Applies `steps` from version `from` to `to` in one transaction: all of them, or none. */
export function migrate(db: SqliteDatabase, from: number, to: number, steps: readonly Migration[] = MIGRATIONS): void {
  db.transaction(() => {
    for (let version = from; version < to; ) {
      const step = steps.find((s) => s.from === version);
      if (!step) throw new Error(`${PLUGIN_NAME}: no migration from store schema version ${version} (towards ${to})`);
      step.up(db);
      version = step.to;
    }
    writeMeta(db, to);
  })();
}

function writeMeta(db: SqliteDatabase, version: number): void {
  db.prepare(
    "INSERT INTO meta (key, value) VALUES ('schema_version', ?), ('coex_version', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
  ).run(String(version), CORE_VERSION);
  db.pragma(`application_id = ${APPLICATION_ID}`);
}

/** Copies the file before an upgrade (an older Coex can still read the copy); never overwrites a file. */
function backup(db: SqliteDatabase, file: string, version: number): string {
  let target = `${file}.schema-v${version}.bak`;
  for (let n = 2; fs.existsSync(target); n++) target = `${file}.schema-v${version}.${n}.bak`;
  db.prepare('VACUUM INTO ?').run(target);
  return target;
}
