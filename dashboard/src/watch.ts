// Follows a run or study store while it is written: every interval it looks at the store file and
// its write-ahead log (size and modification time, a stat; nothing is opened for writing), re-reads
// the store through the read-only Store when they changed (and every few seconds anyway, for stores
// that are not one file), and publishes a new snapshot when the trials or runs changed. In WAL mode
// a reader never blocks the writer, and each read sees the last committed state.
import * as fs from 'node:fs';
import type { Store } from '@coex/core';
import { buildSnapshot, fingerprint, readStore, type Layout, type Summary, type TrialRow } from './snapshot';

export const POLL_MS = 500;
/** Re-read at least this often even when the files look unchanged (coarse mtimes, other stores). */
const REREAD_MS = 5000;

export interface Snapshot {
  summary: Summary;
  trials: TrialRow[];
}

function fileSignature(file: string): string {
  return [file, `${file}-wal`].map((f) => {
    try {
      const s = fs.statSync(f);
      return `${s.size}:${s.mtimeMs}`;
    } catch {
      return '-';
    }
  }).join('|');
}

export class StoreWatcher {
  private snapshot: Snapshot | undefined;
  private lastPrint = '';
  private lastSignature = '';
  private lastRead = 0;
  private revision = 0;
  private lastError = '';
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private readonly listeners = new Set<(s: Snapshot) => void>();

  constructor(
    private readonly dir: string,
    private readonly store: Store,
    private readonly layout: Layout,
    private readonly intervalMs = POLL_MS,
  ) {}

  /** Reads the store once, then keeps following it. */
  async start(): Promise<Snapshot> {
    // The first read's failure is the caller's (an unreadable store is an error at start).
    await this.check(true);
    this.timer = setInterval(() => void this.poll(), this.intervalMs);
    this.timer.unref();
    return this.snapshot!;
  }

  current(): Snapshot {
    if (!this.snapshot) throw new Error('the store has not been read yet');
    return this.snapshot;
  }

  subscribe(listener: (s: Snapshot) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.polling;
    await this.store.close();
  }

  private poll(): Promise<void> {
    if (this.polling) return this.polling;
    this.polling = this.check(false).then(() => { this.lastError = ''; }, (error) => {
      // A read that failed (e.g. the writer is migrating the file) is tried again next interval;
      // the same failure is reported once, not every interval.
      const message = (error as Error).message;
      if (message !== this.lastError) process.stderr.write(`coex dashboard: could not read the store (trying again): ${message}\n`);
      this.lastError = message;
    }).finally(() => { this.polling = undefined; });
    return this.polling;
  }

  private async check(force: boolean): Promise<void> {
    const signature = fileSignature(this.store.location);
    const now = Date.now();
    if (!force && signature === this.lastSignature && now - this.lastRead < REREAD_MS) return;
    this.lastSignature = signature;
    this.lastRead = now;
    const read = await readStore(this.store);
    const print = fingerprint(read);
    if (!force && print === this.lastPrint) return;
    this.lastPrint = print;
    this.snapshot = buildSnapshot(this.dir, this.layout, read, ++this.revision);
    for (const listener of this.listeners) listener(this.snapshot);
  }
}
