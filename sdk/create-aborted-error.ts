// The error every call ends with when its caller aborts it.

import { ChatClientError } from './chat-client-error.js';

/** A `ChatClientError` with code `ABORTED` (status 0, not retryable). */
export function createAbortedError(cause?: unknown): ChatClientError {
  return new ChatClientError('The request was aborted.', {
    status: 0,
    code: 'ABORTED',
    retryable: false,
    cause,
  });
}
