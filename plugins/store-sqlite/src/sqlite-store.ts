// The experiment store on one SQLite file. better-sqlite3 is synchronous; the methods are async
// only because the Store interface is (other stores may be remote), so every failure becomes a
// rejected promise.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError, maskSecrets, type RunRecord, type Store, type StoredControllerState, type StoredEvent, type Trial } from '@coex/core';
import { openDatabase, type SqliteDatabase, type SqliteStatement } from './driver';
import { accessFailure, openFailure, readOnlyFileMessage, type StoreAction } from './failures';
import {
  controllerStateFromRow,
  controllerStateToRow,
  eventFromRow,
  eventToRow,
  runFromRow,
  runToRow,
  trialFromRow,
  trialToRow,
} from './rows';
import { prepareSchema } from './schema';

export type SynchronousMode = 'full' | 'normal';

export interface SqliteStoreOptions {
  /** Open for reading only (`coex show`, `export`, `report`): never creates, migrates or writes the file. */
  readOnly?: boolean;
  /** SQLite's synchronous setting for writers; see the README's durability section. Default 'full'. */
  synchronous?: SynchronousMode;
  /** Milliseconds a statement waits for another connection's lock before failing. Default 5000. */
  busyTimeout?: number;
}

export const DEFAULT_BUSY_TIMEOUT = 5000;

type Row = Record<string, unknown>;

export class SqliteStore implements Store {
  readonly location: string;
  readonly readOnly: boolean;
  /** The connection; protected so that tests can simulate a full disk (max_page_count). */
  protected readonly db: SqliteDatabase;
  private readonly busyTimeout: number;
  private readonly statements = new Map<string, SqliteStatement>();
  /** The folder of the copy read instead of a file in a read-only folder; removed on close. */
  private readonly copyDir?: string;

  constructor(file: string, options: SqliteStoreOptions = {}) {
    this.location = file;
    this.readOnly = options.readOnly ?? false;
    this.busyTimeout = options.busyTimeout ?? DEFAULT_BUSY_TIMEOUT;
    // SQLite must create the -shm file beside a WAL-mode database even to read it: in a folder
    // this process cannot write (an archived run), read a private copy instead.
    if (this.readOnly && fs.existsSync(file) && !writable(path.dirname(file))) this.copyDir = copyForReading(file);
    const opened = this.copyDir ? path.join(this.copyDir, path.basename(file)) : file;
    try {
      this.db = openStoreFile(opened, this.readOnly, this.busyTimeout, options.synchronous ?? 'full', file);
    } catch (error) {
      this.removeCopy();
      throw error;
    }
  }

  async putRun(run: RunRecord): Promise<void> {
    this.access({ verb: `save run ${run.id}`, preposition: 'to' }, () => this.upsert('runs', ['id'], runToRow(run)));
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    return this.access({ verb: `read run ${runId}`, preposition: 'from' }, () => {
      const row = this.statement('SELECT * FROM runs WHERE id = ?').get(runId) as Row | undefined;
      return row && runFromRow(row);
    });
  }

  async listRuns(): Promise<RunRecord[]> {
    return this.access({ verb: 'list the runs', preposition: 'from' }, () =>
      (this.statement('SELECT * FROM runs ORDER BY created_at, rowid').all() as Row[]).map(runFromRow),
    );
  }

  /** One statement in autocommit mode, hence its own transaction: a crash loses only trials not yet saved. */
  async putTrial(runId: string, trial: Trial): Promise<void> {
    this.access({ verb: `save trial ${trial.seq} of run ${runId}`, preposition: 'to' }, () => {
      if (!Number.isSafeInteger(trial.seq)) throw new Error(`the trial's seq must be a whole number, got ${trial.seq}`);
      this.upsert('trials', ['run_id', 'seq'], trialToRow(runId, trial));
    });
  }

  async listTrials(runId: string): Promise<Trial[]> {
    return this.access({ verb: `read the trials of run ${runId}`, preposition: 'from' }, () =>
      (this.statement('SELECT * FROM trials WHERE run_id = ? ORDER BY seq').all(runId) as Row[]).map((row) => trialFromRow(row, this.location)),
    );
  }

  async appendEvent(runId: string, event: StoredEvent): Promise<void> {
    this.access({ verb: `save event ${event.type} of run ${runId}`, preposition: 'to' }, () =>
      this.upsert('events', [], eventToRow(runId, event)),
    );
  }

  async listEvents(runId: string): Promise<StoredEvent[]> {
    return this.access({ verb: `read the events of run ${runId}`, preposition: 'from' }, () =>
      (this.statement('SELECT * FROM events WHERE run_id = ? ORDER BY id').all(runId) as Row[]).map(eventFromRow),
    );
  }

  /** Keeps only the latest state of each run (a controller's state can be large; resume needs only the last). */
  async putControllerState(runId: string, state: StoredControllerState): Promise<void> {
    this.access({ verb: `save the controller state (batch ${state.batch}) of run ${runId}`, preposition: 'to' }, () =>
      this.upsert('controller_state', ['run_id'], controllerStateToRow(runId, state, new Date().toISOString())),
    );
  }

  async getControllerState(runId: string): Promise<StoredControllerState | undefined> {
    return this.access({ verb: `read the controller state of run ${runId}`, preposition: 'from' }, () => {
      const row = this.statement('SELECT * FROM controller_state WHERE run_id = ?').get(runId) as Row | undefined;
      return row && controllerStateFromRow(row);
    });
  }

  /** Closes the connection (the last one to close folds the WAL back into the file). Idempotent. */
  async close(): Promise<void> {
    if (this.db.open) this.db.close();
    this.removeCopy();
  }

  private removeCopy(): void {
    if (this.copyDir) fs.rmSync(this.copyDir, { recursive: true, force: true });
  }

  private access<T>(action: StoreAction, work: () => T): T {
    try {
      return work();
    } catch (error) {
      throw accessFailure(action, this.location, error, this.busyTimeout);
    }
  }

  private statement(sql: string): SqliteStatement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Inserts `row`, or updates the row with the same `key` columns (plain insert when `key` is empty). */
  private upsert(table: string, key: readonly string[], row: Row): void {
    // No secret is stored in clear: every text column goes through core's one masking function.
    for (const [column, value] of Object.entries(row)) if (typeof value === 'string') row[column] = maskSecrets(value);
    const columns = Object.keys(row);
    const conflict = key.length === 0
      ? ''
      : ` ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${columns.filter((c) => !key.includes(c)).map((c) => `${c} = excluded.${c}`).join(', ')}`;
    this.statement(`INSERT INTO ${table} (${columns.join(', ')}) VALUES (${columns.map((c) => `@${c}`).join(', ')})${conflict}`).run(row);
  }
}

/** Opens `file` (named `shownAs` in messages: a copy's original). */
function openStoreFile(file: string, readOnly: boolean, busyTimeout: number, synchronous: SynchronousMode, shownAs = file): SqliteDatabase {
  if (readOnly && !fs.existsSync(file)) throw new UserError(`store file ${shownAs} does not exist`);
  let db: SqliteDatabase | undefined;
  try {
    if (!readOnly) assertWritable(file);
    db = openDatabase(file, { readonly: readOnly, fileMustExist: readOnly, timeout: busyTimeout });
    prepareSchema(db, shownAs, { readOnly, synchronous });
    return db;
  } catch (error) {
    db?.close();
    throw openFailure(shownAs, error, { busyTimeout, readOnly });
  }
}

function writable(dir: string): boolean {
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Copies the database and its WAL (committed trials not yet folded into the file) to a private folder. */
function copyForReading(file: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coex-read-'));
  for (const suffix of ['', '-wal']) {
    if (fs.existsSync(file + suffix)) fs.copyFileSync(file + suffix, path.join(dir, path.basename(file) + suffix));
  }
  return dir;
}

/**
 * Fails before any work is done when the file or its folder (where SQLite keeps the -wal and -shm
 * files) cannot be written, rather than at the first save, after the first trial has trained.
 */
function assertWritable(file: string): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true });
  try {
    fs.accessSync(dir, fs.constants.W_OK);
    if (fs.existsSync(file)) fs.accessSync(file, fs.constants.W_OK);
  } catch {
    throw new UserError(readOnlyFileMessage(file));
  }
}
