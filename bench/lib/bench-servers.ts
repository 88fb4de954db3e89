// Starts the servers of a scenario: the fake upstream, the server under test and the references,
// each its own child process (the load generator is bench/load/start-load-generator.ts).
// Plain erasable TypeScript: Node runs it directly (type stripping).

import { join } from 'node:path';
import type { StreamFormat } from '../../test/helpers/stream-tally.ts';
import type { BenchContext } from './bench-context.ts';
import { type BenchProcess, startBenchProcess } from './bench-process.ts';

/** A server a load job can target. */
export interface StreamServer {
  process: BenchProcess;
  /** Full URL of its stream route. */
  url: string;
  /** How its events look to a client. */
  format: StreamFormat;
  /** Whether requests need a bearer token (only the router checks one). */
  needsToken: boolean;
}

/** The references of the benchmarks. */
export type ReferenceKind =
  | 'byte-pipe-relay'
  | 'naive-relay'
  | 'hand-written-relay'
  | 'express-relay';

const FORMATS: Record<ReferenceKind, StreamFormat> = {
  'byte-pipe-relay': 'openai',
  'naive-relay': 'schema-chat',
  'hand-written-relay': 'schema-chat',
  'express-relay': 'schema-chat',
};

/**
 * The fake OpenAI-compatible upstream; its `info.url` ends in `/v1`. `defaults` is the answer of a
 * question without a `[[fake:…]]` directive. Defaults to 8 tokens at once.
 */
export function startUpstream(
  defaults: { text?: string; intervalMs?: number } = {},
): Promise<BenchProcess> {
  const env: Record<string, string> = {};
  if (defaults.text !== undefined) env.BENCH_UPSTREAM_TEXT = defaults.text;
  if (defaults.intervalMs !== undefined)
    env.BENCH_UPSTREAM_INTERVAL_MS = String(defaults.intervalMs);
  return startBenchProcess('fake upstream', 'bench/servers/fake-upstream-process.ts', { env });
}

let databases = 0;

/**
 * schema-chat's router (the built package) on a fresh SQLite file, or with `shared` on Postgres
 * (`databaseUrl`) and Redis (`redisUrl`: the run registry and request limit of several instances).
 */
export async function startSchemaChat(
  ctx: BenchContext,
  upstreamUrl: string,
  router: Record<string, unknown> = {},
  shared: {
    databaseUrl?: string;
    redisUrl?: string;
    timelines?: boolean;
    sqliteTiming?: boolean;
  } = {},
): Promise<StreamServer> {
  const config = {
    upstreamUrl,
    dbPath: join(ctx.tmpDir, `chat-${++databases}.db`),
    secret: ctx.secret,
    router,
    ...shared,
  };
  const process = await startBenchProcess('schema-chat', 'bench/servers/schema-chat-server.ts', {
    env: { BENCH_CONFIG: JSON.stringify(config) },
    execArgv: ['--expose-gc', ...serverFlags()],
  });
  return {
    process,
    url: `http://127.0.0.1:${process.ready.port}${process.ready.path}`,
    format: 'schema-chat',
    needsToken: true,
  };
}

/**
 * Extra Node flags for the servers under test and the references, from `BENCH_NODE_FLAGS` (e.g.
 * `--cpu-prof --cpu-prof-dir=/tmp/prof` to see where a server's time goes). Defaults to none.
 */
function serverFlags(): string[] {
  return (process.env.BENCH_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
}

/** One of the references (bench/servers/<kind>.ts; the Express relay is hand-written-relay.ts on Express). */
export async function startReference(kind: ReferenceKind, upstreamUrl = ''): Promise<StreamServer> {
  // The Express relay is the hand-written one served by an Express app.
  const script = kind === 'express-relay' ? 'hand-written-relay' : kind;
  const process = await startBenchProcess(kind, `bench/servers/${script}.ts`, {
    env: { BENCH_CONFIG: JSON.stringify({ upstreamUrl, express: kind === 'express-relay' }) },
    execArgv: ['--expose-gc', ...serverFlags()],
  });
  return {
    process,
    url: `http://127.0.0.1:${process.ready.port}${process.ready.path}`,
    format: FORMATS[kind],
    needsToken: false,
  };
}

/** Stops every process, ignoring the ones that are already gone. */
export async function stopAll(processes: ReadonlyArray<BenchProcess | undefined>): Promise<void> {
  await Promise.all(processes.map((process) => process?.stop().catch(() => {})));
}
