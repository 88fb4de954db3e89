// S4: memory per idle open stream. Hundreds of streams held open with nothing flowing: through
// schema-chat, each is a real turn whose answer has not started yet (the upstream delays its
// first token: request, run, SQLite rows, upstream connection all live); against a hand-written
// node:http relay holding the same two connections. Each round starts both servers fresh, warms
// them up, reads RSS after a full GC, opens the streams, reads RSS after a full GC again, and
// divides.
// Plain erasable TypeScript: Node runs it directly (type stripping).

import { median } from '../../test/helpers/statistics.ts';
import type { BenchContext, ResultRow } from '../lib/bench-context.ts';
import type { BenchProcess } from '../lib/bench-process.ts';
import {
  type StreamServer,
  startReference,
  startSchemaChat,
  startUpstream,
  stopAll,
} from '../lib/bench-servers.ts';
import type { LoadJob } from '../load/load-job.ts';
import { type LoadGenerator, startLoadGenerator } from '../load/start-load-generator.ts';

/** How long the fake upstream waits before the first token: longer than any measurement. */
const FIRST_TOKEN_DELAY_MS = 25_000;

/** Runs S4. */
export async function benchIdleMemory(ctx: BenchContext): Promise<ResultRow[]> {
  const streams = ctx.quick ? 120 : 400;
  const shared: BenchProcess[] = [];
  try {
    const upstream = await startUpstream();
    shared.push(upstream);
    const load = await startLoadGenerator();
    shared.push(load.process);
    const upstreamUrl = upstream.ready.url as string;

    // The same relay on Express is context, not the reference: what an Express app holds per open
    // stream before any middleware of its own, the floor of anything mounted in one.
    type Side = 'ours' | 'relay' | 'express';
    const perStream: Record<Side, number[]> = { ours: [], relay: [], express: [] };
    const heapPerStream: Record<Side, number[]> = { ours: [], relay: [], express: [] };
    const baselines: Record<Side, number[]> = { ours: [], relay: [], express: [] };
    const order: Side[] = ['ours', 'relay', 'express'];
    for (let round = 0; round < ctx.rounds; round++) {
      for (let i = 0; i < order.length; i++) {
        const side = order[(round + i) % order.length] as Side;
        // The Express relay is context only: in a quick run, measured in the first round alone.
        if (side === 'express' && ctx.quick && round > 0) continue;
        ctx.log(`S4 round ${round + 1}/${ctx.rounds}: ${side}`);
        const server =
          side === 'ours'
            ? await startSchemaChat(ctx, upstreamUrl)
            : await startReference(
                side === 'relay' ? 'hand-written-relay' : 'express-relay',
                upstreamUrl,
              );
        try {
          const { baselineKb, kbPerStream, heapKbPerStream } = await measure(
            ctx,
            load,
            server,
            streams,
            `${round}`,
          );
          perStream[side].push(kbPerStream);
          heapPerStream[side].push(heapKbPerStream);
          baselines[side].push(baselineKb);
        } finally {
          await load.release().catch(() => {});
          await server.process.stop();
        }
      }
    }
    const ratio = median(
      perStream.ours.map((ours, i) => ours / (perStream.relay[i] ?? Number.NaN)),
    );
    return [
      {
        id: 'S4',
        metric: `memory per idle open stream (${Math.floor(streams / 2)} + ${streams} held open)`,
        ours: { value: median(perStream.ours), unit: 'KiB' },
        reference: {
          name: 'hand-written node:http relay',
          figure: { value: median(perStream.relay), unit: 'KiB' },
        },
        comparison: { kind: 'ratio', value: ratio },
        target: '≤ 1.2×',
        pass: ratio <= 1.2,
        note: `Each round on freshly started servers: 10 warm-up turns, then ${Math.floor(streams / 2)} idle streams opened and RSS read after a full GC (${median(baselines.ours).toFixed(0)} KiB for schema-chat, ${median(baselines.relay).toFixed(0)} KiB for the relay), then ${streams} more and RSS read again: the figure is the growth divided by ${streams}, i.e. what each further open stream costs (of which V8 heap: ${median(heapPerStream.ours).toFixed(1)} KiB for schema-chat, ${median(heapPerStream.relay).toFixed(1)} KiB for the relay). Both hold the same two connections per stream: the client's SSE response and its own HTTP connection to the model, whose first token has not come yet; a schema-chat stream is also a whole turn (JWT user, run, saved rows, timers). For context, the same relay served by an Express app (a mounted router, express.json()) costs ${median(perStream.express).toFixed(1)} KiB per stream (${(median(perStream.express) / median(perStream.relay)).toFixed(2)}× the relay, ${median(heapPerStream.express).toFixed(1)} KiB of heap): what any middleware mounted in Express starts from; schema-chat is ${(median(perStream.ours) / median(perStream.express)).toFixed(2)}× that (ratios of the medians). Median of ${ctx.rounds} rounds; the ratio is the median of the per-round ratios.`,
      },
    ];
  } finally {
    await stopAll(shared);
  }
}

async function measure(
  ctx: BenchContext,
  load: LoadGenerator,
  server: StreamServer,
  streams: number,
  tag: string,
): Promise<{ baselineKb: number; kbPerStream: number; heapKbPerStream: number }> {
  const job = (count: number, message: string, prefix: string): LoadJob => ({
    url: server.url,
    format: server.format,
    streams: count,
    fields: { projectId: 'shop', message },
    userPrefix: `s4-${tag}-${prefix}-${Math.random().toString(36).slice(2, 8)}`,
    rampMs: 500,
    ...(server.needsToken ? { secret: ctx.secret } : {}),
  });
  const idle = `[[fake:first-token-delay=${FIRST_TOKEN_DELAY_MS},tokens=1]] idle`;
  const hold = async (count: number, prefix: string) => {
    const held = await load.hold(job(count, idle, prefix));
    if (held.failed.length > 0) {
      throw new Error(
        `S4: ${held.failed.length} of ${count} idle streams through ${server.process.name} failed (first: ${held.failed[0]}).`,
      );
    }
  };
  // Warm-up: a few whole turns, so that the code paths of a stream are loaded and compiled.
  const first = Math.floor(streams / 2);
  if (server.needsToken) {
    const warm = await load.run(job(10, '[[fake:tokens=20]] warm up', 'warm'));
    if (warm.streams.some((stream) => !stream.ok)) throw new Error('S4: warm-up turns failed.');
  } else {
    await load.hold(job(10, 'warm up', 'warm'));
    await load.release();
  }
  // The slope between two steps: what each further stream costs. The first step absorbs what a
  // fresh process pays once (lazy code, first heap growth); nothing before it was big enough to
  // leave freed memory behind that the measured streams could reuse.
  await hold(first, 'a');
  await settle();
  const atFirst = await server.process.stats(true);
  await hold(streams, 'b');
  await settle();
  const atAll = await server.process.stats(true);
  return {
    baselineKb: atFirst.rssKb,
    kbPerStream: (atAll.rssKb - atFirst.rssKb) / streams,
    heapKbPerStream: (atAll.heapUsedBytes - atFirst.heapUsedBytes) / 1024 / streams,
  };
}

function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 300));
}
