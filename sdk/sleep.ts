// Waits between retries, and stops waiting when the call is aborted.

import { createAbortedError } from './create-aborted-error.js';

/** Resolves after `ms`; rejects with an `ABORTED` `ChatClientError` as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(createAbortedError(signal.reason));
    const onAbort = () => {
      clearTimeout(timer);
      reject(createAbortedError(signal?.reason));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
