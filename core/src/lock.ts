// A run folder is used by one process at a time. The lock file holds the owner's pid and host;
// a lock whose process is gone (a crash, SIGKILL) is taken over.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError } from './errors';

export const LOCK_FILE = 'coex.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the folder's lock or explains who holds it; returns the release function. */
export function acquireLock(dir: string): () => void {
  const file = path.join(dir, LOCK_FILE);
  const mine = JSON.stringify({ pid: process.pid, host: os.hostname(), since: new Date().toISOString() });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, mine, { flag: 'wx' });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        process.removeListener('exit', release);
        try {
          if (fs.readFileSync(file, 'utf8') === mine) fs.unlinkSync(file);
        } catch {
          /* already gone */
        }
      };
      process.on('exit', release);
      return release;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EEXIST') throw new UserError(`cannot lock ${dir}: cannot create ${file} (${code ?? (error as Error).message}); is the folder writable?`, 'COEX_LOCKED');
      if (fs.lstatSync(file).isDirectory()) {
        throw new UserError(`cannot lock ${dir}: ${file} is a folder, not Coex's lock file; remove or rename that folder, then retry`, 'COEX_LOCKED');
      }
      let owner: { pid?: number; host?: string; since?: string } = {};
      try {
        owner = JSON.parse(fs.readFileSync(file, 'utf8'));
      } catch {
        /* unreadable lock: treat as stale */
      }
      const sameHost = !owner.host || owner.host === os.hostname();
      if (owner.pid && sameHost && owner.pid !== process.pid && alive(owner.pid)) {
        throw new UserError(`${dir} is in use by process ${owner.pid} (since ${owner.since}); wait for it or stop it, then retry`, 'COEX_LOCKED');
      }
      if (owner.pid && !sameHost) {
        throw new UserError(`${dir} is locked by process ${owner.pid} on host ${owner.host}; if that process is gone, delete ${file}`, 'COEX_LOCKED');
      }
      fs.rmSync(file, { force: true });
    }
  }
  throw new UserError(`could not lock ${dir}: another process keeps taking ${LOCK_FILE}`, 'COEX_LOCKED');
}
