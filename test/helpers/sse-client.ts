// A minimal SSE reader for tests: keeps the raw wire text (for exact-text assertions) and parses
// each event's id and JSON data.

import type { ChatEvent } from '../../sdk/protocol.js';

/** One parsed event. */
export interface SseEvent {
  id: string | undefined;
  data: string;
  json: ChatEvent;
}

/** A streamed response read to its end (or until stopped). */
export interface SseResult {
  status: number;
  headers: Headers;
  raw: string;
  events: SseEvent[];
  /** Non-stream bodies (errors) parsed as JSON. */
  body: unknown;
}

/** Parses complete SSE text into events (comments and retry lines skipped). */
export function parseSseText(text: string): SseEvent[] {
  const events: SseEvent[] = [];
  for (const block of text.split('\n\n')) {
    let id: string | undefined;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('id: ')) id = line.slice(4);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    if (data.length > 0) {
      const joined = data.join('\n');
      events.push({ id, data: joined, json: JSON.parse(joined) as ChatEvent });
    }
  }
  return events;
}

/** Options of {@link readSse}. */
export interface ReadSseOptions extends RequestInit {
  /** Stop reading (abort the connection) once this returns true for the events so far. */
  until?: (events: SseEvent[]) => boolean;
}

/** Fetches `url` and reads the SSE stream to its end (or until `until`). */
export async function readSse(url: string, options: ReadSseOptions = {}): Promise<SseResult> {
  const controller = new AbortController();
  const { until, ...init } = options;
  const response = await fetch(url, { ...init, signal: init.signal ?? controller.signal });
  const contentType = response.headers.get('content-type') ?? '';
  if (!contentType.startsWith('text/event-stream')) {
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {}
    return { status: response.status, headers: response.headers, raw: text, events: [], body };
  }
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let raw = '';
  let events: SseEvent[] = [];
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    raw += decoder.decode(value, { stream: true });
    const complete = raw.slice(0, raw.lastIndexOf('\n\n') + 2);
    events = parseSseText(complete);
    if (until?.(events)) {
      controller.abort();
      await reader.cancel().catch(() => {});
      break;
    }
  }
  raw += decoder.decode();
  return {
    status: response.status,
    headers: response.headers,
    raw,
    events: parseSseText(raw.slice(0, raw.lastIndexOf('\n\n') + 2)),
    body: undefined,
  };
}

/** The answer text of a list of events. */
export function textOf(events: SseEvent[]): string {
  return events.map(({ json }) => (json.type === 'token' ? json.content : '')).join('');
}
