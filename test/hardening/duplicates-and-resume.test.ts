// Never generate twice, never lose text: the real client SDK against the real server process
// through the fault proxy, which resets connections at random points (request or response, mid
// header, mid frame, between frames); every turn must end with exactly the text of an
// uninterrupted run, from exactly one upstream call. And the same Idempotency-Key sent
// sequentially and 10-way in parallel, over every turn route, yields one upstream call and one
// stored answer, key after key.

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChatClient } from '../../sdk/create-chat-client.js';
import type { ChatResponse } from '../../sdk/protocol.js';
import { createSeededRandom } from '../../sdk/test-helpers/seeded-random.js';
import { type FakeUpstream, startFakeUpstream } from '../fake-upstream/fake-upstream.js';
import { type FaultProxy, startFaultProxy } from './fault-proxy.js';
import { pickSeed, scaled } from './hardening-mode.js';
import { readStoredMessages } from './read-stored-messages.js';
import { recordHardeningResult } from './record-hardening-result.js';
import { mintToken, type ServerProcess, startServerProcess } from './server-process.js';
import { type StreamTurnOutcome, streamTurn } from './stream-turn.js';

let dir: string;
let db: string;
let upstream: FakeUpstream;
let server: ServerProcess;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'schema-chat-dup-'));
  db = join(dir, 'chat.db');
  upstream = await startFakeUpstream();
  server = await startServerProcess({
    db,
    upstreamUrl: upstream.url,
    router: { limits: { streamsPerMinute: 1_000_000, requestsPerMinute: 1_000_000 } },
  });
}, 30_000);
afterAll(async () => {
  if (server) {
    const stats = await server.stats().catch(() => undefined);
    expect(await server.stop('SIGTERM')).toBe(0);
    expect(stats?.unhandledRejections ?? 0).toBe(0);
  }
  await upstream?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Upstream calls whose question contains `marker`. */
const callsFor = (marker: string) =>
  upstream.calls.bodies.filter((body) =>
    String((body.messages as Array<{ content: string }>).at(-1)?.content).includes(marker),
  ).length;

describe('resume through random resets', () => {
  const target = scaled(60, 200);
  it(
    `${target} random reset points: every turn's text equals an uninterrupted run, one upstream call per turn`,
    async () => {
      const random = createSeededRandom(pickSeed('duplicates-and-resume'));
      // Answers with newlines, emoji and RTL text, so cuts land inside multi-byte characters too.
      const answer = Array.from(
        { length: 60 },
        (_, i) => ['orders', 'שלום', '📦', 'customers\n', 'data: x', 'émoji 👩‍💻'][i % 6],
      ).join(' ');
      const directive = `[[fake:text=${encodeURIComponent(answer)},interval=4]]`;
      let proxy: FaultProxy | undefined;
      try {
        proxy = await startFaultProxy({ target: server.origin });
        const client = (user: string) =>
          createChatClient({
            baseUrl: proxy?.rewrite(server.baseUrl) ?? '',
            token: mintToken(user),
            retry: { maxRetries: 100, baseDelayMs: 2, maxDelayMs: 20 },
            heartbeatMs: 2000,
          });
        // The reference: one uninterrupted turn.
        const reference = await client('resume-reference').stream({
          projectId: 'shop',
          message: `reference turn ${directive}`,
        }).result;
        expect(reference.content).toBe(answer);
        // About the size of one response on the wire: headers and frames.
        const referenceBytes = 2200;

        // Every new connection gets a reset point until enough resets happened. The client keeps
        // connections alive across turns, so a point is drawn over a few responses' worth of
        // bytes: it lands in the first, second or third response on that connection, anywhere.
        const resets = () => proxy?.stats.resets ?? 0;
        proxy.setPlan(() => {
          if (resets() >= target) return {};
          return random() < 0.85
            ? { toClient: { kind: 'reset', afterBytes: Math.floor(random() * 3 * referenceBytes) } }
            : { toTarget: { kind: 'reset', afterBytes: Math.floor(random() * 3 * 600) } };
        });

        const problems: string[] = [];
        let turns = 0;
        let retries = 0;
        let fellBack = 0;
        const worker = async (lane: number) => {
          while (resets() < target) {
            const turn = turns++;
            const marker = `resume turn ${turn}`;
            const user = `resume-user-${lane}`;
            let deltas = '';
            const stream = client(user).stream(
              { projectId: 'shop', message: `${marker} ${directive}` },
              {
                onToken: (delta) => {
                  deltas += delta;
                },
                onRetry: () => {
                  retries++;
                },
                onFallback: () => {
                  fellBack++;
                },
              },
            );
            const result = await stream.result.catch((error: Error) => error);
            if (result instanceof Error) {
              problems.push(`turn ${turn}: failed with ${result.message}`);
              continue;
            }
            if (result.content !== reference.content) problems.push(`turn ${turn}: text differs`);
            if (result.transport === 'sse' && deltas !== reference.content) {
              problems.push(`turn ${turn}: the streamed deltas repeat or lose text`);
            }
            const calls = callsFor(`${marker} `);
            if (calls !== 1) problems.push(`turn ${turn}: ${calls} upstream calls`);
          }
        };
        await Promise.all([0, 1, 2, 3].map(worker));
        recordHardeningResult({
          suite: 'duplicates-and-resume',
          check: 'random reset points, real client through the fault proxy',
          tried: resets(),
          unit: 'resets',
          failures: problems.length,
          figures: { turns, 'client retries': retries, 'REST fallbacks': fellBack },
        });
        expect(problems).toEqual([]);
        expect(proxy.stats.resets).toBeGreaterThanOrEqual(target);
      } finally {
        await proxy?.close();
      }
    },
    scaled(60_000, 180_000),
  );
});

describe('idempotency', () => {
  const keys = scaled(20, 100);
  it(
    `${keys} keys, each sent 10-way in parallel and then again sequentially over every turn route: one upstream call and one answer per key`,
    async () => {
      const problems: string[] = [];
      const one = async (k: number) => {
        const user = `idem-user-${k}`;
        const key = randomUUID();
        const marker = `idempotent question ${k} `;
        const message = `${marker}[[fake:tokens=30,interval=5]]`;
        const token = mintToken(user);
        const viaStream = (method: 'POST' | 'GET') =>
          streamTurn({
            baseUrl: server.baseUrl,
            token,
            projectId: 'shop',
            message,
            idempotencyKey: key,
            method,
          });
        const viaRest = async (): Promise<ChatResponse | string> => {
          const response = await fetch(`${server.baseUrl}/chat`, {
            method: 'POST',
            headers: { ...server.headers(user), 'Idempotency-Key': key },
            body: JSON.stringify({ projectId: 'shop', message }),
          });
          return response.ok
            ? ((await response.json()) as ChatResponse)
            : `HTTP ${response.status}`;
        };
        const senders = [() => viaStream('POST'), () => viaStream('GET'), viaRest];
        const parallel = await Promise.all(
          Array.from({ length: 10 }, (_, i) => (senders[i % 3] as (typeof senders)[number])()),
        );
        const sequential = [await viaStream('POST'), await viaRest(), await viaStream('GET')];
        const texts = new Set<string>();
        const conversations = new Set<string>();
        for (const result of [...parallel, ...sequential]) {
          if (typeof result === 'string') {
            problems.push(`key ${k}: ${result}`);
          } else if ('status' in result) {
            const outcome = result as StreamTurnOutcome;
            if (
              outcome.terminal !== 'complete' ||
              outcome.terminalCount !== 1 ||
              outcome.idViolations > 0
            ) {
              problems.push(
                `key ${k}: a stream ended ${outcome.terminal ?? outcome.closedBy} (HTTP ${outcome.status})`,
              );
            }
            texts.add(outcome.text);
            if (outcome.conversationId) conversations.add(outcome.conversationId);
          } else {
            texts.add(result.message.content);
            conversations.add(result.conversationId);
          }
        }
        if (texts.size !== 1) problems.push(`key ${k}: ${texts.size} different answers`);
        if (conversations.size !== 1)
          problems.push(`key ${k}: ${conversations.size} conversations`);
        const calls = callsFor(marker);
        if (calls !== 1) problems.push(`key ${k}: ${calls} upstream calls`);
        const [conversationId] = conversations;
        if (conversationId) {
          const rows = readStoredMessages(db, [conversationId]).get(conversationId) ?? [];
          const roles = rows.map((row) => `${row.role}:${row.status}`).join(',');
          if (roles !== 'user:complete,assistant:complete')
            problems.push(`key ${k}: stored ${roles}`);
        }
      };
      // Ten keys at a time: 100 requests in flight.
      for (let k = 0; k < keys; k += 10) {
        await Promise.all(Array.from({ length: Math.min(10, keys - k) }, (_, i) => one(k + i)));
      }
      recordHardeningResult({
        suite: 'duplicates-and-resume',
        check: 'same Idempotency-Key 10-way parallel + sequential (POST/GET stream, REST)',
        tried: keys,
        unit: 'keys',
        failures: problems.length,
        figures: { requests: keys * 13, 'upstream calls': keys },
      });
      expect(problems).toEqual([]);
    },
    scaled(60_000, 180_000),
  );
});
