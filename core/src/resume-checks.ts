// What a resume checks before it continues a run folder: that config.json still says what the run
// started with (the store keeps that configuration), and that the store holds what it should.
// An edited folder or a damaged store is refused, never silently mixed or recomputed.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ResolvedConfig } from './config';
import { UserError } from './errors';
import { LOCK_FILE } from './lock';
import type { Store } from './roles';
import { maskSecretsDeep } from './secrets';

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** The paths (`seed`, `plugins[0].module`, `budget.candidates`) at which `a` and `b` differ. */
export function changedKeys(a: unknown, b: unknown, at = ''): string[] {
  if (Array.isArray(a) && Array.isArray(b)) {
    return Array.from({ length: Math.max(a.length, b.length) }, (_, i) => changedKeys(a[i], b[i], `${at}[${i}]`)).flat();
  }
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])];
    return keys.flatMap((k) => changedKeys(a[k], b[k], at ? `${at}.${k}` : k));
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [at || '(the whole configuration)'];
}

/** Refuses a config.json that differs from the configuration the store recorded when the run started. */
export function assertConfigUnchanged(file: string, onDisk: ResolvedConfig, stored: unknown): void {
  if (stored === undefined) return;
  const changed = changedKeys(maskSecretsDeep(stored), maskSecretsDeep(onDisk));
  if (changed.length === 0) return;
  const shown = changed.slice(0, 8).join(', ') + (changed.length > 8 ? `, and ${changed.length - 8} more` : '');
  throw new UserError(
    `${file} differs from the configuration this run started with (kept in its store): changed ${shown}; ` +
      'a run continues with the settings it started with: undo the edit, or start a new run (coex run) with the new settings', 'COEX_RESUME_REFUSED',
  );
}

/**
 * Refuses a store with a missing trial: every batch before the last holds all of its seqs (only
 * the last batch may lack trials that were still in flight), and so does the batch whose
 * controller state was saved.
 */
export async function assertNoMissingTrials(store: Store, runId: string): Promise<void> {
  const trials = await store.listTrials(runId);
  if (trials.length === 0) return;
  const lastBatch = Math.max(...trials.map((t) => t.batch));
  const saved = await store.getControllerState(runId);
  const complete = trials.filter((t) => t.batch < lastBatch || (saved !== undefined && t.batch <= saved.batch));
  if (complete.length === 0) return;
  const bound = Math.max(...complete.map((t) => t.seq));
  const present = new Set(trials.map((t) => t.seq));
  const missing = Array.from({ length: bound + 1 }, (_, s) => s).filter((s) => !present.has(s));
  if (missing.length > 0) {
    throw new UserError(
      `store ${store.location} of run ${runId} lacks trial${missing.length > 1 ? 's' : ''} ${missing.slice(0, 10).join(', ')}${missing.length > 10 ? ', ...' : ''} ` +
        `of its completed batches (it holds ${trials.length} trials up to seq ${Math.max(...present)}); ` +
        'the file was edited or damaged, and a resume would not reproduce the run: restore the store from a backup, or start a new run', 'COEX_RESUME_REFUSED',
    );
  }
}

/**
 * Refuses an empty (0-byte) store beside a config.json, unless a process died while creating it
 * (its lock is still there), its data is still in the WAL, or the empty file is older than the
 * run's config.json (a store file given with store.file that existed before the run, which then
 * never wrote to it, e.g. refused because another process held it): otherwise the run's trials are
 * gone, and a resume would compute them again as if nothing had happened.
 */
export function assertStoreNotEmptied(dir: string, storeFile: string): void {
  if (!fs.existsSync(storeFile) || fs.statSync(storeFile).size > 0) return;
  const config = path.join(dir, 'config.json');
  if (fs.existsSync(config) && fs.statSync(storeFile).mtimeMs < fs.statSync(config).mtimeMs) return;
  const wal = `${storeFile}-wal`;
  if (fs.existsSync(wal) && fs.statSync(wal).size > 0) return;
  if (fs.existsSync(path.join(dir, LOCK_FILE))) return;
  throw new UserError(
    `store file ${storeFile} is empty (0 bytes), but ${path.join(dir, 'config.json')} says a run was started in ${dir}: ` +
      'its trials are lost (the file was truncated or replaced); restore it from a backup, or start a new run (coex run)', 'COEX_RESUME_REFUSED',
  );
}
