// Crash safety: the server process is SIGKILLed at a random moment while 50 turns stream, then
// restarted on the same SQLite file, round after round. After every restart the database must be
// intact, hold every question the server accepted (exactly once), hold no turn still `streaming`,
// and mark the turns the crash cut as interrupted, their partial text a prefix of the answer.

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSeededRandom } from '../../sdk/test-helpers/seeded-random.js';
import { type FakeUpstream, fakeText, startFakeUpstream } from '../fake-upstream/fake-upstream.js';
import { pickSeed, scaled } from './hardening-mode.js';
import { recordHardeningResult } from './record-hardening-result.js';
import { mintToken, type ServerProcess, startServerProcess } from './server-process.js';
import { type StreamTurnOutcome, streamTurn } from './stream-turn.js';

const ROUNDS = scaled(5, 20);
const STREAMS = 50;
/** The longest answer the upstream gives; every answer is a prefix of this text. */
const MAX_TOKENS = 80;

/** Tokens of the answer to a question: fixed per question, so the test knows the full text. */
const tokensFor = (question: string) => {
  let hash = 0;
  for (const char of question) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return 20 + (hash % (MAX_TOKENS - 19));
};

interface SentTurn {
  round: number;
  user: string;
  conversationId: string;
  question: string;
  key: string;
  outcome: StreamTurnOutcome;
}

interface MessageRow {
  seq: number;
  conversation_id: string;
  user_id: string;
  role: string;
  content: string;
  status: string;
  finish_reason: string | null;
}

let dir: string;
let upstream: FakeUpstream;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'schema-chat-crash-'));
  upstream = await startFakeUpstream();
  upstream.script((request) => {
    const messages = request.body.messages as Array<{ role: string; content: string }>;
    const question = messages.at(-1)?.content ?? '';
    return { kind: 'normal', tokens: tokensFor(question), intervalMs: 12 };
  });
});
afterAll(async () => {
  await upstream?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('crash safety', () => {
  it(
    `keeps every accepted turn through a SIGKILL during ${STREAMS} streams, ${ROUNDS} rounds`,
    async () => {
      const random = createSeededRandom(pickSeed('crash-safety'));
      const db = join(dir, 'chat.db');
      const router = {
        limits: { streamsPerMinute: 100_000, requestsPerMinute: 100_000 },
        // Frequent checkpoints, so a crash finds partial text to keep.
        timeouts: { checkpointMs: 40 },
      };
      const users = Array.from({ length: STREAMS }, (_, i) => ({
        id: `crash-user-${i}`,
        conversationId: randomUUID(),
      }));
      const sent: SentTurn[] = [];
      const problems: string[] = [];
      const killTimes: number[] = [];
      let controlHits = 0;
      let server: ServerProcess = await startServerProcess({
        db,
        upstreamUrl: upstream.url,
        router,
      });

      for (let round = 0; round < ROUNDS; round++) {
        const turns = users.map(async (user, i): Promise<SentTurn> => {
          const question = `round ${round}, question ${i}: which tables hold orders?`;
          const key = randomUUID();
          const outcome = await streamTurn({
            baseUrl: server.baseUrl,
            token: mintToken(user.id),
            projectId: 'shop',
            message: question,
            conversationId: user.conversationId,
            idempotencyKey: key,
            timeoutMs: 30_000,
          });
          return {
            round,
            user: user.id,
            conversationId: user.conversationId,
            question,
            key,
            outcome,
          };
        });
        // Anywhere from before the first question is saved to after the last answer is done.
        const killAt = Math.floor(random() * 1100);
        killTimes.push(killAt);
        await sleep(killAt);
        expect(await server.stop('SIGKILL')).toBeNull();
        const results = await Promise.all(turns);
        sent.push(...results);
        for (const turn of results) {
          // A crash may cut a turn anywhere, but never turn it into a server error or a 409 (which
          // would mean the previous round's turn was left streaming).
          if (turn.outcome.status !== 0 && turn.outcome.status !== 200) {
            problems.push(`round ${round}: ${turn.user} got HTTP ${turn.outcome.status}`);
          }
          if (turn.outcome.terminalCount > 1 || turn.outcome.idViolations > 0) {
            problems.push(`round ${round}: ${turn.user} saw a malformed stream`);
          }
        }

        // Control: before the restart's recovery, a cut turn is still `streaming` on disk, and
        // the check must say so (a check that cannot fail proves nothing).
        const cutNow = results.some(
          (turn) => turn.outcome.status === 200 && !turn.outcome.terminal,
        );
        if (cutNow) {
          const before = checkDatabase(db, sent);
          if (before.some((problem) => problem.includes('still streaming'))) controlHits++;
          else
            problems.push(`round ${round}: the check missed turns left streaming before recovery`);
        }

        server = await startServerProcess({ db, upstreamUrl: upstream.url, router });
        problems.push(...checkDatabase(db, sent));
      }

      const stats = await server.stats();
      expect(await server.stop('SIGTERM')).toBe(0);
      problems.push(...checkDatabase(db, sent));
      if (stats.unhandledRejections + stats.uncaughtExceptions > 0) {
        problems.push(`the last server saw ${stats.recentErrors.join(' | ')}`);
      }

      const accepted = sent.filter((turn) => turn.outcome.status === 200);
      const completed = accepted.filter((turn) => turn.outcome.terminal === 'complete');
      const cut = accepted.length - completed.length;
      recordHardeningResult({
        suite: 'crash-safety',
        check: `SIGKILL during ${STREAMS} streams, restart, check the database`,
        tried: ROUNDS,
        unit: 'rounds',
        failures: problems.length,
        figures: {
          turns: sent.length,
          accepted: accepted.length,
          'completed before a kill': completed.length,
          'cut by a kill': cut,
          'kill at (ms)': `${Math.min(...killTimes)}–${Math.max(...killTimes)}`,
          'controls (streaming rows seen before recovery)': controlHits,
        },
      });
      expect(problems).toEqual([]);
      // The kills landed both mid-stream and around the edges, or the rounds proved little.
      expect(cut).toBeGreaterThan(0);
    },
    scaled(120_000, 400_000),
  );

  it(`ends every running answer cleanly on SIGTERM during ${STREAMS} streams: one terminal event each, nothing left streaming, exit 0`, async () => {
    const db = join(dir, 'sigterm.db');
    const server = await startServerProcess({
      db,
      upstreamUrl: upstream.url,
      router: { limits: { streamsPerMinute: 100_000, requestsPerMinute: 100_000 } },
    });
    const turns = Array.from({ length: STREAMS }, async (_, i): Promise<SentTurn> => {
      const user = `term-user-${i}`;
      const question = `sigterm question ${i}: which tables hold orders?`;
      const key = randomUUID();
      const conversationId = randomUUID();
      const outcome = await streamTurn({
        baseUrl: server.baseUrl,
        token: mintToken(user),
        projectId: 'shop',
        message: question,
        conversationId,
        idempotencyKey: key,
        timeoutMs: 30_000,
      });
      return { round: 0, user, conversationId, question, key, outcome };
    });
    await sleep(400);
    expect(await server.stop('SIGTERM')).toBe(0);
    const sent = await Promise.all(turns);
    const problems: string[] = [];
    for (const turn of sent) {
      const { outcome } = turn;
      if (outcome.status !== 200) continue; // arrived after the server stopped accepting
      if (outcome.terminalCount !== 1 || outcome.closedBy !== 'end') {
        problems.push(
          `${turn.user}: ended ${outcome.closedBy} with ${outcome.terminalCount} terminal events`,
        );
      }
      if (outcome.terminal === 'error' && outcome.errorCode !== 'GENERATION_INTERRUPTED') {
        problems.push(`${turn.user}: error ${outcome.errorCode}`);
      }
    }
    // No restart: a clean shutdown leaves nothing for recovery to do.
    problems.push(...checkDatabase(db, sent));
    const cut = sent.filter((turn) => turn.outcome.terminal === 'error').length;
    recordHardeningResult({
      suite: 'crash-safety',
      check: `SIGTERM during ${STREAMS} streams`,
      tried: STREAMS,
      unit: 'streams',
      failures: problems.length,
      figures: {
        'ended as interrupted': cut,
        completed: sent.filter((t) => t.outcome.terminal === 'complete').length,
      },
    });
    expect(problems).toEqual([]);
    expect(cut).toBeGreaterThan(0);
  }, 60_000);
});

/** Checks the file after a restart against every turn sent so far; returns what is wrong. */
function checkDatabase(path: string, sent: SentTurn[]): string[] {
  const problems: string[] = [];
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const integrity = db.pragma('integrity_check', { simple: true });
    if (integrity !== 'ok') problems.push(`integrity_check: ${String(integrity)}`);
    const foreign = db.pragma('foreign_key_check') as unknown[];
    if (foreign.length > 0) problems.push(`foreign_key_check: ${foreign.length} rows`);
    const streaming = db
      .prepare(`SELECT count(*) AS n FROM messages WHERE status = 'streaming'`)
      .get() as {
      n: number;
    };
    if (streaming.n > 0) problems.push(`${streaming.n} messages still streaming after the restart`);

    const byKey = db.prepare(
      `SELECT * FROM messages WHERE user_id = ? AND idempotency_key = ? ORDER BY seq`,
    );
    const byContent = db.prepare(
      `SELECT count(*) AS n FROM messages WHERE role = 'user' AND content = ?`,
    );
    const full = fakeText(MAX_TOKENS);
    for (const turn of sent) {
      const where = `round ${turn.round} ${turn.user}`;
      const rows = byKey.all(turn.user, turn.key) as MessageRow[];
      const question = rows.find((row) => row.role === 'user');
      const answer = rows.find((row) => row.role === 'assistant');
      const copies = (byContent.get(turn.question) as { n: number }).n;
      if (copies > 1) problems.push(`${where}: the question is stored ${copies} times`);
      if (turn.outcome.status === 200 && !question) {
        problems.push(`${where}: an accepted question is missing`);
        continue;
      }
      if (!question) continue; // killed before the server saved it: nothing to keep
      if (!answer) {
        problems.push(`${where}: the question has no answer row`);
        continue;
      }
      if (question.content !== turn.question || question.conversation_id !== turn.conversationId) {
        problems.push(`${where}: the question is stored altered or in another conversation`);
      }
      const expected = fakeText(tokensFor(turn.question));
      if (turn.outcome.terminal === 'complete') {
        if (
          answer.status !== 'complete' ||
          answer.content !== turn.outcome.text ||
          answer.content !== expected
        ) {
          problems.push(`${where}: a completed answer is stored as ${answer.status}, altered`);
        }
      } else if (answer.status === 'complete') {
        // Saved as complete just before the kill, the client not told yet: it must be whole.
        if (answer.content !== expected)
          problems.push(`${where}: complete but not the whole answer`);
      } else {
        const marked =
          (answer.status === 'interrupted' && answer.content.length > 0) ||
          (answer.status === 'failed' && answer.content === '');
        if (!marked || answer.finish_reason !== 'interrupted') {
          problems.push(`${where}: a cut answer is ${answer.status}/${answer.finish_reason}`);
        }
        if (!full.startsWith(answer.content) || !expected.startsWith(answer.content)) {
          problems.push(`${where}: the partial answer is not a prefix of the answer`);
        }
      }
    }
  } finally {
    db.close();
  }
  return problems;
}
