// A `fetch` for the `openai` client built on node:http(s), so the model's token stream is read as
// a plain Node stream: the client keeps doing what it is good at (request building, auth headers,
// timeouts, retries, error bodies) while the per-token path skips undici's web streams, which
// cost about 2.5× the CPU of a node:http read per token (bench/ S1, measured).

import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/** The fetch and the side channel to its streamed bodies. */
export interface NodeFetch {
  /** Pass as the `fetch` option of `new OpenAI({...})`. */
  fetch: typeof fetch;
  /**
   * The body of a successful `text/event-stream` response made by {@link NodeFetch.fetch}, as a
   * UTF-8 Node stream (the `Response` itself has no body then). `undefined` for other responses.
   * Each body can be taken once.
   */
  takeStream(response: Response): IncomingMessage | undefined;
}

/** Options of {@link createNodeFetch}. */
export interface NodeFetchOptions {
  /** Largest non-streamed body read into memory, in bytes. Defaults to 16 MiB. */
  maxBufferedBytes?: number;
}

/**
 * Creates a fetch for the openai client on node:http(s) with keep-alive agents. Streamed
 * (`text/event-stream`, 2xx) bodies are handed over as Node streams through `takeStream`; every
 * other body (JSON results, error bodies) is buffered into the `Response`. Connection failures
 * reject with `TypeError('fetch failed', { cause })` and aborts with the signal's `AbortError`,
 * as the global fetch does, so the client's retry and timeout handling is unchanged.
 */
export function createNodeFetch(options: NodeFetchOptions = {}): NodeFetch {
  const maxBufferedBytes = options.maxBufferedBytes ?? 16 * 1024 * 1024;
  const agents = {
    'http:': new HttpAgent({ keepAlive: true }),
    'https:': new HttpsAgent({ keepAlive: true }),
  };
  const streams = new WeakMap<Response, IncomingMessage>();

  const nodeFetch = (input: string | URL | Request, init: RequestInit = {}): Promise<Response> =>
    new Promise<Response>((resolve, reject) => {
      const url = new URL(input instanceof Request ? input.url : input);
      const protocol = url.protocol;
      if (protocol !== 'http:' && protocol !== 'https:') {
        reject(new TypeError(`fetch failed: unsupported protocol ${protocol}`));
        return;
      }
      const body = init.body;
      if (body !== undefined && body !== null && typeof body !== 'string') {
        // The chat-completions call sends a JSON string; anything else is not this fetch's job.
        reject(new TypeError('fetch failed: only string bodies are supported'));
        return;
      }
      const signal = init.signal ?? undefined;
      if (signal?.aborted) {
        reject(abortError(signal));
        return;
      }
      const headers: Record<string, string> = {};
      new Headers(init.headers).forEach((value, name) => {
        headers[name] = value;
      });
      if (body) headers['content-length'] = String(Buffer.byteLength(body));

      const send = protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(url, {
        method: init.method ?? 'GET',
        headers,
        agent: agents[protocol],
      });
      let settled = false;
      const onAbort = () => {
        const error = abortError(signal);
        req.destroy(error);
        if (!settled) {
          settled = true;
          reject(error);
        }
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const release = () => signal?.removeEventListener('abort', onAbort);

      req.on('error', (error) => {
        release();
        if (settled) return;
        settled = true;
        reject(new TypeError('fetch failed', { cause: error }));
      });
      req.on('response', (res) => {
        res.once('close', release);
        const status = res.statusCode ?? 502;
        const responseHeaders = new Headers();
        const raw = res.rawHeaders;
        for (let i = 0; i + 1 < raw.length; i += 2) {
          responseHeaders.append(raw[i] as string, raw[i + 1] as string);
        }
        const streamed =
          status >= 200 &&
          status < 300 &&
          /^text\/event-stream/i.test(res.headers['content-type'] ?? '');
        if (streamed) {
          res.setEncoding('utf8');
          const response = new Response(null, { status, headers: responseHeaders });
          streams.set(response, res);
          settled = true;
          resolve(response);
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBufferedBytes) {
            res.destroy(new Error(`response body larger than ${maxBufferedBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        res.on('error', (error) => {
          if (settled) return;
          settled = true;
          reject(new TypeError('fetch failed', { cause: error }));
        });
        res.on('end', () => {
          if (settled) return;
          settled = true;
          const nullBody = status === 204 || status === 205 || status === 304;
          resolve(
            new Response(nullBody ? null : Buffer.concat(chunks), {
              status,
              headers: responseHeaders,
            }),
          );
        });
      });
      req.end(body ?? undefined);
    });

  return {
    fetch: nodeFetch as typeof fetch,
    takeStream(response) {
      const stream = streams.get(response);
      streams.delete(response);
      return stream;
    },
  };
}

function abortError(signal: AbortSignal | undefined): Error {
  const reason = signal?.reason;
  return reason instanceof Error && reason.name === 'AbortError'
    ? reason
    : new DOMException('This operation was aborted', 'AbortError');
}
