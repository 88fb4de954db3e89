// toPostgresStorageError: which Postgres and network failures are STORAGE_ERROR, and which are bugs.

import { describe, expect, it } from 'vitest';
import { ChatError } from '../errors.js';
import { toPostgresStorageError } from './postgres-storage-error.js';

/** An error shaped like node-postgres's DatabaseError or a socket error. */
function failure(code: string | undefined, message = 'boom'): Error {
  return Object.assign(new Error(message), code === undefined ? {} : { code });
}

describe('toPostgresStorageError', () => {
  it('maps an unreachable, stopping, starting or full server to an unavailable STORAGE_ERROR', () => {
    for (const error of [
      failure('ECONNREFUSED'),
      failure('ECONNRESET'),
      failure('EPIPE'),
      failure('08006'), // connection_failure
      failure('57P01'), // admin_shutdown
      failure('57P03'), // cannot_connect_now
      failure('53300'), // too_many_connections
      failure('53100'), // disk_full
      failure('58030'), // io_error
      failure('25006'), // read_only_sql_transaction
      failure(undefined, 'Connection terminated unexpectedly'),
      failure(undefined, 'timeout exceeded when trying to connect'),
      new AggregateError([failure('ECONNREFUSED'), failure('ECONNREFUSED')], ''),
    ]) {
      const mapped = toPostgresStorageError(error);
      expect(mapped).toBeInstanceOf(ChatError);
      expect(mapped).toMatchObject({
        code: 'STORAGE_ERROR',
        status: 503,
        retryable: true,
        retryAfter: undefined,
        message: 'The chat history is unavailable; try again later.',
        cause: error,
      });
    }
  });

  it('maps lock, deadlock, serialization and statement timeouts to a busy STORAGE_ERROR', () => {
    for (const code of ['40001', '40P01', '55P03', '57014']) {
      expect(toPostgresStorageError(failure(code))).toMatchObject({
        code: 'STORAGE_ERROR',
        status: 503,
        retryAfter: 1,
        message: 'The chat history is busy; try again in a moment.',
      });
    }
  });

  it('leaves bugs as they are: constraint violations, syntax errors, type errors', () => {
    for (const error of [
      failure('23505'),
      failure('42601'),
      failure('42P01'),
      new TypeError('bad input'),
      failure(undefined, 'something else'),
    ]) {
      expect(toPostgresStorageError(error)).toBe(error);
    }
  });
});
