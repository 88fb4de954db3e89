// The two coded storage faults every store reports (SQLite, Postgres): busy, or unavailable.

import { ChatError } from '../errors.js';

/** The storage is busy (a lock, a conflict, a timeout): 503, retry after a second. */
export function storageBusyError(cause: unknown): ChatError {
  return new ChatError('STORAGE_ERROR', 'The chat history is busy; try again in a moment.', {
    status: 503,
    retryable: true,
    retryAfter: 1,
    cause,
  });
}

/** The storage is unwell (down, full, corrupt, unreachable): 503, retryable later. */
export function storageUnavailableError(cause: unknown): ChatError {
  return new ChatError('STORAGE_ERROR', 'The chat history is unavailable; try again later.', {
    status: 503,
    retryable: true,
    cause,
  });
}
