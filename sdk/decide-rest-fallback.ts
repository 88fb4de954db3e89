// The one policy for when a streamed turn gives up on the stream and goes to `POST /chat` (same
// Idempotency-Key, so a generation the stream did start is joined, not doubled).

/** What {@link decideRestFallback} looks at. */
export interface RestFallbackInput {
  /** The client's `fallbackToRest` option. */
  enabled: boolean;
  /** The failure of the stream (a `ChatClientError`, or anything with its code and message). */
  error: { code: string; message: string };
  /**
   * Set when the failure means this transport cannot work here (a proxy's 502/504, not an event
   * stream, nothing within the open timeout); it says why.
   */
  cannotStart?: string;
  /** Whether the stream is given up for good (no retry follows). */
  final: boolean;
  /** Whether any event (or event id) has arrived for this turn. */
  receivedEvents: boolean;
  /** Whether any answer text has arrived for this turn. */
  receivedText: boolean;
}

/** Transport failures after which the same turn is worth sending through `POST /chat`. */
const TRANSPORT_FAILURES: ReadonlySet<string> = new Set([
  'NETWORK_ERROR',
  'STREAM_TIMEOUT',
  'BAD_RESPONSE',
]);

/**
 * Why the turn should go to `POST /chat` now, or `undefined` to go on (retry, or fail). At once
 * when the stream cannot start and nothing has arrived; and when the stream failed for good with
 * a transport failure (network, timeout, not a valid stream) before any text arrived, since the
 * stream may be what is broken (a proxy that drops or mangles event streams). Never when the
 * option is off, nor for the server's own errors (REST would get the same).
 */
export function decideRestFallback(input: RestFallbackInput): string | undefined {
  if (!input.enabled) return undefined;
  if (input.cannotStart !== undefined && !input.receivedEvents) return input.cannotStart;
  if (input.final && !input.receivedText && TRANSPORT_FAILURES.has(input.error.code)) {
    return input.error.message;
  }
  return undefined;
}
