// A reverse proxy on node:http that passes everything through except the SSE stream route, which
// it either answers with a bare 502 (a gateway that cannot stream) or buffers whole before sending
// (a proxy that ignores `X-Accel-Buffering: no`): what proxies that buffer do to an SSE answer.

import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the proxy does to `…/chat/stream` requests. */
export type BlockingMode = 'pass' | 'bad-gateway' | 'buffer';

/** A running proxy. */
export interface BlockingProxy {
  /** `http://127.0.0.1:<port>`: open pages here instead of at the target. */
  origin: string;
  /** Changes what happens to the next stream requests. */
  mode: BlockingMode;
  /** Stream requests answered 502 or buffered so far. */
  readonly blockedStreams: number;
  close(): Promise<void>;
}

const STREAM_ROUTE = /\/chat\/stream(\?|$)/;

/** Starts the proxy in front of `target` (an origin such as `http://127.0.0.1:3001`). */
export async function startBlockingProxy(
  target: string,
  mode: BlockingMode = 'pass',
): Promise<BlockingProxy> {
  const targetUrl = new URL(target);
  const sockets = new Set<Socket>();
  let blockedStreams = 0;
  const state = { mode };

  const server = createServer((req, res) => {
    const blocking = state.mode !== 'pass' && STREAM_ROUTE.test(req.url ?? '');
    if (blocking) blockedStreams += 1;
    if (blocking && state.mode === 'bad-gateway') {
      // What nginx and friends answer: HTML, not the API's JSON error shape.
      req.resume();
      res.writeHead(502, { 'Content-Type': 'text/html' });
      res.end('<html><body><h1>502 Bad Gateway</h1></body></html>');
      return;
    }
    forward(req, res, blocking);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  function forward(req: IncomingMessage, res: ServerResponse, buffer: boolean): void {
    // The Host header goes through unchanged, so the API still sees the page's own origin as
    // same-origin (as behind a real reverse proxy that preserves Host).
    const upstream = httpRequest(
      {
        host: targetUrl.hostname,
        port: targetUrl.port,
        method: req.method,
        path: req.url,
        headers: req.headers,
      },
      (upstreamRes) => {
        if (!buffer) {
          res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
          upstreamRes.pipe(res);
          return;
        }
        const chunks: Buffer[] = [];
        upstreamRes.on('data', (chunk: Buffer) => chunks.push(chunk));
        upstreamRes.on('end', () => {
          const body = Buffer.concat(chunks);
          const headers = { ...upstreamRes.headers, 'content-length': String(body.length) };
          delete headers['transfer-encoding'];
          res.writeHead(upstreamRes.statusCode ?? 502, headers);
          res.end(body);
        });
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'Content-Type': 'text/html' });
      res.end();
    });
    // The browser gave up (or finished): let go of the API's connection too.
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    get mode() {
      return state.mode;
    },
    set mode(next: BlockingMode) {
      state.mode = next;
    },
    get blockedStreams() {
      return blockedStreams;
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
