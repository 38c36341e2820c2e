// A scratch folder for one mocha `describe`: made before its tests, removed after them, with a
// helper that writes a file into it (CSV tables, configs, broken inputs for error messages).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface ScratchFolder {
  /** The folder's path (valid inside the tests, after `before` has run). */
  readonly dir: string;
  /** A path inside the folder. */
  file(name: string): string;
  /** Writes `text` to `name` inside the folder and returns its path. */
  write(name: string, text: string): string;
}

type Hook = (fn: () => void) => void;

/**
 * Call inside a `describe`: registers the `before` and `after` hooks (mocha's, or `beforeAll` and
 * `afterAll` where a runner names them so) that make and remove the folder.
 */
export function scratchFolder(prefix: string): ScratchFolder {
  const runner = globalThis as { before?: Hook; after?: Hook; beforeAll?: Hook; afterAll?: Hook };
  const before = runner.before ?? runner.beforeAll;
  const after = runner.after ?? runner.afterAll;
  if (!before || !after) throw new Error('scratchFolder: call it inside a describe() of a test runner (mocha: before/after)');
  let dir: string | undefined;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}-`));
  });
  after(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });
  const folder: ScratchFolder = {
    get dir() {
      if (!dir) throw new Error('scratchFolder: the folder exists only inside the tests (after before())');
      return dir;
    },
    file: (name) => path.join(folder.dir, name),
    write: (name, text) => {
      const file = folder.file(name);
      fs.writeFileSync(file, text);
      return file;
    },
  };
  return folder;
}
