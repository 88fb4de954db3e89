// Splits server-sent-event text into events as it arrives off a socket: the complete events at
// the front of the buffer, and the incomplete tail to keep for the next read. Pure; no imports,
// so that Node runs it directly (the load generator) as well as vitest.

/** One event of an SSE stream. */
export interface SseFrame {
  /** Its `id:` field, if it has one. */
  id?: string;
  /** Its `data:` lines, joined by newlines. */
  data: string;
}

/**
 * Takes the complete events (each ended by a blank line) off the front of `buffer`; `rest` is
 * what follows the last one. Blocks without data (comments, `retry:`) are left out; a field's
 * value loses one leading space, as the SSE format says.
 */
export function splitSseEvents(buffer: string): { events: SseFrame[]; rest: string } {
  const events: SseFrame[] = [];
  let start = 0;
  for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n', start)) {
    let id: string | undefined;
    let data: string | undefined;
    for (const line of buffer.slice(start, end).split('\n')) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const value =
        line.charCodeAt(colon + 1) === 32 ? line.slice(colon + 2) : line.slice(colon + 1);
      const field = line.slice(0, colon);
      if (field === 'data') data = data === undefined ? value : `${data}\n${value}`;
      else if (field === 'id') id = value;
    }
    if (data !== undefined) events.push(id === undefined ? { data } : { id, data });
    start = end + 2;
  }
  return { events, rest: start === 0 ? buffer : buffer.slice(start) };
}
