// Turning SQLite failures into messages that name the store file and what was being done.
import * as path from 'node:path';
import { UserError, messageOf } from '@coex/core';
import { isLockError, sqliteCode } from './driver';

export function lockedMessage(file: string, busyTimeout: number): string {
  return `store file ${file} is locked by another process (waited ${busyTimeout} ms); ` +
    'wait for that process to finish, or give this run another store file';
}

export function readOnlyFileMessage(file: string): string {
  return `store file ${file} (or its folder) is read-only: make both writable to run, or use a read-only command (coex show) to read it`;
}

/** A failure while opening: always the user's file or setup (wrong file, locked, read-only, missing folder). */
export function openFailure(file: string, error: unknown, options: { busyTimeout: number; readOnly: boolean }): UserError {
  if (error instanceof UserError) return error;
  if (isLockError(error)) return new UserError(`cannot open the store: ${lockedMessage(file, options.busyTimeout)}`);
  const code = sqliteCode(error);
  if (code?.startsWith('SQLITE_READONLY')) {
    return new UserError(
      options.readOnly
        ? `cannot read store file ${file}: SQLite must create ${path.basename(file)}-shm beside it to read a WAL-mode database, ` +
            'but its folder is not writable; copy the folder somewhere writable and read the copy'
        : readOnlyFileMessage(file),
    );
  }
  if (code === 'SQLITE_NOTADB') return new UserError(`${file} is not a Coex store: it is not an SQLite database`);
  if (code?.startsWith('SQLITE_CORRUPT')) return new UserError(`store file ${file} is damaged (${code}: ${messageOf(error)})`);
  return new UserError(`cannot open store file ${file}: ${code ? `${code}: ` : ''}${messageOf(error)}`);
}

/**
 * A failure while reading or writing an open store. A lock held too long is the user's to fix;
 * anything else (disk full, read-only file, I/O error) is an Error naming the file and the record.
 * `action` is e.g. { verb: 'save trial 12 of run r1', preposition: 'to' }.
 */
export function accessFailure(action: StoreAction, file: string, error: unknown, busyTimeout: number): Error {
  if (error instanceof UserError) return error;
  if (isLockError(error)) return new UserError(`could not ${action.verb}: ${lockedMessage(file, busyTimeout)}`);
  const code = sqliteCode(error);
  return new Error(
    `could not ${action.verb} ${action.preposition} ${file}: ${code ? `${code}: ` : ''}${messageOf(error)}`,
    { cause: error },
  );
}

export interface StoreAction {
  verb: string;
  preposition: 'to' | 'from';
}
