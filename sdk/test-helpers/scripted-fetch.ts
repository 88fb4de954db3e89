// Test helper: a fake `fetch` that answers from a script and records every request, with
// response bodies built chunk by chunk (so tests control every byte boundary).

/** A request as the fake fetch saw it. */
export interface RecordedRequest {
  url: string;
  method: string;
  /** Header names lower-cased. */
  headers: Record<string, string>;
  body: string | undefined;
  /** Parsed JSON body, when the body is JSON. */
  json: unknown;
}

/** How a body ends after its chunks. */
export type BodyEnd =
  /** The server closed the response cleanly. */
  | 'close'
  /** The connection broke (what undici reports as `TypeError: terminated`). */
  | 'reset'
  /** Nothing more arrives, but the connection stays open. */
  | 'hang';

/** Options of {@link streamResponse}. */
export interface StreamResponseOptions {
  status?: number;
  headers?: Record<string, string>;
  /** Defaults to `close`. */
  end?: BodyEnd;
}

const encoder = new TextEncoder();

/** A body chunk: text, bytes, or a pause before the next chunk. */
export type BodyChunk = string | Uint8Array | { delayMs: number };

/**
 * A `text/event-stream` response whose body yields `chunks` one read at a time (waiting at each
 * pause), then ends as `end` says. Honours `signal` like a real fetch: an abort errors the body.
 */
export function streamResponse(
  chunks: BodyChunk[],
  options: StreamResponseOptions = {},
  signal?: AbortSignal | null,
): Response {
  const queue = chunks.map((chunk) => (typeof chunk === 'string' ? encoder.encode(chunk) : chunk));
  const end = options.end ?? 'close';
  let controllerRef: ReadableStreamDefaultController<Uint8Array> | undefined;
  const onAbort = () => {
    try {
      controllerRef?.error(new DOMException('This operation was aborted', 'AbortError'));
    } catch {
      // Already closed.
    }
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      controllerRef = controller;
    },
    async pull(controller) {
      let next = queue.shift();
      while (next && !(next instanceof Uint8Array)) {
        await new Promise((resolve) => setTimeout(resolve, (next as { delayMs: number }).delayMs));
        next = queue.shift();
      }
      if (signal?.aborted) return;
      if (next) {
        try {
          controller.enqueue(next);
        } catch {
          // Cancelled during a pause.
        }
        return;
      }
      if (end === 'close') {
        signal?.removeEventListener('abort', onAbort);
        controller.close();
      } else if (end === 'reset') {
        controller.error(new TypeError('terminated'));
      } else {
        return new Promise<void>(() => {});
      }
    },
  });
  return new Response(body, {
    status: options.status ?? 200,
    headers: { 'Content-Type': 'text/event-stream; charset=utf-8', ...options.headers },
  });
}

/** A JSON response. */
export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  return new Response(status === 204 ? null : JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
  });
}

/** The schema-chat error body (docs/protocol.md, Errors). */
export function errorBody(code: string, retryable = false, message = 'Something failed.') {
  return { error: { code, message, retryable } };
}

/** One SSE event frame with an `id:` and JSON `data:`. */
export function sseFrame(id: string | undefined, data: unknown): string {
  return `${id === undefined ? '' : `id: ${id}\n`}data: ${JSON.stringify(data)}\n\n`;
}

/** Answers one request; may be async, may throw (a network error) or return a never-settling promise. */
export type FetchHandler = (
  request: RecordedRequest,
  signal: AbortSignal | undefined,
) => Response | Promise<Response>;

/** The fake fetch and what it saw. */
export interface ScriptedFetch {
  fetch: typeof fetch;
  requests: RecordedRequest[];
}

/**
 * A fake fetch: each call is recorded, then answered by `handler`. When `handler` is an array,
 * call n gets entry n (and the last entry answers any further call).
 */
export function createScriptedFetch(handler: FetchHandler | FetchHandler[]): ScriptedFetch {
  const requests: RecordedRequest[] = [];
  const fetchImpl = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => {
      headers[name] = value;
    });
    const body = typeof init.body === 'string' ? init.body : undefined;
    let json: unknown;
    try {
      json = body === undefined ? undefined : JSON.parse(body);
    } catch {
      json = undefined;
    }
    const request: RecordedRequest = {
      url: String(input),
      method: init.method ?? 'GET',
      headers,
      body,
      json,
    };
    const index = requests.push(request) - 1;
    const signal = init.signal ?? undefined;
    if (signal?.aborted) throw new DOMException('This operation was aborted', 'AbortError');
    const answer = Array.isArray(handler)
      ? (handler[Math.min(index, handler.length - 1)] as FetchHandler)
      : handler;
    return answer(request, signal);
  };
  return { fetch: fetchImpl as typeof fetch, requests };
}
