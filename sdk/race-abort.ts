// Lets an await end as soon as a signal aborts, even if the awaited promise never settles.

import { createAbortedError } from './create-aborted-error.js';

/**
 * Settles like `promise`, or rejects with an `ABORTED` `ChatClientError` as soon as `signal` aborts.
 * A value that arrives after the abort goes to `onLate` (to cancel a response body nobody will
 * read); a late rejection is swallowed, so it can never become an unhandled rejection. Needed
 * because an injected `fetch` may ignore its signal.
 */
export function raceAbort<T>(
  value: Promise<T> | T,
  signal: AbortSignal,
  onLate?: (value: T) => void,
): Promise<T> {
  // An injected fetch may return a plain value; treat it like a settled promise.
  const promise = Promise.resolve(value);
  if (signal.aborted) {
    promise.then(onLate, () => {});
    return Promise.reject(createAbortedError(signal.reason));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(createAbortedError(signal.reason));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        if (signal.aborted) onLate?.(value);
        else resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
