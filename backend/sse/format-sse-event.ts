// Pure SSE framing (WHATWG "server-sent events" §9.2): turns an event into wire text that no
// payload can break out of, whatever CR, LF or `data:` it contains.

/** One event to frame. */
export interface SseFrame {
  /** The `id:` field; must not contain CR, LF or NUL (they would end or corrupt the field). */
  id?: string;
  /** The `event:` name; omitted for schema-chat's unnamed events. */
  event?: string;
  /** The payload; each line becomes its own `data:` line, so newlines survive intact. */
  data: string;
}

const LINE_BREAK = /\r\n|\r|\n/;
const FIELD_BREAKER = /[\r\n\0]/;

/**
 * Frames one event. Throws a TypeError when `id` or `event` contains a line break or NUL, since
 * those are caller bugs that would let a value inject fields.
 */
export function formatSseEvent(frame: SseFrame): string {
  let out = '';
  if (frame.event !== undefined) out += `event: ${assertField('event', frame.event)}\n`;
  if (frame.id !== undefined) out += `id: ${assertField('id', frame.id)}\n`;
  // JSON payloads never contain raw line breaks, so the common case is a single `data:` line.
  if (!LINE_BREAK.test(frame.data)) return `${out}data: ${frame.data}\n\n`;
  for (const line of frame.data.split(LINE_BREAK)) out += `data: ${line}\n`;
  return `${out}\n`;
}

/**
 * Frames a `token` event: the per-token hot path. Byte-identical to
 * `formatSseEvent({ id: idPrefix.slice(4) + seq, data: JSON.stringify({ type: 'token', content }) })`
 * without building and stringifying an event object per token or re-checking the id: `idPrefix`
 * (`id: <runId>:`) comes from {@link formatEventIdPrefix}, checked once per stream, and
 * `JSON.stringify` of a string never contains a raw line break.
 */
export function formatTokenEvent(idPrefix: string, seq: number, content: string): string {
  return `${idPrefix}${seq}\ndata: {"type":"token","content":${JSON.stringify(content)}}\n\n`;
}

/** The `id: <runId>:` prefix of a stream's event ids, for {@link formatTokenEvent}. Throws like {@link formatSseEvent} on CR, LF or NUL. */
export function formatEventIdPrefix(runId: string): string {
  return `id: ${assertField('id', runId)}:`;
}

/** Frames a comment line (`: text`), used for keep-alive pings. Line breaks are replaced by spaces. */
export function formatSseComment(text: string): string {
  return `: ${text.replace(/[\r\n]+/g, ' ')}\n\n`;
}

/** Frames the `retry:` hint that tells EventSource-style clients how long to wait before reconnecting. */
export function formatSseRetry(milliseconds: number): string {
  if (!Number.isInteger(milliseconds) || milliseconds < 0) {
    throw new TypeError(`retry must be a non-negative integer, got ${milliseconds}`);
  }
  return `retry: ${milliseconds}\n\n`;
}

function assertField(name: string, value: string): string {
  if (FIELD_BREAKER.test(value)) throw new TypeError(`SSE ${name} must not contain CR, LF or NUL`);
  return value;
}
