// Slow senders are closed when the documented timeout says, not at Node's next 30 s check.

import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpServer } from './create-http-server.ts';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

/** Opens a connection that sends half a request line and nothing more; resolves when it closes. */
function sendHalfARequest(port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = connect(port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: x\r\n'));
    socket.on('error', () => {});
    socket.resume(); // read the 408, so the end (and close) arrives
    socket.on('close', () => resolve(performance.now() - started));
    setTimeout(() => reject(new Error('still open after 20 s')), 20_000).unref();
  });
}

describe('createHttpServer', () => {
  it('closes a sender that never finishes its headers within headersTimeout and a check', async () => {
    const server = createHttpServer((_req, res) => res.end('ok'), { headersTimeout: 1_000 });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    close = () => new Promise((resolve) => server.close(() => resolve()));
    const { port } = server.address() as AddressInfo;
    const closedAfterMs = await sendHalfARequest(port);
    // Node's default check interval (30 s) would leave it open up to 31 s.
    expect(closedAfterMs).toBeGreaterThanOrEqual(900);
    expect(closedAfterMs).toBeLessThan(3_000);
  });
});
