// Maps SQLite faults (locked, disk full, corrupt, I/O) to the coded STORAGE_ERROR of the wire protocol.

import { storageBusyError, storageUnavailableError } from './storage-errors.js';

// Primary result codes (https://sqlite.org/rescode.html) that mean "the storage is unwell", not "the
// code is wrong": extended codes such as SQLITE_IOERR_WRITE or SQLITE_BUSY_SNAPSHOT share them.
const BUSY_CODES = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED']);
const FAULT_CODES = new Set([
  'SQLITE_FULL',
  'SQLITE_IOERR',
  'SQLITE_CORRUPT',
  'SQLITE_NOTADB',
  'SQLITE_CANTOPEN',
  'SQLITE_READONLY',
  'SQLITE_NOMEM',
  'SQLITE_PROTOCOL',
  'SQLITE_NOLFS',
]);

/** The primary SQLite result code of an error thrown by better-sqlite3 (`SQLITE_BUSY` for `SQLITE_BUSY_SNAPSHOT`). */
export function getPrimarySqliteCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== 'string') return undefined;
  return /^SQLITE_[A-Z]+/.exec(code)?.[0];
}

/**
 * Turns a storage fault into `ChatError('STORAGE_ERROR')` (503, retryable, the SQLite error as
 * `cause` for logs; the message says nothing about SQL). Anything else — a constraint violation, a
 * misuse — is a bug and is returned unchanged so that it surfaces as one.
 */
export function toStorageError(error: unknown): unknown {
  const code = getPrimarySqliteCode(error);
  if (code !== undefined && BUSY_CODES.has(code)) {
    return storageBusyError(error);
  }
  if (code !== undefined && FAULT_CODES.has(code)) {
    return storageUnavailableError(error);
  }
  return error;
}

/** Runs a synchronous storage call, rethrowing storage faults as {@link toStorageError} does. */
export function withStorageErrors<T>(call: () => T): T {
  try {
    return call();
  } catch (error) {
    throw toStorageError(error);
  }
}
