// The fault proxy itself: each action does what the fault suites rely on, measured against a
// plain TCP target on loopback.

import { connect, createServer, type Server, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FaultPlan, type FaultProxy, startFaultProxy } from './fault-proxy.js';

/** Multi-byte characters, so a slice or a cut lands inside one. */
const PAYLOAD = Buffer.from(`héllo wörld — ${'📦 data: ok\n'.repeat(40)}end`, 'utf8');

let target: Server;
let targetPort: number;
let proxy: FaultProxy | undefined;
/** What the target received, per connection. */
let received: Buffer[] = [];
const targetSockets = new Set<Socket>();

beforeEach(async () => {
  received = [];
  target = createServer((socket) => {
    targetSockets.add(socket);
    const index = received.push(Buffer.alloc(0)) - 1;
    socket.on('data', (chunk: Buffer) => {
      received[index] = Buffer.concat([received[index] as Buffer, chunk]);
    });
    socket.on('error', () => {});
    socket.write(PAYLOAD);
  });
  await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
  targetPort = (target.address() as { port: number }).port;
});
afterEach(async () => {
  await proxy?.close();
  proxy = undefined;
  for (const socket of targetSockets) socket.destroy();
  targetSockets.clear();
  await new Promise<void>((resolve) => target.close(() => resolve()));
});

interface Reading {
  socket: Socket;
  chunks: Buffer[];
  /** Arrival time of each chunk (performance.now()). */
  times: number[];
  error: NodeJS.ErrnoException | undefined;
  closed: boolean;
  readonly bytes: Buffer;
}

async function through(plan: FaultPlan): Promise<Reading> {
  proxy = await startFaultProxy({ target: { host: '127.0.0.1', port: targetPort }, plan });
  const socket = connect(proxy.port, proxy.host);
  const reading: Reading = {
    socket,
    chunks: [],
    times: [],
    error: undefined,
    closed: false,
    get bytes() {
      return Buffer.concat(this.chunks);
    },
  };
  socket.on('data', (chunk: Buffer) => {
    reading.chunks.push(chunk);
    reading.times.push(performance.now());
  });
  socket.on('error', (error) => {
    reading.error = error;
  });
  socket.on('close', () => {
    reading.closed = true;
  });
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  return reading;
}

const until = async (check: () => boolean, ms = 5000) => {
  const deadline = performance.now() + ms;
  while (!check()) {
    if (performance.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
};

describe('startFaultProxy', () => {
  it('passes bytes through unchanged in both directions', async () => {
    const reading = await through({});
    reading.socket.write('ping from the client');
    await until(() => reading.bytes.length === PAYLOAD.length && received[0]?.length === 20);
    expect(reading.bytes.equals(PAYLOAD)).toBe(true);
    expect(received[0]?.toString()).toBe('ping from the client');
    expect(proxy?.stats).toMatchObject({ connections: 1, open: 1, resets: 0 });
  });

  it('delays every chunk by the given time, in order', async () => {
    // A reference timer shorter than the delay: the first byte only comes after it fired.
    let referenceFired = false;
    const reference = setTimeout(() => {
      referenceFired = true;
    }, 100);
    const reading = await through({ toClient: { kind: 'delay', ms: 200 } });
    await until(() => reading.bytes.length > 0);
    const firstAfterReference = referenceFired;
    clearTimeout(reference);
    await until(() => reading.bytes.length === PAYLOAD.length);
    expect(reading.bytes.equals(PAYLOAD)).toBe(true);
    expect(firstAfterReference).toBe(true);
  });

  it('slices a response into 1-byte writes and it still arrives intact', async () => {
    const reading = await through({ toClient: { kind: 'slice' } });
    await until(() => reading.bytes.length === PAYLOAD.length);
    expect(reading.bytes.toString('utf8')).toBe(PAYLOAD.toString('utf8'));
    expect(proxy?.stats.slicedWrites).toBe(PAYLOAD.length);
    // One write per byte, one event-loop turn apart: the reader sees many small reads.
    expect(reading.chunks.length).toBeGreaterThan(10);
  });

  it('slices a request into 1-byte writes towards the target', async () => {
    const reading = await through({ toTarget: { kind: 'slice' } });
    reading.socket.write('GET / HTTP/1.1\r\n\r\n');
    await until(() => received[0]?.length === 18);
    expect(received[0]?.toString()).toBe('GET / HTTP/1.1\r\n\r\n');
    expect(proxy?.stats.slicedWrites).toBe(18);
  });

  it('goes silent after k bytes and keeps the connection open', async () => {
    const reading = await through({ toClient: { kind: 'silent', afterBytes: 7 } });
    await until(() => reading.bytes.length === 7);
    await sleep(300);
    expect(reading.bytes.equals(PAYLOAD.subarray(0, 7))).toBe(true);
    expect(reading.closed).toBe(false);
    expect(proxy?.stats.silenced).toBe(1);
  });

  it('resets both sockets after k bytes', async () => {
    const reading = await through({ toClient: { kind: 'reset', afterBytes: 33 } });
    await until(() => reading.closed);
    expect(reading.error?.code).toBe('ECONNRESET');
    expect(reading.bytes.length).toBeLessThanOrEqual(33);
    expect(PAYLOAD.subarray(0, reading.bytes.length).equals(reading.bytes)).toBe(true);
    expect(proxy?.stats).toMatchObject({ resets: 1, open: 0 });
  });

  it('picks a plan per connection and tears the target side down when the client leaves', async () => {
    proxy = await startFaultProxy({
      target: `http://127.0.0.1:${targetPort}/v1`,
      plan: (index) => (index === 0 ? { toClient: { kind: 'reset', afterBytes: 0 } } : {}),
    });
    expect(proxy.rewrite('http://127.0.0.1:1/v1')).toBe(`http://127.0.0.1:${proxy.port}/v1`);
    const first = connect(proxy.port, proxy.host);
    const firstError = new Promise<string | undefined>((resolve) => {
      first.on('error', (error: NodeJS.ErrnoException) => resolve(error.code));
      first.on('close', () => resolve(undefined));
    });
    expect(await firstError).toBe('ECONNRESET');
    const second = connect(proxy.port, proxy.host);
    const chunks: Buffer[] = [];
    second.on('data', (chunk: Buffer) => chunks.push(chunk));
    await until(() => Buffer.concat(chunks).length === PAYLOAD.length);
    second.destroy();
    await until(() => proxy?.stats.open === 0);
    expect(proxy.stats.connections).toBe(2);
  });
});
