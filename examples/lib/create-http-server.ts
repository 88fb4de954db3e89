// The examples' HTTP server: node:http with slow senders closed on time. Node checks the headers
// and request timeouts of incomplete requests only every `connectionsCheckingInterval` (30 s by
// default), so a 10 s header timeout alone closes a slowloris at 10–40 s; checking every second
// makes the documented timeouts hold to the second. Answers still stream as long as they take:
// the timeouts end when a request has been read.

import { createServer, type RequestListener, type Server } from 'node:http';

/** Timeouts of {@link createHttpServer}, ms. */
export interface HttpServerTimeouts {
  /** Longest time to receive the request headers. Defaults to 10000. */
  headersTimeout?: number;
  /** Longest time to receive the whole request. Defaults to 30000. */
  requestTimeout?: number;
}

/** A server for `handler` (an Express app, or a plain listener) with the timeouts enforced on time. */
export function createHttpServer(
  handler: RequestListener,
  timeouts: HttpServerTimeouts = {},
): Server {
  const headersTimeout = timeouts.headersTimeout ?? 10_000;
  const requestTimeout = timeouts.requestTimeout ?? 30_000;
  return createServer(
    {
      headersTimeout,
      requestTimeout,
      // A tenth of the shorter timeout, at most a second: each fires at most 10 % late.
      connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.floor(headersTimeout / 10))),
    },
    handler,
  );
}
