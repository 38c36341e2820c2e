// Files `coex export` writes in formats other than json/csv: written whole to a temporary file
// beside the target, then renamed, so a reader never sees half a file and a failure leaves the
// old file as it was.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError, messageOf } from '@coex/core';

export function writeExportFile(file: string, data: string | Uint8Array): void {
  const target = path.resolve(file);
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.tmp`);
  try {
    fs.writeFileSync(temp, data);
    fs.renameSync(temp, target);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw new UserError(`cannot write ${file}: ${messageOf(error)}`);
  }
}
