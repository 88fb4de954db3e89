// Forwards a caller's AbortSignal to an internal AbortController, and un-forwards it afterwards.

/**
 * Aborts `controller` when `signal` aborts (at once if it already has). Returns the function that
 * removes the listener: a long-lived signal (one per widget, many turns) must not collect one
 * listener per turn. Written by hand because `AbortSignal.any` is missing in older Safari.
 */
export function linkAbortSignal(
  signal: AbortSignal | undefined,
  controller: AbortController,
): () => void {
  if (!signal) return () => {};
  if (signal.aborted) {
    controller.abort(signal.reason);
    return () => {};
  }
  const forward = () => controller.abort(signal.reason);
  signal.addEventListener('abort', forward, { once: true });
  return () => signal.removeEventListener('abort', forward);
}
