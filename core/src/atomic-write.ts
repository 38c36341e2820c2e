// Writing a file so that readers see the old content or the new, never half of it: the data goes
// to a temporary file in the same folder (same file system, so the rename is atomic), is synced,
// then renamed over the target; a failure removes the temporary file. write-file-atomic does it
// (it ships no types; the one function used is typed here).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const writeFileAtomicLib = require('write-file-atomic') as { sync(file: string, data: string | Buffer): void };

/** Replaces `file` with `data` in one step; a failed write leaves the old file (or none). */
export function writeFileAtomic(file: string, data: string | Buffer): void {
  writeFileAtomicLib.sync(file, data);
}
