import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { scratchFolder } from '../src';

describe('scratchFolder', () => {
  let seen: string | undefined;

  describe('inside its describe', () => {
    const scratch = scratchFolder('coex-scratch-test');
    it('writes files into a fresh folder of its own', () => {
      const file = scratch.write('table.csv', 'a,b\n1,2\n');
      expect(path.dirname(file)).to.equal(scratch.dir);
      expect(path.basename(scratch.dir)).to.match(/^coex-scratch-test-/);
      expect(fs.readFileSync(file, 'utf8')).to.equal('a,b\n1,2\n');
      expect(scratch.file('absent.csv')).to.equal(path.join(scratch.dir, 'absent.csv'));
      seen = scratch.dir;
    });
  });

  // Mocha runs a suite's own tests before its nested suites: this check is a suite of its own, after.
  describe('after that describe', () => {
    it('has removed the folder', () => {
      expect(seen).to.be.a('string');
      expect(fs.existsSync(seen!)).to.equal(false);
    });
  });
});
