// Test helper: the wire events of one scripted turn, and a fetch handler that serves them like the
// router does (resume after `Last-Event-ID`, same run for the same key), with faults on demand.

import type { ChatEvent } from '../protocol.js';
import {
  type FetchHandler,
  jsonResponse,
  type RecordedRequest,
  streamResponse,
} from './scripted-fetch.js';
import { splitRandomly } from './seeded-random.js';

/** A scripted answer. */
export interface TurnScript {
  conversationId?: string;
  messageId?: string;
  tokens: string[];
  /** `complete` (default) or `stopped`. */
  status?: 'complete' | 'stopped';
}

/** One event on the wire: its id and its SSE frame. */
export interface WireEvent {
  id: string;
  event: ChatEvent;
  frame: string;
}

/** The events of a turn: `conversationId`, one `token` per script token, `complete`. */
export function turnEvents(script: TurnScript, runId = 'r1'): WireEvent[] {
  const conversationId = script.conversationId ?? '3f1c2a9e-7d4b-4c1a-9e2f-5b6a7c8d9e0f';
  const events: ChatEvent[] = [
    { type: 'conversationId', conversationId },
    ...script.tokens.map((content): ChatEvent => ({ type: 'token', content })),
    {
      type: 'complete',
      timestamp: '2025-01-01T00:00:00.000Z',
      metadata: {
        model: 'Qwen/Qwen2.5-7B-Instruct',
        conversationId,
        messageId: script.messageId ?? 'a1b2c3d4-0000-4000-8000-000000000001',
        finishReason: script.status === 'stopped' ? 'stopped' : 'stop',
        status: script.status ?? 'complete',
        usage: {
          promptTokens: 12,
          completionTokens: script.tokens.length,
          totalTokens: 12 + script.tokens.length,
        },
      },
    },
  ];
  return events.map((event, seq) => {
    const id = `${runId}:${seq}`;
    return { id, event, frame: `id: ${id}\ndata: ${JSON.stringify(event)}\n\n` };
  });
}

/** The wire text a server sends for a stream that resumes after `lastEventId` (all of it if none). */
export function wireTextAfter(events: WireEvent[], lastEventId: string | undefined): string {
  const start = lastEventId === undefined ? 0 : events.findIndex((e) => e.id === lastEventId) + 1;
  return `retry: 5\n\n${events
    .slice(start)
    .map((e) => e.frame)
    .join(': ping\n\n')}`;
}

/** Options of {@link serveTurn}. */
export interface ServeTurnOptions {
  /**
   * For stream request n (0-based), the byte offset at which the connection breaks, or undefined
   * to send everything. Offsets may fall anywhere: mid-line, mid-`\r\n`, mid-character.
   */
  breakAt?: (index: number, wire: Uint8Array) => number | undefined;
  /** Random chunk sizes; one chunk per frame boundary when absent. */
  random?: () => number;
  /** Separates lines with CRLF instead of LF. */
  crlf?: boolean;
}

const encoder = new TextEncoder();

/**
 * A fetch handler speaking the protocol for one turn: `/chat/stream` replays after the request's
 * `Last-Event-ID`; `/chat` answers the whole text. Counts stream requests in `streams`.
 */
export function serveTurn(
  script: TurnScript,
  options: ServeTurnOptions = {},
): FetchHandler & { streams: number } {
  const events = turnEvents(script);
  const handler = ((request: RecordedRequest, signal: AbortSignal | undefined) => {
    if (request.url.endsWith('/chat')) {
      const complete = events.at(-1)?.event;
      if (complete?.type !== 'complete') throw new Error('unreachable');
      return jsonResponse(200, {
        conversationId: complete.metadata.conversationId,
        message: {
          id: complete.metadata.messageId,
          role: 'assistant',
          content: script.tokens.join(''),
          status: complete.metadata.status,
          createdAt: '2025-01-01T00:00:00.000Z',
        },
        metadata: {
          model: complete.metadata.model,
          finishReason: complete.metadata.finishReason,
          usage: complete.metadata.usage,
        },
      });
    }
    const index = handler.streams++;
    let text = wireTextAfter(events, request.headers['last-event-id']);
    if (options.crlf) text = text.replace(/\n/g, '\r\n');
    let wire = encoder.encode(text);
    const cut = options.breakAt?.(index, wire);
    if (cut !== undefined) wire = wire.subarray(0, cut);
    const chunks = options.random ? splitRandomly(wire, options.random) : [wire];
    return streamResponse(chunks, { end: cut === undefined ? 'close' : 'reset' }, signal);
  }) as FetchHandler & { streams: number };
  handler.streams = 0;
  return handler;
}
