// One streamed answer over raw node:http, on its own connection (as a browser tab opening its own
// event stream), tallied as it arrives by stream-tally.ts. It never rejects: the outcome says how
// the stream ended, even when the server died mid-answer. Used by the load generator, the
// hardening suites and the benchmarks.
// Plain erasable TypeScript: Node runs it directly (type stripping).

import { type ClientRequest, request as httpRequest } from 'node:http';
import { toMonotonicMs } from './monotonic-clock.ts';
import { splitSseEvents } from './split-sse-events.ts';
import { createStreamTally, type StreamOutcome, type StreamTallyOptions } from './stream-tally.ts';

/** What to send. */
export interface EventStreamRequest {
  /** The stream route, e.g. `http://127.0.0.1:PORT/api/v1/ai/chat/stream`. */
  url: string | URL;
  /** `POST` with the fields as a JSON body, or `GET` with them in the query. Defaults to `POST`. */
  method?: 'POST' | 'GET';
  /** The request's fields (`{ projectId, message }`, an OpenAI request…). Defaults to none. */
  fields?: Record<string, unknown>;
  /** Sent as `Authorization: Bearer <token>`. Defaults to none. */
  token?: string;
  /** More headers (`Idempotency-Key`, `Last-Event-ID`…). Defaults to none. */
  headers?: Record<string, string>;
}

/** Options of {@link openEventStream}. */
export interface EventStreamOptions extends StreamTallyOptions {
  /** Gives up (closedBy `timeout`) after this long, ms; 0 never does. Defaults to 120000. */
  timeoutMs?: number;
  /** Closes the connection this long after sending (a client that leaves). Defaults to never. */
  abortAfterMs?: number;
  /** Closes the connection once this many events arrived. Defaults to never. */
  abortAfterEvents?: number;
  /**
   * Called once per socket read that carried answer text, with the ms since sending: what the
   * load generator measures gaps between text arrivals with. Defaults to none.
   */
  onText?: (atMs: number) => void;
}

/** A stream being read. */
export interface EventStream {
  /** The outcome so far, filled in as events arrive (final once `done` resolves). */
  readonly outcome: StreamOutcome;
  /** Resolves with the outcome once the stream ended, failed, was closed or timed out. */
  readonly done: Promise<StreamOutcome>;
  /**
   * Resolves true once the stream is live: its first schema-chat event (the server took the turn)
   * or an OpenAI stream's first text; false when it ended before.
   */
  readonly opened: Promise<boolean>;
  /** Whether it has ended. */
  readonly ended: boolean;
  /** Bytes its socket has read so far (all of them once it ended). */
  bytesRead(): number;
  /** Closes the connection (closedBy `aborted`); nothing once it ended. */
  close(): void;
}

/** Sends `request` and reads its event stream until it ends (or is cut, closed or given up). */
export function openEventStream(
  request: EventStreamRequest,
  options: EventStreamOptions = {},
): EventStream {
  const started = performance.now();
  const tally = createStreamTally(performance.timeOrigin + started, options);
  const outcome = tally.outcome;
  outcome.sentMonotonicMs = toMonotonicMs(started);
  const method = request.method ?? 'POST';
  const url = new URL(request.url);
  const headers: Record<string, string> = { Accept: 'text/event-stream', ...request.headers };
  if (request.token) headers.Authorization = `Bearer ${request.token}`;
  let body: string | undefined;
  if (method === 'GET') {
    for (const [name, value] of Object.entries(request.fields ?? {})) {
      url.searchParams.set(name, String(value));
    }
  } else {
    body = JSON.stringify(request.fields ?? {});
    headers['Content-Type'] = 'application/json';
    headers['Content-Length'] = String(Buffer.byteLength(body));
  }

  let ended = false;
  let abortTimer: ReturnType<typeof setTimeout> | undefined;
  let giveUpTimer: ReturnType<typeof setTimeout> | undefined;
  const opened = Promise.withResolvers<boolean>();
  const done = Promise.withResolvers<StreamOutcome>();
  let req: ClientRequest | undefined;
  const finish = (closedBy: StreamOutcome['closedBy'], error?: Error) => {
    if (ended) return;
    ended = true;
    clearTimeout(abortTimer);
    clearTimeout(giveUpTimer);
    outcome.closedBy = closedBy;
    if (error) outcome.networkError = (error as NodeJS.ErrnoException).code ?? error.message;
    outcome.durationMs = performance.now() - started;
    outcome.bytesRead = req?.socket?.bytesRead ?? outcome.bytesRead;
    req?.destroy();
    opened.resolve(false);
    done.resolve(outcome);
  };

  req = httpRequest(url, { method, headers, agent: false }, (res) => {
    outcome.status = res.statusCode ?? 0;
    outcome.headersMs = performance.now() - started;
    res.setEncoding('utf8');
    const isStream = String(res.headers['content-type'] ?? '').startsWith('text/event-stream');
    let buffer = '';
    res.on('data', (chunk: string) => {
      if (ended) return;
      buffer += chunk;
      if (!isStream) return;
      const atMs = performance.now() - started;
      const { events, rest } = splitSseEvents(buffer);
      buffer = rest;
      let sawText = false;
      for (const frame of events) {
        const kind = tally.add(frame, atMs);
        if (kind === 'text') sawText = true;
        if (kind === 'text' || options.format !== 'openai') opened.resolve(true);
        if (options.abortAfterEvents !== undefined && outcome.events >= options.abortAfterEvents) {
          finish('aborted');
          break;
        }
      }
      if (sawText) options.onText?.(atMs);
    });
    res.on('end', () => {
      if (!isStream) {
        try {
          outcome.errorBody = JSON.parse(buffer) as StreamOutcome['errorBody'];
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
  if (options.abortAfterMs !== undefined) {
    abortTimer = setTimeout(() => finish('aborted'), options.abortAfterMs);
  }
  const timeoutMs = options.timeoutMs ?? 120_000;
  if (timeoutMs > 0) giveUpTimer = setTimeout(() => finish('timeout'), timeoutMs);
  req.end(body);

  return {
    outcome,
    done: done.promise,
    opened: opened.promise,
    get ended() {
      return ended;
    },
    bytesRead: () => (ended ? outcome.bytesRead : (req?.socket?.bytesRead ?? 0)),
    close: () => finish('aborted'),
  };
}
