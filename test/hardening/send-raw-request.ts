// Sends one HTTP/1.1 request as raw bytes over node:net, so a test can send what no HTTP client
// would (invalid UTF-8, bare header bytes, odd framing), and reads the response to its end.

import { connect } from 'node:net';

/** A request exactly as it goes on the wire (minus Host and Connection, which are added). */
export interface RawRequest {
  method: string;
  /** Request target: path and query, already encoded (bytes as latin1). */
  target: string;
  /** Header lines as [name, value], values as latin1 bytes. */
  headers: Array<[string, string]>;
  body?: Uint8Array;
  /** How the body is framed. Defaults to `content-length`. */
  framing?: 'content-length' | 'chunked' | 'short-length';
}

/** What came back. */
export interface RawResponse {
  /** Status code; 0 when the connection ended without a status line. */
  status: number;
  headers: string;
  body: string;
  /** The whole response text (latin1 decoded). */
  raw: string;
  timedOut: boolean;
  /** Network error code, if the connection failed. */
  error?: string;
  ms: number;
}

/** Sends `request` to `host:port` with `Connection: close` and reads until the server closes. */
export function sendRawRequest(
  port: number,
  request: RawRequest,
  timeoutMs = 15_000,
  host = '127.0.0.1',
): Promise<RawResponse> {
  const started = performance.now();
  const body = request.body ?? new Uint8Array(0);
  const lines = [
    `${request.method} ${request.target} HTTP/1.1`,
    `Host: ${host}:${port}`,
    'Connection: close',
  ];
  for (const [name, value] of request.headers) lines.push(`${name}: ${value}`);
  const framing = request.framing ?? 'content-length';
  let payload: Buffer;
  if (framing === 'chunked') {
    lines.push('Transfer-Encoding: chunked');
    payload =
      body.length === 0
        ? Buffer.from('0\r\n\r\n')
        : Buffer.concat([
            Buffer.from(`${body.length.toString(16)}\r\n`),
            body,
            Buffer.from('\r\n0\r\n\r\n'),
          ]);
  } else {
    if (body.length > 0 || request.method !== 'GET') {
      // `short-length` declares fewer bytes than follow: the rest reads as a second request.
      const declared = framing === 'short-length' ? Math.floor(body.length / 2) : body.length;
      lines.push(`Content-Length: ${declared}`);
    }
    payload = Buffer.from(body);
  }
  const head = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');

  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let settled = false;
    let error: string | undefined;
    const socket = connect(port, host);
    const finish = (timedOut: boolean) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      let raw = Buffer.concat(chunks).toString('latin1');
      // Interim responses (`100 Continue` to `Expect: 100-continue`) come before the real one.
      while (/^HTTP\/1\.[01] 1\d\d /.test(raw) && raw.includes('\r\n\r\n')) {
        raw = raw.slice(raw.indexOf('\r\n\r\n') + 4);
      }
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(raw);
      const split = raw.indexOf('\r\n\r\n');
      resolve({
        status: status ? Number(status[1]) : 0,
        headers: split === -1 ? raw : raw.slice(0, split),
        body: split === -1 ? '' : raw.slice(split + 4),
        raw,
        timedOut,
        ...(error ? { error } : {}),
        ms: performance.now() - started,
      });
    };
    const timer = setTimeout(() => finish(true), timeoutMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => finish(false));
    socket.on('close', () => finish(false));
    socket.on('error', (cause: NodeJS.ErrnoException) => {
      // A server that answers early (413, 431) may reset while the body is still going out.
      error = cause.code ?? cause.message;
      finish(false);
    });
    socket.write(head);
    if (payload.length > 0) socket.write(payload);
  });
}
