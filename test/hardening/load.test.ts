// Load and soak with the full stack (JWT auth, limits, SQLite, the openai client against the fake
// upstream), the server and the load generator each in their own process: many concurrent streams
// lose, repeat or reorder no token and store exactly what they streamed; slow streams held open
// are not dropped; clients leaving at random do not hurt the others, and every counter and the
// per-user stream cap return to zero; rounds of it leave memory and descriptors at their baseline.

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadJob, LoadStream } from '../../bench/load/load-job.js';
import type { LoadResult } from '../../bench/load/run-load.js';
import { type LoadGenerator, startLoadGenerator } from '../../bench/load/start-load-generator.js';
import { createSeededRandom } from '../../sdk/test-helpers/seeded-random.js';
import { type FakeUpstream, fakeText, startFakeUpstream } from '../fake-upstream/fake-upstream.js';
import { percentile, round } from '../helpers/statistics.js';
import { isFullRun, pickSeed, scaled } from './hardening-mode.js';
import { checkStoredState, readStoredMessages } from './read-stored-messages.js';
import { recordHardeningResult } from './record-hardening-result.js';
import {
  HARDENING_SECRET,
  type ServerProcess,
  type ServerStats,
  startServerProcess,
} from './server-process.js';
import type { StreamTurnOutcome } from './stream-turn.js';
import { waitUntil } from './wait-until.js';

const REPLAY_TTL_MS = 2000;
/** Grace before an unwatched answer stops: short, so abandoned runs end within the test. */
const GRACE_MS = 300;

let dir: string;
let db: string;
let upstream: FakeUpstream;
let server: ServerProcess;
let load: LoadGenerator;
let random: () => number;

beforeAll(async () => {
  random = createSeededRandom(pickSeed('load'));
  dir = mkdtempSync(join(tmpdir(), 'schema-chat-load-'));
  db = join(dir, 'chat.db');
  upstream = await startFakeUpstream();
  load = await startLoadGenerator();
  server = await startServerProcess({
    db,
    upstreamUrl: upstream.url,
    router: {
      // Many users, each within the default cap of 3 concurrent answers; the per-minute limits
      // are raised because one test user sends far more turns than a person would.
      limits: { streamsPerMinute: 1_000_000, requestsPerMinute: 1_000_000 },
      timeouts: { disconnectGraceMs: GRACE_MS, replayTtlMs: REPLAY_TTL_MS, heartbeatMs: 5000 },
    },
  });
}, 60_000);
afterAll(async () => {
  if (server) {
    const stats = await server.stats().catch(() => undefined);
    expect(await server.stop('SIGTERM')).toBe(0);
    expect(stats?.unhandledRejections ?? 0).toBe(0);
    expect(stats?.uncaughtExceptions ?? 0).toBe(0);
  }
  await load?.stop();
  await upstream?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A stream of the load generator; every stream of this suite names its user. */
type UserStream = LoadStream & { user: string };

/** A stream of `user` asking `message` in a new conversation of the shop project. */
function turn(user: string, message: string): UserStream {
  return { user, fields: { projectId: 'shop', conversationId: randomUUID(), message } };
}

/** The question a stream asks. */
function messageOf(stream: LoadStream | undefined): string {
  return String(stream?.fields?.message);
}

/** `count` streams over users holding at most `perUser` each, with a fake-upstream directive. */
function streams(count: number, perUser: number, prefix: string, directive: string): UserStream[] {
  return Array.from({ length: count }, (_, i) =>
    turn(
      `${prefix}-user-${Math.floor(i / perUser)}`,
      `${prefix} stream ${i}: list the tables [[fake:${directive}]]`,
    ),
  );
}

/** Runs `job` through the load generator against the server's stream route. */
function runStreams(job: LoadStream[], options: Partial<LoadJob> = {}): Promise<LoadResult> {
  return load.run({
    url: `${server.baseUrl}/chat/stream`,
    secret: HARDENING_SECRET,
    streams: job,
    ...options,
  });
}

/** What is wrong with a stream that should have completed with `expected`. */
function completeProblems(outcome: StreamTurnOutcome, expected: string): string[] {
  const problems: string[] = [];
  if (outcome.status !== 200)
    problems.push(
      `HTTP ${outcome.status} ${outcome.errorBody?.error?.code ?? outcome.networkError ?? ''}`,
    );
  else if (outcome.terminal !== 'complete')
    problems.push(
      `ended ${outcome.terminal ?? outcome.closedBy} ${outcome.errorCode ?? outcome.networkError ?? ''}`,
    );
  if (outcome.terminalCount > 1) problems.push(`${outcome.terminalCount} terminal events`);
  if (outcome.idViolations > 0) problems.push(`${outcome.idViolations} event ids out of order`);
  if (outcome.status === 200 && outcome.text !== expected)
    problems.push('text differs (lost, repeated or reordered tokens)');
  return problems;
}

/** Compares each completed stream's text with its stored answer. */
function persistedProblems(outcomes: StreamTurnOutcome[]): string[] {
  const problems: string[] = [];
  const stored = readStoredMessages(
    db,
    outcomes.flatMap((outcome) => (outcome.conversationId ? [outcome.conversationId] : [])),
  );
  for (const outcome of outcomes) {
    if (outcome.terminal !== 'complete' || !outcome.conversationId) continue;
    const answers = (stored.get(outcome.conversationId) ?? []).filter(
      (row) => row.role === 'assistant',
    );
    if (answers.length !== 1)
      problems.push(`${outcome.conversationId}: ${answers.length} answers stored`);
    else if (answers[0]?.content !== outcome.text || answers[0]?.status !== 'complete') {
      problems.push(
        `${outcome.conversationId}: stored ${answers[0]?.status} text differs from the streamed text`,
      );
    }
  }
  return problems;
}

/** Waits until the server holds no running answer and no attached stream. */
async function serverIdle() {
  return waitUntil(
    'the server to hold no running answer and no attached stream',
    async () => {
      const stats = await server.stats();
      return stats.activeRuns === 0 && stats.attachedSinks === 0 ? stats : undefined;
    },
    20_000,
  );
}

describe('load', () => {
  it('200 concurrent streams × 100 tokens at 20 ms: no token lost, repeated or reordered; stored text = streamed text', async () => {
    const count = 200;
    const job = streams(count, 2, 'fast', 'tokens=100,interval=20');
    const before = await server.stats();
    const callsBefore = upstream.calls.count;
    const result = await runStreams(job);
    const after = await serverIdle();
    const expected = fakeText(100);
    const problems = result.streams.flatMap((outcome, i) =>
      completeProblems(outcome, expected).map((problem) => `stream ${i}: ${problem}`),
    );
    problems.push(...persistedProblems(result.streams));
    const calls = upstream.calls.count - callsBefore;
    if (calls !== count) problems.push(`${calls} upstream calls for ${count} streams`);
    const durations = result.streams.map((outcome) => outcome.durationMs);
    const firstBytes = result.streams.map((outcome) => outcome.headersMs ?? Number.NaN);
    const tokens = count * 100;
    recordHardeningResult({
      suite: 'load',
      check: '200 concurrent streams × 100 tokens @ 20 ms',
      tried: count,
      unit: 'streams',
      failures: problems.length,
      figures: {
        'stream p50 / p99 (ms, ideal 1980)': `${round(percentile(durations, 50), 0)} / ${round(percentile(durations, 99), 0)}`,
        'headers p50 (ms)': round(percentile(firstBytes, 50), 1),
        'server CPU per token (µs)': round(((after.cpuMs - before.cpuMs) * 1000) / tokens, 1),
      },
    });
    expect(problems.slice(0, 20)).toEqual([]);
  }, 60_000);

  const slowCount = 1000;
  /** How long all of them must be open together (at least). */
  const holdSec = scaled(5, 60);
  it(
    `${slowCount} slow streams held open together ${holdSec} s: none dropped`,
    async () => {
      // One token a second until a common end, however late each stream opened: opening 1,000
      // streams takes seconds on a busy machine (up to ~13 s seen on two shared cores), and every
      // one must still be open when the last opens, then for the whole hold.
      const endsAt = Date.now() + (holdSec + 25) * 1000;
      const tokensByMessage = new Map<string, number>();
      upstream.script((request) => {
        const message = String(
          (request.body.messages as Array<{ content: string }>).at(-1)?.content,
        );
        const tokens = Math.max(2, Math.round((endsAt - Date.now()) / 1000));
        tokensByMessage.set(message, tokens);
        return { kind: 'normal', tokens, intervalMs: 1000 };
      });
      const idle = await server.gcStats();
      const job = streams(slowCount, 2, 'slow', '').map((stream) =>
        turn(stream.user, messageOf(stream).replace(' [[fake:]]', '')),
      );
      let done = false;
      const running = runStreams(job, {
        rampMs: 2000,
        timeoutMs: (holdSec + 90) * 1000,
      }).finally(() => {
        done = true;
      });
      // Watch the server while they run: when were all of them open at once, and for how long.
      let allOpenSince: number | undefined;
      let allOpenMs = 0;
      let held: ServerStats | undefined;
      while (!done) {
        const stats = await server.stats();
        const now = performance.now();
        if (stats.attachedSinks === slowCount) {
          allOpenSince ??= now;
          allOpenMs = now - allOpenSince;
          held ??= stats;
        } else if (allOpenSince !== undefined) {
          break; // the first ones are finishing
        }
        await sleep(200);
      }
      const result = await running;
      upstream.script(() => ({ kind: 'normal' }));
      await serverIdle();
      const problems = result.streams.flatMap((outcome, i) =>
        completeProblems(outcome, fakeText(tokensByMessage.get(messageOf(job[i])) ?? -1)).map(
          (problem) => `stream ${i}: ${problem}`,
        ),
      );
      if (!held) problems.push(`the ${slowCount} streams were never all open at once`);
      else if (allOpenMs < holdSec * 1000) {
        problems.push(`all open together for ${round(allOpenMs / 1000)} s only`);
      }
      recordHardeningResult({
        suite: 'load',
        check: `${slowCount} slow streams held open`,
        tried: slowCount,
        unit: 'streams',
        failures: problems.length,
        figures: {
          'all open together (s)': round(allOpenMs / 1000, 1),
          'server RSS per open stream (KB)': held
            ? round((held.rssKb - idle.rssKb) / slowCount, 1)
            : 'n/a',
          'server fds while held': held?.fds ?? 'n/a',
        },
        note: isFullRun
          ? undefined
          : `held together ≥ ${holdSec} s in npm test; ≥ 60 s under npm run test:hardening`,
      });
      expect(problems.slice(0, 20)).toEqual([]);
    },
    (holdSec + 150) * 1000,
  );

  it('500 clients leaving at random while 200 stream: the 200 complete; counters and the stream cap return to zero', async () => {
    const staying = streams(200, 2, 'stay', 'tokens=100,interval=20');
    const leaving = streams(500, 2, 'leave', 'tokens=100,interval=20').map((stream) => ({
      ...stream,
      abortAfterMs: Math.floor(random() * 2200),
    }));
    // Interleaved, so leavers and stayers share the same moments.
    const job = staying.flatMap((stream, i) => [stream, ...leaving.slice(i * 2.5, (i + 1) * 2.5)]);
    const result = await runStreams(job);
    const stayed = result.streams.filter((_, i) => job[i]?.abortAfterMs === undefined);
    const left = result.streams.filter((_, i) => job[i]?.abortAfterMs !== undefined);
    const expected = fakeText(100);
    const problems = stayed.flatMap((outcome, i) =>
      completeProblems(outcome, expected).map((problem) => `staying stream ${i}: ${problem}`),
    );
    problems.push(...persistedProblems(stayed));
    for (const outcome of left) {
      if (outcome.status >= 500) problems.push(`a leaving client got HTTP ${outcome.status}`);
      if (outcome.idViolations > 0) problems.push('a leaving client saw event ids out of order');
    }

    // Every abandoned answer stops after the grace period: no run, no sink, no upstream request.
    const idle = await serverIdle();
    await waitUntil('every upstream request to end', () => upstream.calls.open === 0, 10_000);
    const state = checkStoredState(db);
    if (state.streaming > 0) problems.push(`${state.streaming} answers still streaming`);
    // Each accepted question is stored, its answer settled with a prefix of the real text.
    const storedLeft = readStoredMessages(
      db,
      left.flatMap((outcome) => (outcome.conversationId ? [outcome.conversationId] : [])),
    );
    for (const outcome of left) {
      if (!outcome.conversationId) continue;
      const rows = storedLeft.get(outcome.conversationId) ?? [];
      const answer = rows.find((row) => row.role === 'assistant');
      if (rows[0]?.role !== 'user')
        problems.push(`${outcome.conversationId}: the question is missing`);
      if (!answer || !['complete', 'interrupted', 'failed'].includes(answer.status)) {
        problems.push(`${outcome.conversationId}: answer ${answer?.status ?? 'missing'}`);
      } else if (!expected.startsWith(answer.content) || !answer.content.startsWith(outcome.text)) {
        problems.push(
          `${outcome.conversationId}: the stored answer does not continue the streamed text`,
        );
      }
    }
    // The cap is back to zero: each leaving user can again open its full 3 concurrent answers.
    const sampleUsers = [...new Set(leaving.map((stream) => stream.user))].slice(0, 50);
    const capJob = sampleUsers.flatMap((user) =>
      Array.from({ length: 3 }, (_, i) =>
        turn(user, `cap check ${i} [[fake:tokens=20,interval=20]]`),
      ),
    );
    const cap = await runStreams(capJob);
    const refused = cap.streams.filter((outcome) => outcome.status !== 200);
    if (refused.length > 0) {
      problems.push(
        `${refused.length} of ${capJob.length} cap-check streams refused (${refused[0]?.errorBody?.error?.code})`,
      );
    }
    await serverIdle();
    recordHardeningResult({
      suite: 'load',
      check: '500 random disconnects among 200 streams',
      tried: job.length,
      unit: 'streams',
      failures: problems.length,
      figures: {
        'left before the end': left.filter((outcome) => outcome.closedBy === 'aborted').length,
        'survivors complete': stayed.filter((outcome) => outcome.terminal === 'complete').length,
        'runs / sinks after': `${idle.activeRuns} / ${idle.attachedSinks}`,
        'cap check (3 per user)': `${cap.streams.length - refused.length}/${capJob.length} accepted`,
      },
    });
    expect(problems.slice(0, 20)).toEqual([]);
  }, 90_000);

  const rounds = scaled(3, 10);
  it(
    `${rounds} rounds of streams and disconnects: server RSS and descriptors return to baseline (≤ 10 % growth)`,
    async () => {
      const oneRound = async (label: string) => {
        const job = [
          ...streams(100, 2, `${label}-stay`, 'tokens=50,interval=10'),
          ...streams(100, 2, `${label}-leave`, 'tokens=50,interval=10').map((stream) => ({
            ...stream,
            abortAfterMs: Math.floor(random() * 600),
          })),
        ];
        const result = await runStreams(job, { omitText: true });
        await serverIdle();
        // Finished runs stay replayable for the replay TTL; after it, memory must be back.
        await sleep(REPLAY_TTL_MS + 300);
        await waitUntil(
          'finished runs to leave memory',
          async () => (await server.stats()).heldRuns === 0,
        );
        return { result, stats: await server.gcStats() };
      };
      await oneRound('warm-up');
      const baseline = await server.gcStats();
      const samples: number[] = [];
      const fdSamples: number[] = [];
      let failedStreams = 0;
      for (let r = 0; r < rounds; r++) {
        const { result, stats } = await oneRound(`round-${r}`);
        samples.push(stats.rssKb);
        fdSamples.push(stats.fds);
        failedStreams += result.streams.filter(
          (outcome) => outcome.status >= 500 || outcome.idViolations > 0,
        ).length;
      }
      const final = samples.at(-1) as number;
      const rssGrowth = final / baseline.rssKb - 1;
      const fdGrowth = (fdSamples.at(-1) as number) / baseline.fds - 1;
      const problems: string[] = [];
      if (rssGrowth > 0.1) problems.push(`RSS grew ${round(rssGrowth * 100)} %`);
      if (fdGrowth > 0.1) problems.push(`descriptors grew ${round(fdGrowth * 100)} %`);
      if (failedStreams > 0) problems.push(`${failedStreams} streams failed`);
      recordHardeningResult({
        suite: 'load',
        check: 'leak check: rounds of 100 streams + 100 disconnects',
        tried: rounds,
        unit: 'rounds',
        failures: problems.length,
        figures: {
          'RSS baseline → final (MB)': `${round(baseline.rssKb / 1024)} → ${round(final / 1024)}`,
          'RSS growth (%)': round(rssGrowth * 100),
          'RSS max (MB)': round(Math.max(...samples) / 1024),
          'fds baseline → final': `${baseline.fds} → ${fdSamples.at(-1)}`,
        },
      });
      expect(problems).toEqual([]);
    },
    scaled(120_000, 300_000),
  );
});
