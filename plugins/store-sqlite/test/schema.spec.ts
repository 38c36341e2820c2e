import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { CORE_VERSION, STORE_SCHEMA_VERSION, UserError } from '@coex/core';
import { SqliteStore } from '../src';
import { openDatabase, type SqliteDatabase } from '../src/driver';
import { APPLICATION_ID, LATEST_SCHEMA_VERSION, MIGRATIONS, migrate, type Migration } from '../src/schema';
import { fullTrial, makeTempDirs, prunedTrial, rawConnection, run } from './fixtures';

function openError(file: string, options?: { readOnly?: boolean }): Error {
  try {
    new SqliteStore(file, options).close();
  } catch (error) {
    return error as Error;
  }
  throw new Error(`expected opening ${file} to fail`);
}

/** The schema as SQLite records it, without page numbers. */
function schemaOf(file: string): unknown[] {
  const db = rawConnection(file, true);
  const rows = db.prepare('SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name').all();
  db.close();
  return rows;
}

function metaOf(file: string): Record<string, string> {
  const db = rawConnection(file, true);
  const rows = db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[];
  db.close();
  return Object.fromEntries(rows.map((r) => [r.key, r.value]));
}

async function writeStore(file: string): Promise<void> {
  const store = new SqliteStore(file);
  await store.putRun(run('r1'));
  await store.putTrial('r1', fullTrial(0));
  await store.putTrial('r1', prunedTrial(1));
  await store.close();
}

describe('store-sqlite: schema versions and foreign files', () => {
  const temp = makeTempDirs();
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = temp.create();
    file = path.join(dir, 'coex.db');
  });
  afterEach(() => temp.removeAll());

  it('marks a new file with the application id, the schema version of core and the writing Coex', async () => {
    await writeStore(file);
    expect(LATEST_SCHEMA_VERSION).to.equal(STORE_SCHEMA_VERSION);
    expect(metaOf(file)).to.deep.equal({ schema_version: String(STORE_SCHEMA_VERSION), coex_version: CORE_VERSION });
    const db = rawConnection(file, true);
    expect(db.pragma('application_id', { simple: true })).to.equal(APPLICATION_ID);
    db.close();
  });

  it('refuses a file written by a newer schema, naming both versions, and leaves it untouched', async () => {
    await writeStore(file);
    const db = rawConnection(file);
    db.exec(`UPDATE meta SET value = '${STORE_SCHEMA_VERSION + 1}' WHERE key = 'schema_version'; UPDATE meta SET value = '9.0.0' WHERE key = 'coex_version'`);
    db.close();
    const before = fs.readFileSync(file);
    for (const readOnly of [false, true]) {
      const error = openError(file, { readOnly });
      expect(error).to.be.instanceOf(UserError);
      expect(error.message).to.equal(
        `store file ${file} has schema version ${STORE_SCHEMA_VERSION + 1} (written by Coex 9.0.0), but this Coex (@coex/core ${CORE_VERSION}, ` +
          `@coex/plugin-store-sqlite) reads schema versions up to ${STORE_SCHEMA_VERSION}; upgrade Coex to open it`,
      );
    }
    expect(fs.readFileSync(file).equals(before)).to.equal(true);
  });

  describe('an older file (version 0: the data tables without meta table or application id)', () => {
    beforeEach(async () => {
      await writeStore(file);
      const db = rawConnection(file);
      db.exec('DROP TABLE meta; ALTER TABLE trials DROP COLUMN curve');
      db.pragma('application_id = 0');
      db.close();
    });

    it('is migrated forward in place, keeping its data, after a backup copy', async () => {
      const store = new SqliteStore(file);
      expect(await store.listTrials('r1')).to.deep.equal([fullTrial(0), prunedTrial(1)]);
      expect(await store.getRun('r1')).to.deep.equal(run('r1'));
      await store.close();
      expect(metaOf(file).schema_version).to.equal(String(STORE_SCHEMA_VERSION));

      const backup = `${file}.schema-v0.bak`;
      const old = rawConnection(backup, true);
      const tables = (old.prepare("SELECT name FROM sqlite_schema WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
      expect(old.prepare('SELECT count(*) AS n FROM trials').get()).to.deep.equal({ n: 2 });
      old.close();
      expect(tables).to.not.include('meta');

      const fresh = path.join(dir, 'fresh.db');
      new SqliteStore(fresh).close();
      expect(schemaOf(file)).to.deep.equal(schemaOf(fresh));
    });

    it('is refused by a read-only open, which never changes files', () => {
      const error = openError(file, { readOnly: true });
      expect(error).to.be.instanceOf(UserError);
      expect(error.message).to.match(/^store file .*coex\.db has schema version 0, older than this Coex's 2; .*a run or a resume/);
      expect(fs.existsSync(`${file}.schema-v0.bak`)).to.equal(false);
    });
  });

  describe('a version-1 file (no curve column; a curve, if any, kept in the extra fields)', () => {
    const curve = [
      { step: 5, epoch: 0.5, accuracy: 0.25, loss: 2.1 },
      { step: 10, epoch: 1, accuracy: 0.5, loss: 1.5 },
    ];
    beforeEach(async () => {
      await writeStore(file);
      const db = rawConnection(file);
      db.exec("ALTER TABLE trials DROP COLUMN curve; UPDATE meta SET value = '1' WHERE key = 'schema_version'");
      db.prepare('UPDATE trials SET extra = ? WHERE seq = 0').run(JSON.stringify({ curve }));
      db.close();
    });

    it('opens read-only only after an upgrade, then shows each trial its curve from the new column', async () => {
      expect(openError(file, { readOnly: true }).message).to.match(/schema version 1, older than this Coex's 2/);
      const store = new SqliteStore(file);
      expect(await store.listTrials('r1')).to.deep.equal([{ ...fullTrial(0), curve }, prunedTrial(1)]);
      await store.close();
      expect(metaOf(file).schema_version).to.equal('2');
      const db = rawConnection(file, true);
      const row = db.prepare('SELECT curve, extra FROM trials WHERE seq = 0').get() as { curve: string; extra: string | null };
      db.close();
      expect(JSON.parse(row.curve)).to.deep.equal(curve);
      expect(row.extra === null || !('curve' in JSON.parse(row.extra))).to.equal(true);
      const fresh = path.join(dir, 'fresh.db');
      new SqliteStore(fresh).close();
      expect(schemaOf(file)).to.deep.equal(schemaOf(fresh));
    });
  });

  describe('the migration runner', () => {
    let db: SqliteDatabase;
    const addColumn = (from: number, column: string): Migration => ({
      from,
      to: from + 1,
      description: `add ${column}`,
      up: (d) => d.exec(`ALTER TABLE t ADD COLUMN ${column}`),
    });
    const columns = () => (db.prepare('SELECT name FROM pragma_table_info(?)').all('t') as { name: string }[]).map((c) => c.name);
    const version = () => (db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as { value: string }).value;

    beforeEach(() => {
      db = openDatabase(':memory:', { readonly: false, fileMustExist: false, timeout: 0 });
      db.exec("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); INSERT INTO meta VALUES ('schema_version', '1'); CREATE TABLE t (a)");
    });
    afterEach(() => db.close());

    it('applies the steps in order, one version at a time', () => {
      migrate(db, 1, 3, [addColumn(2, 'c'), addColumn(1, 'b')]);
      expect(columns()).to.deep.equal(['a', 'b', 'c']);
      expect(version()).to.equal('3');
    });

    it('applies all steps or none: a failing step leaves the file at its old version', () => {
      const broken: Migration = { from: 2, to: 3, description: 'broken', up: () => { throw new Error('step failed'); } };
      expect(() => migrate(db, 1, 3, [addColumn(1, 'b'), broken])).to.throw('step failed');
      expect(columns()).to.deep.equal(['a']);
      expect(version()).to.equal('1');
    });

    it('fails when a step is missing', () => {
      expect(() => migrate(db, 1, 3, [addColumn(1, 'b')])).to.throw(/no migration from store schema version 2/);
    });

    it('has real steps from version 0 up to the current version', () => {
      let v = 0;
      for (const step of [...MIGRATIONS].sort((a, b) => a.from - b.from)) {
        expect(step.from).to.equal(v);
        v = step.to;
      }
      expect(v).to.equal(STORE_SCHEMA_VERSION);
    });
  });

  it('refuses a file that is not SQLite, naming it, without changing it', () => {
    for (const text of ['not a db', 'trial,seq,reward\n'.repeat(40)]) {
      fs.writeFileSync(file, text);
      for (const readOnly of [false, true]) {
        const error = openError(file, { readOnly });
        expect(error).to.be.instanceOf(UserError);
        expect(error.message).to.equal(`${file} is not a Coex store: it is not an SQLite database`);
      }
      expect(fs.readFileSync(file, 'utf8')).to.equal(text);
      expect(fs.readdirSync(dir)).to.deep.equal(['coex.db']);
    }
  });

  it('refuses an SQLite database of something else, naming its tables', () => {
    const db = openDatabase(file, { readonly: false, fileMustExist: false, timeout: 0 });
    db.exec('CREATE TABLE users (name); CREATE TABLE orders (id)');
    db.close();
    const error = openError(file);
    expect(error).to.be.instanceOf(UserError);
    expect(error.message).to.equal(`${file} is not a Coex store: it is an SQLite database with other tables (users, orders)`);
  });

  it('refuses another application\'s file by its application id', () => {
    const db = openDatabase(file, { readonly: false, fileMustExist: false, timeout: 0 });
    db.pragma('application_id = 1234');
    db.exec('CREATE TABLE runs (id)');
    db.close();
    expect(openError(file).message).to.equal(`${file} is not a Coex store: it belongs to another application (SQLite application id 0x4d2)`);
  });

  it('starts a store in an empty file, but a read-only open needs an existing store', async () => {
    expect(openError(file, { readOnly: true }).message).to.equal(`store file ${file} does not exist`);
    fs.writeFileSync(file, '');
    expect(openError(file, { readOnly: true }).message).to.equal(`store file ${file} holds no Coex data (it is an empty database)`);
    const store = new SqliteStore(file);
    await store.putTrial('r', prunedTrial(0));
    await store.close();
    const reader = new SqliteStore(file, { readOnly: true });
    expect(await reader.listTrials('r')).to.deep.equal([prunedTrial(0)]);
    await reader.close();
  });

  it('names a path that cannot be a file', () => {
    const error = openError(dir);
    expect(error).to.be.instanceOf(UserError);
    expect(error.message).to.equal(`cannot open store file ${dir}: SQLITE_CANTOPEN: unable to open database file`);
  });
});
