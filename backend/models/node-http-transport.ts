// The model's HTTP transport on node:http(s) with keep-alive agents: a POST whose response body
// is a plain Node stream. The openai client's fetch path (undici, web streams, WHATWG Response)
// costs ~2.5× the CPU per token of a node:http read (bench S1) and several KiB per open stream
// (bench S4).

import {
  type ClientRequest,
  Agent as HttpAgent,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { markTurnStep } from '../diagnostics/turn-steps.js';

/** A response whose headers have arrived; its body streams (UTF-8 strings). */
export interface NodeHttpResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: IncomingMessage;
}

/** Sends requests over pooled connections. */
export interface NodeHttpTransport {
  /**
   * POSTs `body` and resolves once the response headers arrive. Rejects with
   * `TypeError('fetch failed', { cause })` when the connection fails, with an `AbortError` when
   * `signal` aborts (aborting later destroys the body) and with a `TimeoutError` when the headers
   * take longer than `headersTimeoutMs`. With `trace`, publishes `upstream-request-sent` and
   * `upstream-first-byte` on the turn-step channel.
   */
  post(
    url: string,
    headers: Record<string, string>,
    body: string,
    signal: AbortSignal,
    headersTimeoutMs: number,
    trace?: object,
  ): Promise<NodeHttpResponse>;
}

/** Creates a transport with one keep-alive agent per protocol. */
export function createNodeHttpTransport(): NodeHttpTransport {
  const agents = {
    'http:': new HttpAgent({ keepAlive: true }),
    'https:': new HttpsAgent({ keepAlive: true }),
  };
  return {
    post(url, headers, body, signal, headersTimeoutMs, trace) {
      if (signal.aborted) return Promise.reject(abortError(signal));
      let target: URL;
      try {
        target = new URL(url);
      } catch (error) {
        return Promise.reject(new TypeError('fetch failed: invalid URL', { cause: error }));
      }
      const protocol = target.protocol;
      if (protocol !== 'http:' && protocol !== 'https:') {
        return Promise.reject(new TypeError(`fetch failed: unsupported protocol ${protocol}`));
      }
      const send = protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(target, {
        method: 'POST',
        headers: { ...headers, 'content-length': String(Buffer.byteLength(body)) },
        agent: agents[protocol],
      });
      // The body is written here and captured by none of the closures that live as long as the
      // response: a long-lived stream must not keep its request (the whole prompt) in memory.
      const response = receive(req, signal, headersTimeoutMs, trace);
      if (trace === undefined) req.end(body);
      else req.end(body, () => markTurnStep(trace, 'upstream-request-sent'));
      return response;
    },
  };
}

function receive(
  req: ClientRequest,
  signal: AbortSignal,
  headersTimeoutMs: number,
  trace: object | undefined,
): Promise<NodeHttpResponse> {
  return new Promise<NodeHttpResponse>((resolve, reject) => {
    let settled = false;
    const fail = (error: Error) => {
      req.destroy(error);
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(error);
    };
    const onAbort = () => fail(abortError(signal));
    const timer = setTimeout(
      () => fail(new DOMException('The response headers took too long.', 'TimeoutError')),
      headersTimeoutMs,
    );
    signal.addEventListener('abort', onAbort, { once: true });
    req.on('error', (error) => {
      signal.removeEventListener('abort', onAbort);
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new TypeError('fetch failed', { cause: error }));
    });
    req.on('response', (res) => {
      markTurnStep(trace, 'upstream-first-byte');
      clearTimeout(timer);
      res.once('close', () => signal.removeEventListener('abort', onAbort));
      res.setEncoding('utf8');
      settled = true;
      resolve({ status: res.statusCode ?? 502, headers: res.headers, body: res });
    });
  });
}

function abortError(signal: AbortSignal): Error {
  const reason = signal.reason;
  return reason instanceof Error && reason.name === 'AbortError'
    ? reason
    : new DOMException('This operation was aborted', 'AbortError');
}
