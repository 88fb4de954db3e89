// Bad input: property-based fuzzing (fast-check, seeded; its seed is printed at the start and by
// fast-check on failure) of methods, paths, query strings, headers, content types, encodings,
// framings and bodies on every route of the server process, sent as raw bytes. Every response
// must be below 500 and must not carry INTERNAL_ERROR (not even as an SSE error event), none may
// hang, and afterwards the process must be alive with zero unhandled rejections, uncaught
// exceptions or logged errors.

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import jwt from 'jsonwebtoken';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../fake-upstream/fake-upstream.js';
import { percentile, round } from '../helpers/statistics.js';
import { fuzzRequest } from './fuzz-request-arbitrary.js';
import { pickSeed, scaled } from './hardening-mode.js';
import { recordHardeningResult } from './record-hardening-result.js';
import { sendRawRequest } from './send-raw-request.js';
import { mintToken, type ServerProcess, startServerProcess } from './server-process.js';
import { streamTurn } from './stream-turn.js';

const CASES = scaled(1000, 10_000);

let dir: string;
let upstream: FakeUpstream;
let server: ServerProcess;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'schema-chat-fuzz-'));
  upstream = await startFakeUpstream({ defaultBehaviour: { kind: 'normal', tokens: 3 } });
  server = await startServerProcess({
    db: join(dir, 'chat.db'),
    upstreamUrl: upstream.url,
    // Limits raised so cases reach the handlers instead of stopping at 429; timeouts short so a
    // case that starts an answer and leaves costs little.
    router: {
      limits: { streamsPerMinute: 1_000_000, requestsPerMinute: 1_000_000 },
      timeouts: { disconnectGraceMs: 200 },
      cors: { origins: ['https://shop.example'] },
    },
  });
}, 30_000);
afterAll(async () => {
  if (server && !server.exited) expect(await server.stop('SIGTERM')).toBe(0);
  await upstream?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** How many responses had a status matching `test`. */
const count = (statuses: Map<number, number>, test: (status: number) => boolean) =>
  [...statuses].filter(([status]) => test(status)).reduce((sum, [, n]) => sum + n, 0);

describe('input fuzzing', () => {
  it(
    `answers ${CASES} hostile requests on every route below 500, with the process alive and no unhandled rejection`,
    async () => {
      const seed = pickSeed('input-fuzzing');
      const users = ['fuzz-a', 'fuzz-b'];
      // Stored conversations, so fuzzed ids and bodies also hit real rows (own and foreign).
      const conversationIds: string[] = [];
      for (const user of users) {
        const turn = await streamTurn({
          baseUrl: server.baseUrl,
          token: mintToken(user),
          projectId: 'shop',
          message: `the first question of ${user}`,
          conversationId: randomUUID(),
        });
        expect(turn.terminal).toBe('complete');
        conversationIds.push(turn.conversationId as string);
      }
      const context = {
        mount: '/api/v1/ai',
        tokens: users.map((user) => mintToken(user)),
        forgedToken: jwt.sign({ sub: 'fuzz-a' }, 'another-secret-that-is-32-bytes-long!', {
          expiresIn: 600,
        }),
        origin: server.origin,
        conversationIds,
      };

      const statuses = new Map<number, number>();
      const routes = new Map<string, number>();
      /** Error codes (or statuses, or `stream`) of the responses: how deep the cases got. */
      const outcomes = new Map<string, number>();
      const durations: number[] = [];
      let tried = 0;
      let failures = 0;
      let firstFailure = '';
      const property = fc.asyncProperty(fuzzRequest(context), async (request) => {
        tried++;
        const response = await sendRawRequest(server.port, request, 15_000);
        durations.push(response.ms);
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        routes.set(request.route, (routes.get(request.route) ?? 0) + 1);
        const outcome =
          response.status === 200 && response.headers.includes('text/event-stream')
            ? (/"type":"(complete|error)"[^\n]*?"code":"([A-Z_]+)"/.exec(response.body)?.[2] ??
              'stream')
            : (/"code":"([A-Z_]+)"/.exec(response.body)?.[1] ?? String(response.status));
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        const problem = response.timedOut
          ? 'no complete response within 15 s (a hung handler)'
          : response.status === 0
            ? `no status line (${response.error ?? 'closed'})`
            : response.status >= 500
              ? `HTTP ${response.status}`
              : response.body.includes('INTERNAL_ERROR')
                ? 'an INTERNAL_ERROR in the body'
                : undefined;
        if (problem) {
          failures++;
          firstFailure ||= `${problem}: ${request.method} ${request.target.slice(0, 200)} → ${response.raw.slice(0, 300)}`;
          throw new Error(`${problem}\nresponse: ${response.raw.slice(0, 500)}`);
        }
      });
      let error: unknown;
      try {
        await fc.assert(property, { seed, numRuns: CASES });
      } catch (caught) {
        error = caught;
      }
      const stats = await server.stats().catch(() => undefined);
      const alive = stats !== undefined && !server.exited;
      const problems =
        (stats?.unhandledRejections ?? 0) +
        (stats?.uncaughtExceptions ?? 0) +
        (stats?.errorsLogged ?? 0);
      recordHardeningResult({
        suite: 'input-fuzzing',
        check: 'bodies, queries, headers, content types and sizes on every route',
        tried,
        unit: 'requests',
        ...(firstFailure ? { note: `first failure: ${firstFailure}` } : {}),
        failures: failures + problems + (alive ? 0 : 1),
        figures: {
          seed,
          'routes × methods hit': routes.size,
          '2xx / 4xx': `${count(statuses, (s) => s < 300)} / ${count(statuses, (s) => s >= 400 && s < 500)}`,
          'most frequent outcomes': [...outcomes]
            .sort((a, b) => b[1] - a[1])
            .slice(0, 8)
            .map(([name, n]) => `${name} ${n}`)
            .join(', '),
          'p50 / p99 (ms)': `${round(percentile(durations, 50))} / ${round(percentile(durations, 99))}`,
          'unhandled / logged errors': `${(stats?.unhandledRejections ?? 0) + (stats?.uncaughtExceptions ?? 0)} / ${stats?.errorsLogged ?? 'n/a'}`,
        },
      });
      if (error) throw error;
      expect(alive).toBe(true);
      expect(stats?.recentErrors).toEqual([]);
      expect(problems).toBe(0);
      // Every route and method of the API, preflights included, was exercised.
      const missed = [
        'POST /chat',
        'GET /chat/stream',
        'POST /chat/stream',
        'POST /chat/stop',
        'GET /conversations',
        'DELETE /conversations/:id',
        'GET /conversations/:id/messages',
        'GET /projects',
        'OPTIONS /chat/stream',
        'OPTIONS /conversations/:id',
        'GET (unknown path)',
      ].filter((route) => !routes.has(route));
      expect(missed).toEqual([]);
      expect(failures).toBe(0);
    },
    scaled(120_000, 900_000),
  );
});
