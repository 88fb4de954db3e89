// S1 (server CPU per relayed token) and S7 (bytes on the wire per token): 200 concurrent streams
// at 50 tokens/s each, through schema-chat's full router, through a byte-pipe relay (the floor)
// and through a naive Express + openai relay (bench/servers/naive-relay.ts), in interleaved rounds. CPU and bytes are
// read over a steady-state window, while every stream is mid-answer; whole-turn figures (setup
// included) are reported beside them.
// Plain erasable TypeScript: Node runs it directly (type stripping).

import { fakeText, fakeTokens } from '../../test/fake-upstream/fake-behaviour.ts';
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
import type { LoadProgress } from '../load/run-load.ts';
import { type LoadGenerator, startLoadGenerator } from '../load/start-load-generator.ts';

/** Sizes of the relay-cost runs. */
export interface RelaySizes {
  streams: number;
  /** Tokens of every answer. */
  tokens: number;
  /** Upstream interval between tokens, ms (20 = 50 tokens/s). */
  intervalMs: number;
  /** Stream starts are spread over this long, ms. */
  rampMs: number;
  /** Length of the steady-state window, ms. */
  windowMs: number;
}

export const FULL_RELAY_SIZES: RelaySizes = {
  streams: 200,
  tokens: 500,
  intervalMs: 20,
  rampMs: 1000,
  windowMs: 6000,
};
export const QUICK_RELAY_SIZES: RelaySizes = {
  streams: 100,
  tokens: 100,
  intervalMs: 20,
  rampMs: 200,
  windowMs: 800,
};

/** One run of one system. */
export interface RunFigures {
  /** Server CPU per token received by the clients during the window, µs. */
  steadyCpuUs: number;
  /** Bytes the clients read per token during the window. */
  steadyBytes: number;
  /** Server CPU per token over whole turns (setup and teardown included), µs. */
  wholeCpuUs: number;
  /** Token events (or chunks) per token the clients received. */
  eventsPerToken: number;
  /** Median gap between two socket reads carrying text, within a stream, ms. */
  medianGapMs: number;
}

type SystemName = 'schema-chat' | 'byte-pipe relay' | 'naive relay';

/** Runs S1 and S7. */
export async function benchRelayCost(ctx: BenchContext): Promise<ResultRow[]> {
  const sizes = ctx.quick ? QUICK_RELAY_SIZES : FULL_RELAY_SIZES;
  const processes: BenchProcess[] = [];
  try {
    const upstream = await startUpstream();
    processes.push(upstream);
    const upstreamUrl = upstream.ready.url as string;
    const load = await startLoadGenerator();
    processes.push(load.process);
    const systems: Array<[SystemName, StreamServer]> = [
      ['schema-chat', await startSchemaChat(ctx, upstreamUrl)],
      ['byte-pipe relay', await startReference('byte-pipe-relay', upstreamUrl)],
      ['naive relay', await startReference('naive-relay', upstreamUrl)],
    ];
    for (const [, server] of systems) processes.push(server.process);

    // Warm-up (not measured): JIT, upstream keep-alive pools, SQLite page cache.
    for (const [name, server] of systems) {
      ctx.log(`S1 warm-up: ${name}`);
      await runOnce(ctx, load, server, { ...sizes, streams: 50, tokens: 50, windowMs: 0 }, 'warm');
    }

    const figures = new Map<SystemName, RunFigures[]>(systems.map(([name]) => [name, []]));
    for (let round = 0; round < ctx.rounds; round++) {
      // Interleaved, and the order rotates so that no system always runs first (or last).
      for (let i = 0; i < systems.length; i++) {
        const [name, server] = systems[(round + i) % systems.length] as [SystemName, StreamServer];
        ctx.log(`S1 round ${round + 1}/${ctx.rounds}: ${name}`);
        figures.get(name)?.push(await runOnce(ctx, load, server, sizes, `r${round}`));
      }
    }
    return rows(ctx, sizes, figures);
  } finally {
    await stopAll(processes);
  }
}

/**
 * Streams `sizes.streams` answers through `server` and reads its CPU and the clients' bytes over
 * a steady-state window (and over whole turns). Throws when a stream fails.
 */
export async function runOnce(
  ctx: BenchContext,
  load: LoadGenerator,
  server: StreamServer,
  sizes: RelaySizes,
  tag: string,
): Promise<RunFigures> {
  const message = `[[fake:tokens=${sizes.tokens},interval=${sizes.intervalMs}]] What does the orders table store, and how do I list a customer's last orders?`;
  const job: LoadJob = {
    url: server.url,
    format: server.format,
    streams: sizes.streams,
    fields: { projectId: 'shop', message },
    userPrefix: `s1-${tag}-${Math.random().toString(36).slice(2, 8)}`,
    rampMs: sizes.rampMs,
    expectText: fakeText(sizes.tokens),
    omitText: true,
    tokens: fakeTokens(sizes.tokens),
    timeoutMs: 60_000 + sizes.tokens * sizes.intervalMs * 4,
  };
  if (server.needsToken) job.secret = ctx.secret;

  const start = await server.process.stats();
  const running = load.run(job);
  // Settled either way before this function returns (a failed window must not leave it dangling).
  running.catch(() => {});
  let window: { cpuUs: number; progress: LoadProgress }[] = [];
  try {
    if (sizes.windowMs > 0) window = await measureWindow(load, server, sizes);
  } finally {
    await running.catch(() => {});
  }
  const result = await running;
  const end = await server.process.stats();

  const failed = result.streams.filter((stream) => !stream.ok);
  if (failed.length > 0) {
    throw new Error(
      `S1: ${failed.length} of ${result.streams.length} streams through ${server.process.name} failed (first: ${failed[0]?.error}).`,
    );
  }
  const totalTokens = sizes.streams * sizes.tokens;
  const textEvents = result.streams.reduce((sum, stream) => sum + stream.textEvents, 0);
  const [w0, w1] = window;
  const windowTokens = w0 && w1 ? w1.progress.tokens - w0.progress.tokens : Number.NaN;
  return {
    steadyCpuUs: w0 && w1 ? (w1.cpuUs - w0.cpuUs) / windowTokens : Number.NaN,
    steadyBytes: w0 && w1 ? (w1.progress.bytes - w0.progress.bytes) / windowTokens : Number.NaN,
    wholeCpuUs: (end.cpuUs - start.cpuUs) / totalTokens,
    eventsPerToken: textEvents / totalTokens,
    medianGapMs: median(result.gaps),
  };
}

/**
 * Reads the server's CPU time and the clients' counters at the start and the end of a window in
 * which every stream is mid-answer (all started, none ended), so per-token figures exclude the
 * per-turn setup, which S3 and the whole-turn note cover.
 */
async function measureWindow(
  load: LoadGenerator,
  server: StreamServer,
  sizes: RelaySizes,
): Promise<{ cpuUs: number; progress: LoadProgress }[]> {
  const deadline = performance.now() + sizes.rampMs + 30_000;
  for (;;) {
    const progress = await load.progress();
    if (progress.started === sizes.streams) break;
    if (performance.now() > deadline) throw new Error('S1: the streams did not all start.');
    await sleep(50);
  }
  await sleep(300); // every stream past its first token
  const read = async () => {
    const [stats, progress] = await Promise.all([server.process.stats(), load.progress()]);
    return { cpuUs: stats.cpuUs, progress };
  };
  const first = await read();
  await sleep(sizes.windowMs);
  const last = await read();
  if (last.progress.ended > 0) {
    throw new Error(
      `S1: ${last.progress.ended} streams through ${server.process.name} ended inside the measuring window; the window is too long for the answer length.`,
    );
  }
  return [first, last];
}

function rows(
  ctx: BenchContext,
  sizes: RelaySizes,
  figures: Map<SystemName, RunFigures[]>,
): ResultRow[] {
  const ours = figures.get('schema-chat') ?? [];
  const floor = figures.get('byte-pipe relay') ?? [];
  const naive = figures.get('naive relay') ?? [];
  const pick = (runs: RunFigures[], key: keyof RunFigures) => median(runs.map((run) => run[key]));
  const ratio = (a: RunFigures[], b: RunFigures[], key: keyof RunFigures) =>
    median(a.map((run, round) => run[key] / (b[round]?.[key] ?? Number.NaN)));
  const load = `${sizes.streams} streams × ${1000 / sizes.intervalMs} tok/s, ${sizes.tokens}-token answers`;
  const rounds = `median of ${ctx.rounds} interleaved rounds; the ratio is the median of the per-round ratios`;

  const s1Floor = ratio(ours, floor, 'steadyCpuUs');
  const s1Naive = ratio(ours, naive, 'steadyCpuUs');
  const whole = `Whole turns, setup and teardown included: ${pick(ours, 'wholeCpuUs').toFixed(1)} µs/token (${ratio(
    ours,
    floor,
    'wholeCpuUs',
  ).toFixed(2)}× the floor, ${ratio(ours, naive, 'wholeCpuUs').toFixed(2)}× naive)`;
  const s7 = ratio(ours, floor, 'steadyBytes');
  const gap = pick(ours, 'medianGapMs');
  return [
    {
      id: 'S1a',
      metric: `server CPU per relayed token (${load})`,
      ours: { value: pick(ours, 'steadyCpuUs'), unit: 'µs' },
      reference: {
        name: 'byte-pipe relay',
        figure: { value: pick(floor, 'steadyCpuUs'), unit: 'µs' },
      },
      comparison: { kind: 'ratio', value: s1Floor },
      target: '≤ 1.0×',
      pass: s1Floor <= 1,
      note: `CPU time of the server process over a window while all streams are mid-answer, per token the clients received; ${rounds}. ${whole}. schema-chat sends ${pick(ours, 'eventsPerToken').toFixed(2)} events per token (coalescing), the relays ${pick(floor, 'eventsPerToken').toFixed(2)} and ${pick(naive, 'eventsPerToken').toFixed(2)}.`,
    },
    {
      id: 'S1b',
      metric: `server CPU per relayed token (${load})`,
      ours: { value: pick(ours, 'steadyCpuUs'), unit: 'µs' },
      reference: {
        name: 'naive Express + openai relay',
        figure: { value: pick(naive, 'steadyCpuUs'), unit: 'µs' },
      },
      comparison: { kind: 'ratio', value: s1Naive },
      target: '≤ 0.5×',
      pass: s1Naive <= 0.5,
      note: "The plain way of a first version: the openai client's stream, one `JSON.stringify`-ed event written per token, no auth or storage.",
    },
    {
      id: 'S1c',
      metric: `median gap between the updates a client sees (${load})`,
      ours: { value: gap, unit: 'ms', digits: 1 },
      reference: {
        name: 'the upstream, one token per update',
        figure: { value: pick(floor, 'medianGapMs'), unit: 'ms', digits: 1 },
      },
      comparison: { kind: 'absolute', value: gap, unit: 'ms' },
      target: '≤ 80 ms',
      pass: gap <= 80,
      note: `The price of coalescing, seen by a reader: gaps between the socket reads that carried text, within each stream, over whole answers (byte-pipe relay: one read per token as the upstream sends them). The target, 80 ms, is four tokens of a 50 tokens/s model.`,
    },
    {
      id: 'S7',
      metric: `bytes on the wire per token (${load})`,
      ours: { value: pick(ours, 'steadyBytes'), unit: 'B' },
      reference: {
        name: 'OpenAI chunks passed through',
        figure: { value: pick(floor, 'steadyBytes'), unit: 'B' },
      },
      comparison: { kind: 'ratio', value: s7 },
      target: '≤ 0.1×',
      pass: s7 <= 0.1,
      note: 'Bytes the client sockets read (HTTP chunk framing included) over the same window and token stream, per token.',
    },
  ];
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
