// Event ids of a run's stream: `<runId>:<seq>`, where seq is a cursor into the answer text, so a
// resume needs nothing but the text itself (live buffer or stored message).
//
// seq 0 is the `conversationId` event; a token event ending at text offset n has seq n + 1; the
// terminal event has seq length + 2. Token events are never empty, so seqs strictly increase.

/** The parts of an event id. */
export interface EventId {
  runId: string;
  seq: number;
}

const RUN_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** Formats an event id. */
export function formatEventId(runId: string, seq: number): string {
  return `${runId}:${seq}`;
}

/**
 * Parses a `Last-Event-ID` header. Returns undefined for anything malformed (a bad header is
 * ignored, like EventSource does with ids it cannot use, rather than failing the request).
 */
export function parseEventId(value: string | undefined): EventId | undefined {
  if (!value || value.length > 100) return undefined;
  const colon = value.lastIndexOf(':');
  if (colon <= 0) return undefined;
  const runId = value.slice(0, colon);
  const seqText = value.slice(colon + 1);
  if (!RUN_ID.test(runId) || !/^\d{1,15}$/.test(seqText)) return undefined;
  return { runId, seq: Number(seqText) };
}

/** The seq of the token event whose text ends at `offset`. */
export function tokenSeq(offset: number): number {
  return offset + 1;
}

/** The seq of the terminal event of an answer `length` characters long. */
export function terminalSeq(length: number): number {
  return length + 2;
}

/**
 * How many characters of the answer a client that last saw `seq` already has: 0 after the
 * `conversationId` event, the token's end offset after a token event.
 */
export function textOffsetAfter(seq: number): number {
  return seq === 0 ? 0 : seq - 1;
}
