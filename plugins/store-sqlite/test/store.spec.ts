import * as path from 'node:path';
import { expect } from 'chai';
import { UserError, type StoredEvent, type Trial } from '@coex/core';
import { SqliteStore } from '../src';
import { fullTrial, makeTempDirs, prunedTrial, rawConnection, run } from './fixtures';
import { rejectionOf } from '@coex/testing';

/** Lets a test shrink the file's page limit to simulate a full disk. */
class FullDiskStore extends SqliteStore {
  fillDisk(): void {
    const pages = this.db.pragma('page_count', { simple: true }) as number;
    this.db.pragma(`max_page_count = ${pages}`);
  }
}

describe('store-sqlite: SqliteStore', () => {
  const temp = makeTempDirs();
  const stores: SqliteStore[] = [];
  let file: string;
  const open = (options?: ConstructorParameters<typeof SqliteStore>[1], at = file) => {
    const store = new SqliteStore(at, options);
    stores.push(store);
    return store;
  };

  beforeEach(() => {
    file = path.join(temp.create(), 'runs', 'x', 'coex.db');
  });
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    temp.removeAll();
  });

  it('round-trips runs, trials, events and controller state exactly', async () => {
    const store = open();
    const withExtraField = { ...prunedTrial(2), cacheKey: 'abc' } as Trial;
    const failed: Trial = { ...prunedTrial(3), status: 'failed', error: 'worker crashed', reward: Number.NaN, batch: -0 };
    delete failed.prunedReason;
    const trials = [fullTrial(0), prunedTrial(1), withExtraField, failed];
    const events: StoredEvent[] = [
      { at: '2025-01-02T03:04:05.000Z', type: 'runStart' },
      { at: '2025-01-02T03:04:06.000Z', type: 'trialEnd', seq: 0, data: { reward: Number.NEGATIVE_INFINITY, nested: [{ a: null }] } },
    ];
    const finished = run('r1', { status: 'finished', preset: 'hw-aware', finishedAt: '2025-01-03T00:00:00.000Z', summary: { trained: 1, pruned: 2 } });
    await store.putRun(run('r1'));
    await store.putRun(finished);
    for (const trial of trials) await store.putTrial('r1', trial);
    for (const event of events) await store.appendEvent('r1', event);
    await store.putControllerState('r1', { batch: 4, state: { theta: [0.5, -0, Number.NaN], step: 4 } });
    await store.close();

    const reader = open({ readOnly: true });
    expect(await reader.getRun('r1')).to.deep.equal(finished);
    expect(await reader.listRuns()).to.deep.equal([finished]);
    const read = await reader.listTrials('r1');
    expect(read).to.deep.equal(trials);
    expect(Object.keys(read[1])).to.not.include.members(['hardware', 'training', 'error', 'worker', 'startedAt']);
    expect(Object.is(read[0].metrics.energyEfficiency, -0)).to.equal(true);
    expect(await reader.listEvents('r1')).to.deep.equal(events);
    expect(await reader.getControllerState('r1')).to.deep.equal({ batch: 4, state: { theta: [0.5, -0, Number.NaN], step: 4 } });
    expect(await reader.getRun('nope')).to.equal(undefined);
    expect(await reader.getControllerState('nope')).to.equal(undefined);
  });

  it('keeps one row per (run, seq) and the latest version of it, ordered by seq', async () => {
    const store = open();
    await store.putTrial('r1', { ...fullTrial(5), status: 'training' });
    await store.putTrial('r1', prunedTrial(2));
    await store.putTrial('r1', fullTrial(5));
    const trials = await store.listTrials('r1');
    expect(trials.map((t) => t.seq)).to.deep.equal([2, 5]);
    expect(trials[1]).to.deep.equal(fullTrial(5));
    const db = rawConnection(file, true);
    expect(db.prepare('SELECT count(*) AS n FROM trials').get()).to.deep.equal({ n: 2 });
    db.close();
  });

  it('keeps two runs in one file apart', async () => {
    const store = open();
    await store.putRun(run('a'));
    await store.putRun(run('b', { createdAt: '2025-01-02T03:04:06.000Z', seed: 7 }));
    await store.putTrial('a', fullTrial(0));
    await store.putTrial('b', prunedTrial(0));
    await store.putTrial('b', prunedTrial(1));
    await store.appendEvent('a', { at: 't', type: 'a-only' });
    await store.putControllerState('a', { batch: 1, state: 'A' });
    await store.putControllerState('b', { batch: 2, state: 'B' });
    await store.putControllerState('b', { batch: 3, state: 'B3' });

    expect((await store.listRuns()).map((r) => [r.id, r.seed])).to.deep.equal([['a', 42], ['b', 7]]);
    expect(await store.listTrials('a')).to.deep.equal([fullTrial(0)]);
    expect(await store.listTrials('b')).to.deep.equal([prunedTrial(0), prunedTrial(1)]);
    expect(await store.listEvents('b')).to.deep.equal([]);
    expect(await store.getControllerState('a')).to.deep.equal({ batch: 1, state: 'A' });
    expect(await store.getControllerState('b')).to.deep.equal({ batch: 3, state: 'B3' });
  });

  it('lets a read-only reader see committed trials while a writer is active', async () => {
    const writer = open();
    await writer.putTrial('r1', prunedTrial(0));
    const reader = open({ readOnly: true });
    expect(await reader.listTrials('r1')).to.have.length(1);
    await writer.putTrial('r1', prunedTrial(1));
    expect((await reader.listTrials('r1')).map((t) => t.seq)).to.deep.equal([0, 1]);

    // Another connection holds the write lock with a trial not yet committed.
    const other = rawConnection(file);
    other.exec('BEGIN IMMEDIATE');
    other.prepare("INSERT INTO trials (run_id, seq, batch, status, seed, candidate, metrics, timings) VALUES ('r1', 2, 0, 'done', 1, '{}', '{}', '{}')").run();
    expect((await reader.listTrials('r1')).map((t) => t.seq)).to.deep.equal([0, 1]);
    other.exec('COMMIT');
    other.close();
    expect((await reader.listTrials('r1')).map((t) => t.seq)).to.deep.equal([0, 1, 2]);
  });

  it('reports a file locked by another process beyond the busy timeout as a UserError', async () => {
    const store = open({ busyTimeout: 20 });
    const other = rawConnection(file);
    other.exec('BEGIN IMMEDIATE');
    const error = await rejectionOf(store.putTrial('r1', prunedTrial(12)));
    other.exec('ROLLBACK');
    other.close();
    expect(error).to.be.instanceOf(UserError);
    expect(error.message).to.equal(
      `could not save trial 12 of run r1: store file ${file} is locked by another process (waited 20 ms); ` +
        'wait for that process to finish, or give this run another store file',
    );
    await store.putTrial('r1', prunedTrial(12));
    expect(await store.listTrials('r1')).to.have.length(1);
  });

  it('names the file and the trial when a write to a read-only store fails', async () => {
    const writer = open();
    await writer.putTrial('r1', fullTrial(11));
    const reader = open({ readOnly: true });
    const error = await rejectionOf(reader.putTrial('r1', fullTrial(12)));
    expect(error).to.not.be.instanceOf(UserError);
    expect(error.message).to.equal(`could not save trial 12 of run r1 to ${file}: SQLITE_READONLY: attempt to write a readonly database`);
    expect(await writer.listTrials('r1')).to.deep.equal([fullTrial(11)]);
  });

  it('rolls back a trial that does not fit on a full disk and keeps what was stored', async () => {
    const store = new FullDiskStore(file);
    stores.push(store);
    await store.putRun(run('r1'));
    for (let seq = 0; seq < 3; seq++) await store.putTrial('r1', fullTrial(seq));
    store.fillDisk();
    const big = fullTrial(3);
    big.candidate.architecture.notes = 'x'.repeat(200_000);
    const error = await rejectionOf(store.putTrial('r1', big));
    expect(error.message).to.equal(`could not save trial 3 of run r1 to ${file}: SQLITE_FULL: database or disk is full`);
    await store.close();

    const reopened = open();
    expect(await reopened.listTrials('r1')).to.deep.equal([0, 1, 2].map(fullTrial));
    const db = rawConnection(file, true);
    expect(db.pragma('integrity_check', { simple: true })).to.equal('ok');
    db.close();
  });

  it('names the file when used after close', async () => {
    const store = open();
    await store.close();
    await store.close();
    const error = await rejectionOf(store.listTrials('r1'));
    expect(error.message).to.match(new RegExp(`^could not read the trials of run r1 from ${file}: .*not open`));
  });

  it('writes in WAL mode with the chosen synchronous level', async () => {
    open({ synchronous: 'normal' });
    const db = rawConnection(file, true);
    expect(db.pragma('journal_mode', { simple: true })).to.equal('wal');
    db.close();
    // synchronous is per connection: check the store's own.
    const store = new (class extends SqliteStore {
      level = () => this.db.pragma('synchronous', { simple: true });
    })(file);
    stores.push(store);
    expect(store.level()).to.equal(2); // FULL, the default
  });
});
