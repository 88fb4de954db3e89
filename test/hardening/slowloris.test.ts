// Slowloris: many sockets sending their request headers (or body) one byte at a time must not keep
// normal clients from being served, and with the server timeouts the README recommends
// (headersTimeout, requestTimeout) the slow sockets are closed while long SSE answers, whose
// requests arrived whole, keep streaming.

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, fakeText, startFakeUpstream } from '../fake-upstream/fake-upstream.js';
import { percentile, round } from '../helpers/statistics.js';
import { scaled } from './hardening-mode.js';
import { recordHardeningResult } from './record-hardening-result.js';
import { mintToken, type ServerProcess, startServerProcess } from './server-process.js';
import { streamTurn } from './stream-turn.js';
import { waitUntil } from './wait-until.js';

const SLOW_SOCKETS = scaled(300, 1000);
const SLOW_BODIES = scaled(50, 200);
/** The hardened server's settings (README, scaling notes), shortened for the test. */
const HEADERS_TIMEOUT_MS = 2000;
const REQUEST_TIMEOUT_MS = 3000;

let dir: string;
let upstream: FakeUpstream;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'schema-chat-slowloris-'));
  upstream = await startFakeUpstream({ defaultBehaviour: { kind: 'normal', tokens: 5 } });
});
afterAll(async () => {
  await upstream?.close();
  rmSync(dir, { recursive: true, force: true });
});

interface Drip {
  sockets: Socket[];
  /** Sockets the server closed (or answered), by the time they closed (ms after the start). */
  closedAt: number[];
  stop(): void;
}

/**
 * Opens `count` sockets that send a request one byte every `intervalMs`: the request line and
 * headers never end (`part: 'headers'`), or the headers end and a declared body never completes
 * (`part: 'body'`).
 */
async function drip(
  port: number,
  count: number,
  part: 'headers' | 'body',
  intervalMs = 100,
): Promise<Drip> {
  const started = performance.now();
  const closedAt: number[] = [];
  const sockets: Socket[] = [];
  const token = mintToken('slow-client');
  const head =
    part === 'headers'
      ? `POST /api/v1/ai/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nX-Slow: `
      : `POST /api/v1/ai/chat HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"projectId":"shop","message":"`;
  for (let i = 0; i < count; i++) {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => {});
    socket.on('close', () => closedAt.push(performance.now() - started));
    // Slow headers: the first 20 bytes at once. Slow body: the whole head at once.
    socket.write(head.slice(0, part === 'headers' ? 20 : head.length));
    sockets.push(socket);
    if (i % 100 === 99) await sleep(10); // do not overflow the listen backlog
  }
  // The rest of the head one byte a tick, then an endless header value (or body) of 'a's.
  let offset = part === 'headers' ? 20 : head.length;
  const timer = setInterval(() => {
    const byte = head[offset] ?? 'a';
    offset++;
    for (const socket of sockets) if (!socket.destroyed) socket.write(byte);
  }, intervalMs);
  return {
    sockets,
    closedAt,
    stop() {
      clearInterval(timer);
      for (const socket of sockets) socket.destroy();
    },
  };
}

/** Times `count` normal requests (history listing) and one full streamed turn. */
async function normalClients(server: ServerProcess, count: number) {
  const times: number[] = [];
  let failed = 0;
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const response = await fetch(`${server.baseUrl}/projects`, {
      headers: server.headers('normal-client'),
    });
    await response.text();
    times.push(performance.now() - started);
    if (response.status !== 200) failed++;
  }
  const turn = await streamTurn({
    baseUrl: server.baseUrl,
    token: mintToken('normal-client'),
    projectId: 'shop',
    message: `a normal question ${randomUUID()}`,
    timeoutMs: 20_000,
  });
  if (turn.terminal !== 'complete' || turn.text !== fakeText(5)) failed++;
  return { p50: percentile(times, 50), failed };
}

describe('slowloris', () => {
  it(`serves normal clients while ${SLOW_SOCKETS} sockets send headers one byte at a time (Node's default timeouts)`, async () => {
    const server = await startServerProcess({
      db: join(dir, 'defaults.db'),
      upstreamUrl: upstream.url,
      router: { limits: { requestsPerMinute: 100_000 } },
    });
    try {
      const baseline = await normalClients(server, 30);
      const slow = await drip(server.port, SLOW_SOCKETS, 'headers');
      await sleep(500);
      const during = await normalClients(server, 30);
      const stillOpen = slow.sockets.filter((socket) => !socket.destroyed).length;
      slow.stop();
      const problems: string[] = [];
      if (during.failed + baseline.failed > 0)
        problems.push(`${during.failed} normal requests failed`);
      if (stillOpen !== SLOW_SOCKETS) problems.push(`only ${stillOpen} slow sockets were held`);
      recordHardeningResult({
        suite: 'slowloris',
        check: 'slow header senders vs normal clients (Node defaults)',
        tried: SLOW_SOCKETS,
        unit: 'slow sockets',
        failures: problems.length,
        figures: {
          'normal p50 before / during (ms)': `${round(baseline.p50)} / ${round(during.p50)}`,
          ratio: round(during.p50 / baseline.p50, 2),
        },
      });
      expect(problems).toEqual([]);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  }, 60_000);

  it(`closes slow header and body senders with headersTimeout/requestTimeout, while a long answer keeps streaming`, async () => {
    const server = await startServerProcess({
      db: join(dir, 'hardened.db'),
      upstreamUrl: upstream.url,
      router: { limits: { requestsPerMinute: 100_000 } },
      http: {
        headersTimeout: HEADERS_TIMEOUT_MS,
        requestTimeout: REQUEST_TIMEOUT_MS,
        connectionsCheckingInterval: 250,
      },
    });
    try {
      // An answer longer than requestTimeout: its request arrived whole, so nothing cuts it.
      const long = streamTurn({
        baseUrl: server.baseUrl,
        token: mintToken('long-reader'),
        projectId: 'shop',
        message: '[[fake:tokens=25,interval=200]] a long answer',
        timeoutMs: 30_000,
      });
      const headers = await drip(server.port, SLOW_SOCKETS, 'headers');
      const bodies = await drip(server.port, SLOW_BODIES, 'body');
      const during = await normalClients(server, 20);
      await waitUntil(
        'the server to close every slow socket',
        () => headers.closedAt.length === SLOW_SOCKETS && bodies.closedAt.length === SLOW_BODIES,
        REQUEST_TIMEOUT_MS + 10_000,
        100,
      );
      headers.stop();
      bodies.stop();
      const answer = await long;
      const problems: string[] = [];
      if (during.failed > 0) problems.push(`${during.failed} normal requests failed`);
      if (answer.terminal !== 'complete' || answer.text !== fakeText(25)) {
        problems.push(`the long answer ended ${answer.terminal ?? answer.closedBy}`);
      }
      if (answer.durationMs < REQUEST_TIMEOUT_MS)
        problems.push('the long answer was not longer than requestTimeout');
      const headerClose = percentile(headers.closedAt, 50);
      const bodyClose = percentile(bodies.closedAt, 50);
      // Closed by the timeouts, not before: the senders were slow but not yet out of time.
      if (headerClose < HEADERS_TIMEOUT_MS * 0.8)
        problems.push(`header senders closed early (${headerClose} ms)`);
      if (bodyClose < REQUEST_TIMEOUT_MS * 0.8)
        problems.push(`body senders closed early (${bodyClose} ms)`);
      recordHardeningResult({
        suite: 'slowloris',
        check: 'headersTimeout / requestTimeout close slow senders, answers stream on',
        tried: SLOW_SOCKETS + SLOW_BODIES,
        unit: 'slow sockets',
        failures: problems.length,
        figures: {
          'header senders closed at p50 (s)': round(headerClose / 1000, 1),
          'body senders closed at p50 (s)': round(bodyClose / 1000, 1),
          'long answer (s)': round(answer.durationMs / 1000, 1),
          'normal p50 during (ms)': round(during.p50),
        },
        note: `headersTimeout ${HEADERS_TIMEOUT_MS} ms, requestTimeout ${REQUEST_TIMEOUT_MS} ms in the test`,
      });
      expect(problems).toEqual([]);
    } finally {
      expect(await server.stop()).toBe(0);
    }
  }, 60_000);
});
