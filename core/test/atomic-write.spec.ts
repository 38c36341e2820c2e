// writeFileAtomic (issue 13, point 1): a write goes through a temporary file renamed into place, so
// a failed write never leaves half a file.
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeFileAtomic } from '../src/host';

describe('writeFileAtomic', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'coex-atomic-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('replaces a file by renaming a new one into place, leaving no temporary file', () => {
    const file = path.join(dir, 'out.csv');
    fs.writeFileSync(file, 'old content that is longer than the new one\n');
    const before = fs.statSync(file).ino;
    writeFileAtomic(file, 'new\n');
    expect(fs.readFileSync(file, 'utf8')).to.equal('new\n');
    expect(fs.statSync(file).ino, 'a new file, not the old one written in place').to.not.equal(before);
    expect(fs.readdirSync(dir)).to.deep.equal(['out.csv']);
  });

  it('a write that fails leaves what was there and no temporary file', () => {
    const target = path.join(dir, 'a-folder');
    fs.mkdirSync(target);
    fs.writeFileSync(path.join(target, 'keep'), 'x');
    expect(() => writeFileAtomic(target, 'text')).to.throw(/EISDIR|directory/i);
    expect(fs.readdirSync(target)).to.deep.equal(['keep']);
    expect(fs.readdirSync(dir).sort()).to.deep.equal(['a-folder', 'out.csv']);
  });
});
