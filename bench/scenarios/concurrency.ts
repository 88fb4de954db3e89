// S6: how many concurrent fast streams a server relays before the p99 delay of a token, from the
// upstream's write to the client's read, exceeds 50 ms, against a hand-written node:http relay.
// Fast streams: the upstream sends a token every 2 ms (500 tokens/s), each stamped with its write
// time on the machine's monotonic clock. Each round climbs a ladder of concurrency levels on each
// server (alternating which goes first), measuring every level while all its streams are
// mid-answer; the figure is the last level within 50 ms.
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
import type { LadderJob } from '../load/run-ladder.ts';
import { startLoadGenerator } from '../load/start-load-generator.ts';

const THRESHOLD_MS = 50;
const INTERVAL_MS = 2;

/** Runs S6. */
export async function benchConcurrency(ctx: BenchContext): Promise<ResultRow[]> {
  // Each step about 1.2× the one before near the capacities met here (so a 1.2× ratio shows).
  // Quick: from 100 (every run here held it), so the ladder takes fewer steps to its capacity.
  const levels = ctx.quick
    ? [100, 160, 200, 240, 290, 350, 420]
    : [20, 40, 70, 100, 130, 160, 200, 240, 290, 350, 420, 500];
  const rampMs = ctx.quick ? 150 : 400;
  const settleMs = ctx.quick ? 100 : 300;
  const windowMs = ctx.quick ? 300 : 700;
  // Answers long enough to outlast the whole ladder, with room for the waits of a busy machine.
  const ladderMs = levels.length * (rampMs + settleMs + windowMs);
  const tokens = Math.ceil((4 * ladderMs) / INTERVAL_MS) + 1000;
  const processes: BenchProcess[] = [];
  try {
    const upstream = await startUpstream();
    processes.push(upstream);
    const load = await startLoadGenerator();
    processes.push(load.process);
    const upstreamUrl = upstream.ready.url as string;
    const ours = await startSchemaChat(ctx, upstreamUrl);
    processes.push(ours.process);
    const relay = await startReference('hand-written-relay', upstreamUrl);
    processes.push(relay.process);
    const systems: Array<['ours' | 'relay', StreamServer]> = [
      ['ours', ours],
      ['relay', relay],
    ];
    const job = (server: StreamServer, tag: string): LadderJob => ({
      url: server.url,
      format: server.format,
      fields: {
        projectId: 'shop',
        message: `[[fake:tokens=${tokens},interval=${INTERVAL_MS},stamp]] List every table with its columns.`,
      },
      userPrefix: `s6-${tag}-${Math.random().toString(36).slice(2, 8)}`,
      levels,
      rampMs,
      settleMs,
      windowMs,
      thresholdMs: THRESHOLD_MS,
      ...(server.needsToken
        ? { secret: ctx.secret, stopUrl: server.url.replace(/\/chat\/stream$/, '/chat/stop') }
        : {}),
    });

    const capacity: Record<'ours' | 'relay', number[]> = { ours: [], relay: [] };
    const lowest: Record<'ours' | 'relay', number[]> = { ours: [], relay: [] };
    /** Tokens per second per stream at the capacity level (what the upstream kept up there). */
    const pace: Record<'ours' | 'relay', number[]> = { ours: [], relay: [] };
    const detail: string[] = [];
    for (let round = 0; round < ctx.rounds; round++) {
      const order = round % 2 === 0 ? systems : [...systems].reverse();
      for (const [name, server] of order) {
        ctx.log(`S6 round ${round + 1}/${ctx.rounds}: ${name}`);
        const result = await load.ladder(job(server, `${round}`));
        if (result.stoppedBy === 'failure') {
          throw new Error(
            `S6: the ladder through ${server.process.name} failed: ${result.failure}`,
          );
        }
        capacity[name].push(result.capacity);
        if (result.steps[0]) lowest[name].push(result.steps[0].p99);
        const atCapacity = result.steps.find((step) => step.level === result.capacity);
        if (atCapacity) pace[name].push(atCapacity.tokensPerStreamPerSecond);
        detail.push(
          `${name} r${round + 1}: ${result.steps.map((step) => `${step.level}→${step.p99 === Number.MAX_VALUE ? 'no first token' : `${step.p99.toFixed(1)}ms@${step.tokensPerStreamPerSecond.toFixed(0)}/s`}`).join(' ')}`,
        );
        if (process.env.BENCH_DEBUG) ctx.log(detail.at(-1) as string);
        // Let stopped generations finish saving before the next ladder.
        await new Promise((resolve) => setTimeout(resolve, ctx.quick ? 250 : 1000));
      }
    }
    const ratio = median(
      capacity.ours.map((value, i) => value / (capacity.relay[i] ?? Number.NaN)),
    );
    return [
      {
        id: 'S6',
        metric: `concurrent ${1000 / INTERVAL_MS} tok/s streams before the p99 delay, upstream write to client read, > ${THRESHOLD_MS} ms`,
        ours: { value: median(capacity.ours), unit: 'streams', digits: 0 },
        reference: {
          name: 'hand-written node:http relay',
          figure: { value: median(capacity.relay), unit: 'streams', digits: 0 },
        },
        comparison: { kind: 'ratio', value: ratio },
        target: '≥ 1.2×',
        pass: ratio >= 1.2,
        note: `Levels ${levels.join(', ')}; at each, the delay of every token read over ${windowMs} ms once all streams are mid-answer, from the upstream's write (stamped in the token on the machine's monotonic clock) to the client's read, coalescing included (the upstream, the load generator and the server share the machine's cores). At the lowest level (${levels[0]} streams) the p99 delay is ${median(lowest.ours).toFixed(1)} ms for schema-chat and ${median(lowest.relay).toFixed(1)} ms for the relay; at their capacity each stream received ${median(pace.ours).toFixed(0)} and ${median(pace.relay).toFixed(0)} tokens/s. Median of ${ctx.rounds} rounds; the ratio is the median of the per-round ratios. ${detail.join('; ')}.`,
      },
    ];
  } finally {
    await stopAll(processes);
  }
}
