// S13: several instances on one Redis and one Postgres. (a) Server CPU per relayed token with the
// Redis run registry (every flush also appended to the run's Redis Stream, the request limit in
// Redis) against the in-memory registry, both on the same Postgres store, as S1 measures it; (b) a
// client whose connection to the owning instance broke resumes on the other one (same
// Idempotency-Key, Last-Event-ID): the time from its request to the first replayed event, against
// the same resume on the owner. Redis and Postgres are throwaway servers started for the run.
// Plain erasable TypeScript: Node runs it directly (type stripping).

import { randomUUID } from 'node:crypto';
import { openEventStream } from '../../test/helpers/open-event-stream.ts';
import { startPostgres, type TestPostgres } from '../../test/helpers/start-postgres.ts';
import { startRedis, type TestRedis } from '../../test/helpers/start-redis.ts';
import { median, percentile } from '../../test/helpers/statistics.ts';
import type { BenchContext, ResultRow } from '../lib/bench-context.ts';
import type { BenchProcess } from '../lib/bench-process.ts';
import {
  type StreamServer,
  startSchemaChat,
  startUpstream,
  stopAll,
} from '../lib/bench-servers.ts';
import { signUserToken } from '../load/load-job.ts';
import { startLoadGenerator } from '../load/start-load-generator.ts';
import { FULL_RELAY_SIZES, QUICK_RELAY_SIZES, type RunFigures, runOnce } from './relay-cost.ts';

/** Resumes measured per round and side. */
const RESUMES_FULL = 20;
const RESUMES_QUICK = 6;

/** Runs S13. */
export async function benchSeveralInstances(ctx: BenchContext): Promise<ResultRow[]> {
  const sizes = ctx.quick
    ? { ...QUICK_RELAY_SIZES, streams: 60, tokens: 80, windowMs: 500 }
    : { ...FULL_RELAY_SIZES, streams: 100, tokens: 400, windowMs: 4000 };
  const processes: BenchProcess[] = [];
  let redis: TestRedis | undefined;
  let postgres: TestPostgres | undefined;
  try {
    ctx.log('S13: starting Redis and Postgres');
    [redis, postgres] = await Promise.all([startRedis(), startPostgres()]);
    const upstream = await startUpstream();
    processes.push(upstream);
    const upstreamUrl = upstream.ready.url as string;
    const load = await startLoadGenerator();
    processes.push(load.process);
    const databaseUrl = postgres.url;
    const memory = await startSchemaChat(ctx, upstreamUrl, {}, { databaseUrl });
    processes.push(memory.process);
    const owner = await startSchemaChat(ctx, upstreamUrl, {}, { databaseUrl, redisUrl: redis.url });
    processes.push(owner.process);
    const other = await startSchemaChat(ctx, upstreamUrl, {}, { databaseUrl, redisUrl: redis.url });
    processes.push(other.process);

    const systems: Array<['memory' | 'redis', StreamServer]> = [
      ['memory', memory],
      ['redis', owner],
    ];
    for (const [name, server] of systems) {
      ctx.log(`S13 warm-up: ${name} registry`);
      await runOnce(ctx, load, server, { ...sizes, streams: 30, tokens: 40, windowMs: 0 }, 'warm');
    }
    await resumeOnce(ctx, owner, other);

    const figures: Record<'memory' | 'redis', RunFigures[]> = { memory: [], redis: [] };
    const resumes: Record<'elsewhere' | 'owner', number[]> = { elsewhere: [], owner: [] };
    const resumeP50: Record<'elsewhere' | 'owner', number[]> = { elsewhere: [], owner: [] };
    const count = ctx.quick ? RESUMES_QUICK : RESUMES_FULL;
    for (let round = 0; round < ctx.rounds; round++) {
      const order = round % 2 === 0 ? systems : [...systems].reverse();
      for (const [name, server] of order) {
        ctx.log(`S13 round ${round + 1}/${ctx.rounds}: CPU per token, ${name} registry`);
        figures[name].push(await runOnce(ctx, load, server, sizes, `s13-${name}-r${round}`));
      }
      ctx.log(`S13 round ${round + 1}/${ctx.rounds}: resumes`);
      const times: Record<'elsewhere' | 'owner', number[]> = { elsewhere: [], owner: [] };
      for (let i = 0; i < count; i++) {
        // Alternating which side goes first, so a burst of background load hits both.
        const sides: Array<'elsewhere' | 'owner'> =
          i % 2 === 0 ? ['elsewhere', 'owner'] : ['owner', 'elsewhere'];
        for (const side of sides) {
          times[side].push(await resumeOnce(ctx, owner, side === 'elsewhere' ? other : owner));
        }
      }
      for (const side of ['elsewhere', 'owner'] as const) {
        resumes[side].push(...times[side]);
        resumeP50[side].push(percentile(times[side], 50));
      }
    }

    const cpu = (runs: RunFigures[]) => median(runs.map((run) => run.steadyCpuUs));
    const ratio = median(
      figures.redis.map(
        (run, i) => run.steadyCpuUs / (figures.memory[i]?.steadyCpuUs ?? Number.NaN),
      ),
    );
    const elsewhere = median(resumeP50.elsewhere);
    const shape = `${sizes.streams} streams × ${1000 / sizes.intervalMs} tok/s, ${sizes.tokens}-token answers`;
    return [
      {
        id: 'S13a',
        metric: `server CPU per relayed token with the Redis run registry (${shape})`,
        ours: { value: cpu(figures.redis), unit: 'µs' },
        reference: {
          name: 'in-memory run registry',
          figure: { value: cpu(figures.memory), unit: 'µs' },
        },
        comparison: { kind: 'ratio', value: ratio },
        target: '≤ 1.25×',
        pass: ratio <= 1.25,
        note: `Both on the same Postgres store, measured as S1a (the server's CPU over a window while every stream is mid-answer, per token the clients received); with the Redis registry every coalesced flush is also appended to the run's Redis Stream (never awaited in the model loop) and the request limit is counted in Redis. Redis's own CPU is not in the figure. Median of ${ctx.rounds} interleaved rounds; the ratio is the median of the per-round ratios.`,
      },
      {
        id: 'S13b',
        metric: 'resume on the other instance: time to the first replayed event, p50',
        ours: { value: elsewhere, unit: 'ms', digits: 2 },
        reference: {
          name: 'the same resume on the owner',
          figure: { value: median(resumeP50.owner), unit: 'ms', digits: 2 },
        },
        comparison: { kind: 'absolute', value: elsewhere, unit: 'ms' },
        target: '≤ 5 ms',
        pass: elsewhere <= 5,
        note: `A client reads the first tokens of an answer from the instance that generates it, its connection breaks, and it resumes (same Idempotency-Key, Last-Event-ID) on the other instance, which finds the run in Redis and replays the run's stream from that id before following it live; the figure is from sending the resume to reading its first token event, on a fresh connection, ${count} resumes per round and side, alternating with the same resume on the owner itself. p90 on the other instance: ${percentile(resumes.elsewhere, 90).toFixed(2)} ms. Median of the per-round p50s (${ctx.rounds} rounds).`,
      },
    ];
  } finally {
    await stopAll(processes);
    await Promise.all([redis?.close(), postgres?.close()]);
  }
}

/**
 * One resume: a turn on `owner` read for its first tokens, then its connection closed, then the
 * same turn resumed on `target` from the last event id the client had, a little later (so there is
 * text to replay). Resolves with the resume's time to its first token event, ms.
 */
async function resumeOnce(
  ctx: BenchContext,
  owner: StreamServer,
  target: StreamServer,
): Promise<number> {
  const user = `s13-${randomUUID()}`;
  const token = signUserToken(ctx.secret, user);
  const key = randomUUID();
  const fields = {
    projectId: 'shop',
    message: '[[fake:tokens=60,interval=10]] Which tables reference customers?',
  };
  const first = openEventStream(
    { url: owner.url, fields, token, headers: { 'Idempotency-Key': key } },
    { keepText: false, abortAfterEvents: 4, timeoutMs: 30_000 },
  );
  const seen = await first.done;
  if (!seen.lastEventId || seen.textEvents === 0) {
    throw new Error(
      `S13: the first part of a resumed turn failed (${seen.closedBy}, ${seen.status}).`,
    );
  }
  await new Promise((resolve) => setTimeout(resolve, 60));
  const text = Promise.withResolvers<number>();
  const resumed = openEventStream(
    {
      url: target.url,
      fields,
      token,
      headers: { 'Idempotency-Key': key, 'Last-Event-ID': seen.lastEventId },
    },
    {
      keepText: false,
      resumed: true,
      timeoutMs: 30_000,
      onContent: (_content, atMs) => text.resolve(atMs),
    },
  );
  const firstText = await Promise.race([text.promise, resumed.done.then(() => undefined)]);
  // The rest of the answer is not needed: leave (the run ends on its own, within a second).
  resumed.close();
  if (firstText === undefined) {
    const outcome = await resumed.done;
    throw new Error(
      `S13: a resume on ${target === owner ? 'the owner' : 'the other instance'} got no text (status ${outcome.status}, ${outcome.errorCode ?? outcome.closedBy}).`,
    );
  }
  return firstText;
}
