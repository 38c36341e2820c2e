import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expect } from 'chai';
import { SqliteStore } from '../src';
import { makeTempDirs, prunedTrial } from './fixtures';

const ROOT = path.resolve(__dirname, '../../..');
const NOBODY = 65534;

/** Opens the files in a child process as a user without write permission (root ignores permissions, so root drops to nobody). */
function openAsOtherUser(pairs: [string, 'write' | 'read'][]): unknown[] {
  const asRoot = process.getuid?.() === 0;
  const child = spawnSync(
    process.execPath,
    ['--conditions=coex-source', '-r', path.join(ROOT, 'scripts/register.js'), path.join(__dirname, 'child/open-as-user.ts'), ...pairs.flat()],
    { cwd: ROOT, encoding: 'utf8', ...(asRoot ? { uid: NOBODY, gid: NOBODY } : {}) },
  );
  if (child.error || child.status !== 0) throw new Error(`child failed: ${child.error?.message ?? child.stderr}`);
  return JSON.parse(child.stdout);
}

describe('store-sqlite: files the user may not write', function () {
  this.timeout(60_000);
  const temp = makeTempDirs();
  after(() => temp.removeAll());

  it('refuses to run on a write-protected file before any work, yet reads it, also in a folder it cannot write', async () => {
    const base = temp.create();
    fs.chmodSync(base, 0o755);
    const [writableDir, lockedDir] = ['writable', 'locked'].map((name) => path.join(base, name));
    const [protectedFile, archivedFile] = [writableDir, lockedDir].map((d) => path.join(d, 'coex.db'));
    for (const file of [protectedFile, archivedFile]) {
      const store = new SqliteStore(file);
      await store.putTrial('r1', prunedTrial(0));
      await store.close();
    }
    fs.chmodSync(writableDir, 0o777);
    fs.chmodSync(protectedFile, 0o444);
    fs.chmodSync(lockedDir, 0o555);
    fs.chmodSync(archivedFile, 0o644);

    let results: unknown[];
    try {
      results = openAsOtherUser([[protectedFile, 'write'], [protectedFile, 'read'], [archivedFile, 'read']]);
    } finally {
      fs.chmodSync(lockedDir, 0o755); // so that a non-root user can remove the folder afterwards
    }
    expect(results).to.deep.equal([
      {
        name: 'UserError',
        message: `store file ${protectedFile} (or its folder) is read-only: make both writable to run, or use a read-only command (coex show) to read it`,
      },
      { trials: 1 },
      // A read-only folder: SQLite cannot create coex.db-shm there, so the store reads a private copy.
      { trials: 1 },
    ]);
    expect(fs.readdirSync(lockedDir)).to.deep.equal(['coex.db']);
  });
});
