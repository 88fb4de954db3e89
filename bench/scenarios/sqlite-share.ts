// S12: SQLite time per turn against the server CPU of that turn. Realistic 500-token answers, 50
// at once, through the full router; the upstream sends them at 250 tokens/s so a round takes
// seconds. The answer is markdown with SQL on the project's tables, so the check of its SQL at
// the end of the turn is part of the turn's CPU. SQLite time is the CPU of every statement and
// transaction the store runs, timed inside the server.
// Plain erasable TypeScript: Node runs it directly (type stripping).

import { median } from '../../test/helpers/statistics.ts';
import type { BenchContext, ResultRow } from '../lib/bench-context.ts';
import type { BenchProcess } from '../lib/bench-process.ts';
import { startSchemaChat, startUpstream, stopAll } from '../lib/bench-servers.ts';
import type { LoadJob } from '../load/load-job.ts';
import { startLoadGenerator } from '../load/start-load-generator.ts';
import { benchAnswer } from '../servers/bench-project.ts';

const STREAMS = 50;
const TOKENS = 500;
const INTERVAL_MS = 4;

/** What the server counts about SQLite (bench/servers/schema-chat-server.ts). */
interface SqliteCounters {
  calls: number;
  cpuUs: number;
  wallMs: number;
}

/** Runs S12. */
export async function benchSqliteShare(ctx: BenchContext): Promise<ResultRow[]> {
  const processes: BenchProcess[] = [];
  try {
    const answer = benchAnswer(TOKENS);
    const blocks = answer.match(/```sql/g)?.length ?? 0;
    const upstream = await startUpstream({ text: answer, intervalMs: INTERVAL_MS });
    processes.push(upstream);
    const load = await startLoadGenerator();
    processes.push(load.process);
    const server = await startSchemaChat(
      ctx,
      upstream.ready.url as string,
      {},
      { sqliteTiming: true },
    );
    processes.push(server.process);
    const message = "Explain the orders schema and write a query for a customer's last orders.";
    const job = (tag: string, streams: number): LoadJob => ({
      url: server.url,
      format: server.format,
      streams,
      fields: { projectId: 'shop', message },
      secret: ctx.secret,
      userPrefix: `s12-${tag}-${Math.random().toString(36).slice(2, 8)}`,
      rampMs: 200,
      expectText: answer,
      omitText: true,
    });
    ctx.log('S12 warm-up');
    await load.run(job('warm', 10));

    const sqlitePerTurn: number[] = [];
    const cpuPerTurn: number[] = [];
    const shares: number[] = [];
    let callsPerTurn = Number.NaN;
    for (let round = 0; round < ctx.rounds; round++) {
      ctx.log(`S12 round ${round + 1}/${ctx.rounds}`);
      const before = await server.process.stats();
      const result = await load.run(job(`r${round}`, STREAMS));
      const after = await server.process.stats();
      const failed = result.streams.filter((stream) => !stream.ok);
      if (failed.length > 0) {
        throw new Error(`S12: ${failed.length} streams failed (first: ${failed[0]?.error}).`);
      }
      const sqliteBefore = before.extra.sqlite as SqliteCounters;
      const sqliteAfter = after.extra.sqlite as SqliteCounters;
      const sqlite = (sqliteAfter.cpuUs - sqliteBefore.cpuUs) / STREAMS;
      const cpu = (after.cpuUs - before.cpuUs) / STREAMS;
      callsPerTurn = (sqliteAfter.calls - sqliteBefore.calls) / STREAMS;
      sqlitePerTurn.push(sqlite);
      cpuPerTurn.push(cpu);
      shares.push(sqlite / cpu);
    }
    const share = median(shares);
    return [
      {
        id: 'S12',
        metric: `SQLite CPU per turn (${TOKENS}-token answers with SQL, ${STREAMS} at once)`,
        ours: { value: median(sqlitePerTurn), unit: 'µs' },
        reference: {
          name: "the turn's server CPU",
          figure: { value: median(cpuPerTurn) / 1000, unit: 'ms' },
        },
        comparison: { kind: 'ratio', value: share },
        target: '≤ 0.02× (2 %)',
        pass: share <= 0.02,
        note: `SQLite CPU: every statement and transaction of the store, timed on the server's main thread (${callsPerTurn.toFixed(1)} calls per turn: the question and the answer placeholder in one transaction, each answer's checkpoint about once a second, those due together in one transaction, the final save). The turn's server CPU is the whole process's CPU per turn (request, auth, context, streaming ${TOKENS} tokens, the check of the answer's ${blocks} SQL blocks against the schema when it ends, saves); the answer is markdown with SQL on the project's tables. Median of ${ctx.rounds} rounds of the per-round ratio.`,
      },
    ];
  } finally {
    await stopAll(processes);
  }
}
