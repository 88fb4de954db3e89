// S3: time to the first token added by schema-chat (auth, rate limits, saving the question,
// history, context building) against asking the fake upstream directly. One request at a time
// (no queueing), each on a fresh connection; the turns continue conversations that already have
// history, so the history query and the context of a follow-up question are part of the figure.
// Plain erasable TypeScript: Node runs it directly (type stripping).

import { median, percentile } from '../../test/helpers/statistics.ts';
import type { BenchContext, ResultRow } from '../lib/bench-context.ts';
import type { BenchProcess } from '../lib/bench-process.ts';
import { startReference, startSchemaChat, startUpstream, stopAll } from '../lib/bench-servers.ts';
import type { LoadJob } from '../load/load-job.ts';
import type { LoadResult } from '../load/run-load.ts';
import { startLoadGenerator } from '../load/start-load-generator.ts';
import { BENCH_SCHEMA } from '../servers/bench-project.ts';

/** Prior turns of every conversation: 2 turns, 4 stored messages of history. */
const PRIOR_TURNS = 2;
/** The router allows 10 new streams per user per minute: 2 prior + 8 measured turns per user. */
const TURNS_PER_USER = 8;
/** Turns before the measured ones (JIT, SQLite page cache, upstream keep-alive), on both sides. */
const WARM_UP = 60;

/** Runs S3. */
export async function benchFirstToken(ctx: BenchContext): Promise<ResultRow[]> {
  const perRound = ctx.quick ? 40 : 80;
  const processes: BenchProcess[] = [];
  try {
    const upstream = await startUpstream();
    processes.push(upstream);
    const upstreamUrl = upstream.ready.url as string;
    const load = await startLoadGenerator();
    processes.push(load.process);
    const server = await startSchemaChat(ctx, upstreamUrl, {}, { timelines: true });
    processes.push(server.process);
    // Context: a relay that forwards the question and does nothing else, to show what the extra
    // hop alone (client → server → upstream and back) adds on this machine.
    const relay = await startReference('hand-written-relay', upstreamUrl);
    processes.push(relay.process);

    // Conversations with history, one per user.
    const userCount = Math.ceil((perRound * ctx.rounds) / TURNS_PER_USER);
    const users = Array.from({ length: userCount }, (_, i) => `s3-${i}-${Date.now().toString(36)}`);
    const ask = (i: number) =>
      `[[fake:tokens=3]] Question ${i}: which tables reference customers, and through which columns?`;
    const conversations: string[] = [];
    ctx.log(`S3 setup: ${userCount} conversations with history`);
    for (let turn = 0; turn < PRIOR_TURNS; turn++) {
      const result = await load.run({
        url: server.url,
        format: 'schema-chat',
        // Each user's stream continues its conversation (from the second turn on).
        streams: users.map((user, i) => ({
          user,
          ...(conversations[i] ? { fields: { conversationId: conversations[i] } } : {}),
        })),
        sequential: true,
        fields: { projectId: 'shop', message: ask(turn) },
        secret: ctx.secret,
      } satisfies LoadJob);
      assertAllOk(result, 'setup');
      if (turn === 0) {
        for (const stream of result.streams) conversations.push(stream.conversationId ?? '');
      }
    }

    ctx.log('S3 warm-up');
    const warmUsers = Array.from(
      { length: WARM_UP },
      (_, i) => `s3-warm-${i}-${Date.now().toString(36)}`,
    );
    await load.run({
      url: server.url,
      format: 'schema-chat',
      streams: warmUsers.map((user) => ({ user })),
      sequential: true,
      fields: { projectId: 'shop', message: ask(0) },
      secret: ctx.secret,
    } satisfies LoadJob);

    const directJob = (round: number): LoadJob => ({
      url: `${upstreamUrl}/chat/completions`,
      format: 'openai',
      streams: perRound,
      sequential: true,
      fields: {
        model: 'Qwen/Qwen2.5-7B-Instruct',
        messages: [
          { role: 'system', content: `You answer questions about this schema:\n${BENCH_SCHEMA}` },
          { role: 'user', content: ask(PRIOR_TURNS + round) },
        ],
        stream: true,
        stream_options: { include_usage: true },
      },
    });
    await load.run({ ...directJob(0), streams: WARM_UP });
    const relayJob = (message: string, streams = 1): LoadJob => ({
      url: relay.url,
      format: 'schema-chat',
      streams,
      sequential: true,
      fields: { message },
    });
    await load.run(relayJob(ask(0), WARM_UP));

    const ours: number[] = [];
    const direct: number[] = [];
    const added: number[] = [];
    const relayAdded: number[] = [];
    const sides: Array<{ sent: number; read: number }> = [];
    const timelines: Timeline[] = [];
    let next = 0;
    for (let round = 0; round < ctx.rounds; round++) {
      ctx.log(`S3 round ${round + 1}/${ctx.rounds}`);
      // Request by request, alternating sides (and which side goes first), so that a burst of
      // background load hits both equally.
      const times: Record<'ours' | 'direct' | 'relay', number[]> = {
        ours: [],
        direct: [],
        relay: [],
      };
      const message = ask(PRIOR_TURNS + round);
      for (let k = 0; k < perRound; k++) {
        const i = next++;
        const oursJob: LoadJob = {
          url: server.url,
          format: 'schema-chat',
          streams: [{ user: users[i % userCount] as string }],
          fields: { projectId: 'shop', message, conversationId: conversations[i % userCount] },
          secret: ctx.secret,
        };
        const directJobOne: LoadJob = { ...directJob(round), streams: 1 };
        const sidesInOrder: Array<['ours' | 'direct' | 'relay', LoadJob]> = [
          ['ours', oursJob],
          ['direct', directJobOne],
          ['relay', relayJob(message)],
        ];
        // Each side goes first, second and third in turn.
        const order = [...sidesInOrder.slice(k % 3), ...sidesInOrder.slice(0, k % 3)];
        for (const [side, job] of order) {
          const result = await load.run(job);
          assertAllOk(result, side);
          const outcome = result.streams[0];
          times[side].push(outcome?.firstTextMs ?? Number.NaN);
          if (side === 'ours' && outcome?.sentMonotonicMs !== undefined) {
            sides.push({
              sent: outcome.sentMonotonicMs,
              read: outcome.sentMonotonicMs + (outcome.firstTextMs ?? Number.NaN),
            });
          }
        }
      }
      timelines.push(...(await server.process.call<Timeline[]>('timelines')));
      const oursP50 = percentile(times.ours, 50);
      const directP50 = percentile(times.direct, 50);
      ours.push(oursP50);
      direct.push(directP50);
      added.push(oursP50 - directP50);
      relayAdded.push(percentile(times.relay, 50) - directP50);
    }
    const difference = median(added);
    const breakdown = describeSteps(sides, timelines);
    return [
      {
        id: 'S3',
        metric: 'time to first token, p50 (auth + rate limits + DB + history + context)',
        ours: { value: median(ours), unit: 'ms', digits: 2 },
        reference: {
          name: 'fake upstream directly',
          figure: { value: median(direct), unit: 'ms', digits: 2 },
        },
        comparison: { kind: 'difference', value: difference, unit: 'ms' },
        target: '≤ +1.0 ms',
        pass: difference <= 1,
        note: `From sending the request to the first answer text, one request at a time on a fresh connection, ${perRound} requests per round and side, alternating; follow-up questions in conversations with ${PRIOR_TURNS * 2} stored messages. Requests alternate between the sides; the difference is the median of the per-round differences of the p50s (${ctx.rounds} rounds). A hand-written node:http relay that only forwards the question (no auth, limits, storage or prompt) adds ${median(relayAdded).toFixed(2)} ms measured the same way: the extra hop itself (two more loopback connections' worth of writes and wake-ups on this machine). ${breakdown}`,
      },
    ];
  } finally {
    await stopAll(processes);
  }
}

/** A turn's steps on the machine's monotonic clock, ms (bench/servers/schema-chat-server.ts). */
type Timeline = Record<string, number>;

/** The steps of a turn, in order, each named by what happens between the previous mark and it. */
const STEPS: Array<[mark: string, what: string]> = [
  ['received', 'request to the server'],
  ['authenticated', 'routing, CORS, JWT'],
  ['request-limited', 'request limit'],
  ['quota-checked', 'body, validation, quota'],
  ['project-resolved', 'project'],
  ['run-claimed', 'run claim'],
  ['turn-saved', 'transaction (question + placeholder)'],
  ['history-loaded', 'history'],
  ['prompt-built', 'prompt'],
  ['upstream-request-sent', 'upstream request written'],
  ['upstream-first-byte', 'first upstream byte'],
  ['first-token-sent', 'first token parsed and written'],
  ['read', 'first token to the client'],
];

/**
 * Where a turn's time to first token goes: the median of each step over the measured turns (each
 * server timeline matched to the request whose send and read enclose its arrival), biggest first.
 */
function describeSteps(
  sides: Array<{ sent: number; read: number }>,
  timelines: Timeline[],
): string {
  const durations = new Map<string, number[]>(STEPS.map(([, what]) => [what, []]));
  let matched = 0;
  for (const side of sides) {
    const timeline = timelines.find(
      (t) => (t.received as number) >= side.sent && (t.received as number) <= side.read,
    );
    if (!timeline) continue;
    matched++;
    const marks: Timeline = { ...timeline, read: side.read };
    let previous = side.sent;
    for (const [mark, what] of STEPS) {
      const at = marks[mark];
      if (at === undefined) continue;
      durations.get(what)?.push(at - previous);
      previous = at;
    }
  }
  if (matched === 0) return 'No step timings were recorded.';
  const steps = [...durations]
    .map(([what, values]) => ({ what, ms: median(values) }))
    .filter((step) => Number.isFinite(step.ms))
    .sort((a, b) => b.ms - a.ms);
  return `Where the time to first token goes (median per step over ${matched} turns, biggest first; the upstream's own time is in "first upstream byte" and "first token parsed and written"): ${steps.map((step) => `${step.what} ${step.ms.toFixed(2)} ms`).join(', ')}.`;
}

function assertAllOk(result: LoadResult, what: string): void {
  const failed = result.streams.filter((stream) => !stream.ok);
  if (failed.length > 0) {
    throw new Error(`S3 ${what}: ${failed.length} requests failed (first: ${failed[0]?.error}).`);
  }
}
