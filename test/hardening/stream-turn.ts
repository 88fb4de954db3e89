// One streamed turn over raw node:http, read event by event and checked as it arrives: event ids
// strictly increasing, each token's seq equal to the text offset it ends at (so a lost, repeated
// or reordered token shows up at once), exactly one terminal event. Survives the server dying
// mid-stream (the outcome says how it ended). Used by the suites and by the load generator process.
// Plain erasable TypeScript: Node runs it directly as well as vitest.

import { request } from 'node:http';

/** What to send. */
export interface StreamTurnRequest {
  /** e.g. `http://127.0.0.1:PORT/api/v1/ai`. */
  baseUrl: string;
  token: string;
  projectId: string;
  message: string;
  conversationId?: string;
  idempotencyKey?: string;
  lastEventId?: string;
  /** `POST` with a JSON body (default) or the seed's `GET` with a query. */
  method?: 'POST' | 'GET';
  /** Closes the connection this long after sending (a client that leaves). Defaults to never. */
  abortAfterMs?: number;
  /** Closes the connection once this many events arrived. Defaults to never. */
  abortAfterEvents?: number;
  /** Gives up (and says so) after this long. Defaults to 120000. */
  timeoutMs?: number;
}

/** How a turn ended, as the client saw it. */
export interface StreamTurnOutcome {
  /** HTTP status; 0 when no response came. */
  status: number;
  /** The JSON error body of a non-stream response. */
  errorBody?: { error?: { code?: string; message?: string } };
  conversationId?: string;
  /** The answer text, in arrival order. */
  text: string;
  /** Events received (conversationId, tokens, terminal). */
  events: number;
  tokenEvents: number;
  /** Id of the last event received (for a resume). */
  lastEventId?: string;
  terminal?: 'complete' | 'error';
  terminalCount: number;
  /** Code of an `error` event. */
  errorCode?: string;
  /** Message of an `error` event (what a user would read). */
  errorMessage?: string;
  /** `complete.metadata.status`. */
  completeStatus?: string;
  /** Events whose id did not follow the rules (not increasing, seq ≠ offset, events after the terminal). */
  idViolations: number;
  /** How the connection ended: the server ended it, it failed, we left, or we gave up. */
  closedBy: 'end' | 'error' | 'aborted' | 'timeout';
  /** The network error, when closedBy is `error`. */
  networkError?: string;
  /** ms from sending to the response headers. */
  headersMs?: number;
  /** ms from sending to the end. */
  durationMs: number;
}

/** Sends one turn and reads it to its end (or until it is cut). Never rejects. */
export function streamTurn(turn: StreamTurnRequest): Promise<StreamTurnOutcome> {
  const started = performance.now();
  const outcome: StreamTurnOutcome = {
    status: 0,
    text: '',
    events: 0,
    tokenEvents: 0,
    terminalCount: 0,
    idViolations: 0,
    closedBy: 'end',
    durationMs: 0,
  };
  const method = turn.method ?? 'POST';
  const fields: Record<string, string> = { projectId: turn.projectId, message: turn.message };
  if (turn.conversationId) fields.conversationId = turn.conversationId;
  const url = new URL(`${turn.baseUrl}/chat/stream`);
  if (method === 'GET')
    for (const [name, value] of Object.entries(fields)) url.searchParams.set(name, value);
  const body = method === 'POST' ? JSON.stringify(fields) : undefined;
  const headers: Record<string, string> = {
    Authorization: `Bearer ${turn.token}`,
    Accept: 'text/event-stream',
  };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    headers['Content-Length'] = String(Buffer.byteLength(body));
  }
  if (turn.idempotencyKey) headers['Idempotency-Key'] = turn.idempotencyKey;
  if (turn.lastEventId) headers['Last-Event-ID'] = turn.lastEventId;

  return new Promise((resolve) => {
    let settled = false;
    let lastSeq = -1;
    let runId: string | undefined;
    let buffer = '';
    const resumed = turn.lastEventId !== undefined;
    const finish = (closedBy: StreamTurnOutcome['closedBy'], error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(abortTimer);
      clearTimeout(giveUpTimer);
      outcome.closedBy = closedBy;
      if (error) outcome.networkError = (error as NodeJS.ErrnoException).code ?? error.message;
      outcome.durationMs = performance.now() - started;
      req.destroy();
      resolve(outcome);
    };

    const onEvent = (id: string | undefined, data: string) => {
      outcome.events++;
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
        return;
      }
      switch (event.type) {
        case 'conversationId':
          outcome.conversationId = event.conversationId as string;
          if (id !== undefined && lastSeq !== 0) outcome.idViolations++;
          break;
        case 'token':
          outcome.tokenEvents++;
          outcome.text += event.content as string;
          // A fresh stream's token seq is the offset its text ends at, plus one (event-id.ts).
          if (!resumed && id !== undefined && lastSeq !== outcome.text.length + 1) {
            outcome.idViolations++;
          }
          break;
        case 'complete':
          outcome.terminal = 'complete';
          outcome.terminalCount++;
          outcome.completeStatus = (event.metadata as { status?: string } | undefined)?.status;
          break;
        case 'error':
          outcome.terminal = 'error';
          outcome.terminalCount++;
          outcome.errorCode = (event.error as { code?: string } | undefined)?.code;
          outcome.errorMessage = (event.error as { message?: string } | undefined)?.message;
          break;
        default:
          outcome.idViolations++;
      }
      if (turn.abortAfterEvents !== undefined && outcome.events >= turn.abortAfterEvents) {
        finish('aborted');
      }
    };

    const parse = () => {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end === -1) return;
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let id: string | undefined;
        const data: string[] = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('id: ')) id = line.slice(4);
          else if (line.startsWith('data: ')) data.push(line.slice(6));
        }
        if (data.length > 0) onEvent(id, data.join('\n'));
        if (settled) return;
      }
    };

    const req = request(url, { method, headers, agent: false }, (res) => {
      outcome.status = res.statusCode ?? 0;
      outcome.headersMs = performance.now() - started;
      res.setEncoding('utf8');
      const isStream = String(res.headers['content-type'] ?? '').startsWith('text/event-stream');
      let raw = '';
      res.on('data', (text: string) => {
        if (!isStream) {
          raw += text;
          return;
        }
        buffer += text;
        parse();
      });
      res.on('end', () => {
        if (!isStream) {
          try {
            outcome.errorBody = JSON.parse(raw) as StreamTurnOutcome['errorBody'];
          } catch {}
        }
        finish('end');
      });
      res.on('error', (error) => finish('error', error));
      // A connection that dies mid-response closes without 'end'.
      res.on('close', () => {
        if (!res.complete) finish('error', new Error('connection closed mid-response'));
      });
    });
    req.on('error', (error) => finish('error', error));
    const abortTimer =
      turn.abortAfterMs === undefined
        ? undefined
        : setTimeout(() => finish('aborted'), turn.abortAfterMs);
    const giveUpTimer = setTimeout(() => finish('timeout'), turn.timeoutMs ?? 120_000);
    req.end(body);
  });
}
