// Maps Postgres faults (server down or restarting, connection lost, too many connections, lock or
// statement timeouts, disk full) to the coded STORAGE_ERROR of the wire protocol.

import { storageBusyError, storageUnavailableError } from './storage-errors.js';

// SQLSTATE classes and codes (https://www.postgresql.org/docs/current/errcodes-appendix.html) that
// mean "the storage is unwell", not "the code is wrong".
const UNAVAILABLE_CLASSES = ['08', '53', '58', 'XX'];
const UNAVAILABLE_CODES = new Set([
  '57P01', // admin_shutdown: the server is stopping
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now: the server is starting
  '57P05', // idle_session_timeout
  '25006', // read_only_sql_transaction: a standby after a failover
]);
const BUSY_CODES = new Set([
  '40001', // serialization_failure
  '40P01', // deadlock_detected
  '55P03', // lock_not_available (lock_timeout)
  '57014', // query_canceled (statement_timeout)
]);
// Errors of the network or of node-postgres itself, which carry no SQLSTATE.
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
const DRIVER_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|not queryable|Client was closed/;

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

function isUnavailable(error: unknown): boolean {
  const code = codeOf(error);
  // Network codes first: EPIPE has the shape of a SQLSTATE too.
  if (code !== undefined && NETWORK_CODES.has(code)) return true;
  if (code !== undefined && /^[0-9A-Z]{5}$/.test(code)) {
    return UNAVAILABLE_CODES.has(code) || UNAVAILABLE_CLASSES.includes(code.slice(0, 2));
  }
  // A host name with several addresses fails with an AggregateError of one error per address.
  if (error instanceof AggregateError) return error.errors.some(isUnavailable);
  return error instanceof Error && code === undefined && DRIVER_MESSAGES.test(error.message);
}

/**
 * Turns a storage fault into `ChatError('STORAGE_ERROR')` (503, retryable, the driver's error as
 * `cause` for logs; the message says nothing about SQL). Anything else — a constraint violation, a
 * syntax error — is a bug and is returned unchanged so that it surfaces as one.
 */
export function toPostgresStorageError(error: unknown): unknown {
  const code = codeOf(error);
  if (code !== undefined && BUSY_CODES.has(code)) {
    return storageBusyError(error);
  }
  if (isUnavailable(error)) {
    return storageUnavailableError(error);
  }
  return error;
}

/** Awaits a storage call, rethrowing storage faults as {@link toPostgresStorageError} does. */
export async function withPostgresErrors<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toPostgresStorageError(error);
  }
}
