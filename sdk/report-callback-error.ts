// Keeps a throwing user callback from breaking the stream, without hiding the bug.

/**
 * Reports an error thrown by a caller's callback the way DOM event listeners' errors are
 * reported: `reportError` where it exists (browsers: the console and `window.onerror`), else
 * thrown from a fresh task (Node: `uncaughtException`, like a throwing `EventTarget` listener).
 * The stream itself carries on.
 */
export function reportCallbackError(error: unknown): void {
  const report = (globalThis as { reportError?: (error: unknown) => void }).reportError;
  if (typeof report === 'function') {
    report(error);
    return;
  }
  setTimeout(() => {
    throw error;
  }, 0);
}

/** Calls `callback` (if any) and reports what it throws instead of letting it propagate. */
export function callSafely<A extends unknown[]>(
  callback: ((...args: A) => void) | undefined,
  ...args: A
): void {
  if (!callback) return;
  try {
    callback(...args);
  } catch (error) {
    reportCallbackError(error);
  }
}
