// What a client saw of one streamed answer, tallied event by event: the text and when it arrived,
// the terminal event, and, for schema-chat streams, whether the event ids follow their rules (ids
// strictly increasing within one run, each token's seq equal to the text offset it ends at plus
// one, nothing after the terminal event), so a lost, repeated or reordered token shows at once.
// Reads schema-chat events or OpenAI chunks. Pure; no imports but types, so that Node runs it
// directly (the load generator) as well as vitest.

import type { SseFrame } from './split-sse-events.ts';

/** What a stream's events look like: schema-chat's events or OpenAI chat-completion chunks. */
export type StreamFormat = 'schema-chat' | 'openai';

/** When answer text arrived: the text received so far and the time it was read. */
export interface TextArrival {
  /** Characters of answer text received up to and with this event (the offset it ends at). */
  chars: number;
  /** ms from sending the request to the socket read that carried it. */
  atMs: number;
}

/** How a streamed answer went, as the client saw it. */
export interface StreamOutcome {
  /** HTTP status; 0 when no response came. */
  status: number;
  /** The JSON error body of a non-stream response. */
  errorBody?: { error?: { code?: string; message?: string } };
  /** The `conversationId` event's id (schema-chat streams). */
  conversationId?: string;
  /** The answer text, in arrival order ('' when the reader was told not to keep it). */
  text: string;
  /** Characters of answer text received (kept or not). */
  textChars: number;
  /** Events received (schema-chat: conversationId, tokens, terminal; OpenAI: every chunk). */
  events: number;
  /** Events (schema-chat `token`s or OpenAI chunks) that carried text. */
  textEvents: number;
  /** When each text event arrived, when the reader was asked to record it. */
  arrivals?: TextArrival[];
  /** Id of the last event received (for a resume). */
  lastEventId?: string;
  /** The terminal event: `complete` (OpenAI: `[DONE]`) or `error`. */
  terminal?: 'complete' | 'error';
  terminalCount: number;
  /** Code of an `error` event. */
  errorCode?: string;
  /** Message of an `error` event (what a user would read). */
  errorMessage?: string;
  /** `complete.metadata.status`. */
  completeStatus?: string;
  /**
   * Schema-chat events that broke the id rules (not increasing, seq ≠ offset, events after the
   * terminal, unknown or unparsable events).
   */
  idViolations: number;
  /** How the connection ended: the server ended it, it failed, we left, or we gave up. */
  closedBy: 'end' | 'error' | 'aborted' | 'timeout';
  /** The network error, when closedBy is `error`. */
  networkError?: string;
  /** When the request was sent, in ms since the epoch (`performance.timeOrigin` based). */
  sentAt: number;
  /**
   * When the request was sent on the machine's monotonic clock (test/helpers/monotonic-clock.ts),
   * ms: comparable with other processes' readings. Set by the reader.
   */
  sentMonotonicMs?: number;
  /** ms from sending to the response headers. */
  headersMs?: number;
  /** ms from sending to the socket read that carried the first answer text. */
  firstTextMs?: number;
  /** ms from sending to the end. */
  durationMs: number;
  /** Bytes the client socket read: status line, headers, chunk framing and body. */
  bytesRead: number;
}

/** Options of {@link createStreamTally}. */
export interface StreamTallyOptions {
  /** Defaults to `schema-chat`. */
  format?: StreamFormat;
  /** The stream resumes an earlier one (`Last-Event-ID`): its seqs do not start at the text's start. Defaults to false. */
  resumed?: boolean;
  /** Keep the answer text in `text`. Defaults to true. */
  keepText?: boolean;
  /** Record every text event's arrival in `arrivals`. Defaults to false. */
  recordArrivals?: boolean;
  /** Called with each text event's text and when it was read (ms since sending). Defaults to none. */
  onContent?: (content: string, atMs: number) => void;
}

/** What an event was, for the reader. */
export type StreamEventKind = 'conversation' | 'text' | 'terminal' | 'other';

/** A tally of one stream's events. */
export interface StreamTally {
  /** The outcome so far (the reader fills in status, timings and how it closed). */
  readonly outcome: StreamOutcome;
  /** Counts one event, read `atMs` after sending, and says what it was. */
  add(frame: SseFrame, atMs: number): StreamEventKind;
}

/** An outcome with nothing received yet. */
export function emptyStreamOutcome(sentAt: number): StreamOutcome {
  return {
    status: 0,
    text: '',
    textChars: 0,
    events: 0,
    textEvents: 0,
    terminalCount: 0,
    idViolations: 0,
    closedBy: 'end',
    sentAt,
    durationMs: 0,
    bytesRead: 0,
  };
}

/** Starts a tally for a stream sent at `sentAt` (ms since the epoch). */
export function createStreamTally(sentAt: number, options: StreamTallyOptions = {}): StreamTally {
  const outcome = emptyStreamOutcome(sentAt);
  const keepText = options.keepText ?? true;
  if (options.recordArrivals) outcome.arrivals = [];
  let lastSeq = -1;
  let runId: string | undefined;

  const addText = (content: string, atMs: number): StreamEventKind => {
    outcome.textEvents++;
    outcome.textChars += content.length;
    if (keepText) outcome.text += content;
    outcome.arrivals?.push({ chars: outcome.textChars, atMs });
    outcome.firstTextMs ??= atMs;
    options.onContent?.(content, atMs);
    return 'text';
  };

  const addOpenAi = (data: string, atMs: number): StreamEventKind => {
    if (data === '[DONE]') {
      outcome.terminal = 'complete';
      outcome.terminalCount++;
      return 'terminal';
    }
    let chunk: { choices?: Array<{ delta?: { content?: string | null } }> };
    try {
      chunk = JSON.parse(data) as typeof chunk;
    } catch {
      return 'other';
    }
    const content = chunk.choices?.[0]?.delta?.content;
    return typeof content === 'string' && content.length > 0 ? addText(content, atMs) : 'other';
  };

  const addSchemaChat = (id: string | undefined, data: string, atMs: number): StreamEventKind => {
    if (id !== undefined) {
      outcome.lastEventId = id;
      const colon = id.lastIndexOf(':');
      const seq = Number(id.slice(colon + 1));
      const idRun = id.slice(0, colon);
      if (runId !== undefined && idRun !== runId) outcome.idViolations++;
      runId = idRun;
      if (!(seq > lastSeq)) outcome.idViolations++;
      lastSeq = seq;
    }
    if (outcome.terminalCount > 0) outcome.idViolations++; // nothing may follow the terminal
    let event: { type?: string; [key: string]: unknown };
    try {
      event = JSON.parse(data) as typeof event;
    } catch {
      outcome.idViolations++;
      return 'other';
    }
    switch (event.type) {
      case 'conversationId':
        outcome.conversationId = event.conversationId as string;
        if (id !== undefined && lastSeq !== 0) outcome.idViolations++;
        return 'conversation';
      case 'token': {
        const kind = addText(event.content as string, atMs);
        // A fresh stream's token seq is the offset its text ends at, plus one (backend/runs/
        // event-id.ts; docs/protocol.md, "Event ids and resume").
        if (!options.resumed && id !== undefined && lastSeq !== outcome.textChars + 1) {
          outcome.idViolations++;
        }
        return kind;
      }
      case 'complete':
        outcome.terminal = 'complete';
        outcome.terminalCount++;
        outcome.completeStatus = (event.metadata as { status?: string } | undefined)?.status;
        return 'terminal';
      case 'error':
        outcome.terminal = 'error';
        outcome.terminalCount++;
        outcome.errorCode = (event.error as { code?: string } | undefined)?.code;
        outcome.errorMessage = (event.error as { message?: string } | undefined)?.message;
        return 'terminal';
      default:
        outcome.idViolations++;
        return 'other';
    }
  };

  return {
    outcome,
    add(frame, atMs) {
      outcome.events++;
      return options.format === 'openai'
        ? addOpenAi(frame.data, atMs)
        : addSchemaChat(frame.id, frame.data, atMs);
    },
  };
}

/**
 * Why a stream did not deliver a whole answer (timed out, no response, an HTTP error, an `error`
 * event, a broken connection, no terminal event), or undefined when it completed.
 */
export function describeStreamProblem(outcome: StreamOutcome): string | undefined {
  if (outcome.closedBy === 'timeout') return 'timed out';
  if (outcome.status === 0) return outcome.networkError ?? 'no response';
  if (outcome.status !== 200) return `status ${outcome.status}`;
  if (outcome.terminal === 'error') return `${outcome.errorCode}: ${outcome.errorMessage}`;
  if (outcome.terminal === 'complete') return undefined;
  if (outcome.closedBy === 'error') return outcome.networkError ?? 'connection failed';
  if (outcome.closedBy === 'aborted') return 'closed by the client before the end';
  return 'ended without a terminal event';
}
