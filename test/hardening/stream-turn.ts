// One streamed turn of schema-chat for a suite, over raw node:http and checked event by event
// (test/helpers/open-event-stream.ts and stream-tally.ts): event ids strictly increasing, each
// token's seq equal to the text offset it ends at (so a lost, repeated or reordered token shows
// up at once), exactly one terminal event. Survives the server dying mid-stream (the outcome says
// how it ended).

import { openEventStream } from '../helpers/open-event-stream.js';
import type { StreamOutcome } from '../helpers/stream-tally.js';

/** What to send. */
export interface StreamTurnRequest {
  /** e.g. `http://127.0.0.1:PORT/api/v1/ai`. */
  baseUrl: string;
  token: string;
  projectId: string;
  message: string;
  conversationId?: string;
  /**
   * A Regenerate or Continue of that conversation's last answer (the field and the answer's id);
   * `message` is then not sent. A Continue's seqs go on from the answer's text, not from 0.
   */
  action?: { regenerate: string } | { continue: string };
  idempotencyKey?: string;
  lastEventId?: string;
  /** `POST` with a JSON body (default) or `GET` with the fields in the query. */
  method?: 'POST' | 'GET';
  /** Closes the connection this long after sending (a client that leaves). Defaults to never. */
  abortAfterMs?: number;
  /** Closes the connection once this many events arrived. Defaults to never. */
  abortAfterEvents?: number;
  /** Gives up (and says so) after this long. Defaults to 120000. */
  timeoutMs?: number;
}

/** How a turn ended, as the client saw it. */
export type StreamTurnOutcome = StreamOutcome;

/** Sends one turn to `POST|GET <baseUrl>/chat/stream` and reads it to its end (or until it is cut). Never rejects. */
export function streamTurn(turn: StreamTurnRequest): Promise<StreamTurnOutcome> {
  const fields: Record<string, string> = turn.action
    ? { projectId: turn.projectId, ...turn.action }
    : { projectId: turn.projectId, message: turn.message };
  if (turn.conversationId) fields.conversationId = turn.conversationId;
  const headers: Record<string, string> = {};
  if (turn.idempotencyKey) headers['Idempotency-Key'] = turn.idempotencyKey;
  if (turn.lastEventId) headers['Last-Event-ID'] = turn.lastEventId;
  return openEventStream(
    {
      url: `${turn.baseUrl}/chat/stream`,
      method: turn.method ?? 'POST',
      fields,
      token: turn.token,
      headers,
    },
    {
      resumed:
        turn.lastEventId !== undefined || (turn.action !== undefined && 'continue' in turn.action),
      timeoutMs: turn.timeoutMs ?? 120_000,
      ...(turn.abortAfterMs === undefined ? {} : { abortAfterMs: turn.abortAfterMs }),
      ...(turn.abortAfterEvents === undefined ? {} : { abortAfterEvents: turn.abortAfterEvents }),
    },
  ).done;
}
