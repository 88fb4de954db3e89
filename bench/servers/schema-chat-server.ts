// The server under test: the *built* package (`schema-chat/express`, imported by name as a user
// would) in an Express app on node:http, with JWT auth, the default rate limits, the SQLite store
// on a temp file and the default OpenAI-compatible model pointed at the fake upstream. With
// `sqliteTiming` the store's connection times every SQLite call (S12); with `databaseUrl` the
// store is PostgresChatStore instead, and with `redisUrl` the runs and the request limit are
// shared through Redis (RedisRunRegistry), as several instances run (S13); with `timelines` it
// records every turn's steps (S3). Configured by BENCH_CONFIG (JSON):
//   { upstreamUrl, dbPath, secret, databaseUrl?, redisUrl?, timelines?, sqliteTiming?,
//     router?: partial createChatRouter options (timeouts…) }
// Plain erasable TypeScript: Node runs it directly (type stripping).

import { subscribe } from 'node:diagnostics_channel';
import { createServer } from 'node:http';
import type { ChatStore } from 'schema-chat/express';
import { monotonicNowMs, toMonotonicMs } from '../../test/helpers/monotonic-clock.ts';
import { reportReady } from '../../test/helpers/serve-ipc-calls.ts';
import { serveBenchIpc } from '../lib/bench-ipc.ts';
import { BENCH_PROJECT_ID, BENCH_SCHEMA } from './bench-project.ts';

interface ServerConfig {
  upstreamUrl: string;
  dbPath: string;
  secret: string;
  databaseUrl?: string;
  redisUrl?: string;
  /** Record every turn's steps (S3); off elsewhere, since the records cost memory per stream. */
  timelines?: boolean;
  /** Time every SQLite call (S12); off elsewhere, since the timing costs CPU per call. */
  sqliteTiming?: boolean;
  router?: Record<string, unknown>;
}

const config = JSON.parse(process.env.BENCH_CONFIG ?? '{}') as ServerConfig;
// The default model reads its base URL from the environment, exactly as in production.
process.env.VLLM_QWEN_7B_URL = config.upstreamUrl;

let pkg: typeof import('schema-chat/express');
try {
  pkg = await import('schema-chat/express');
} catch (error) {
  process.stderr.write(
    `schema-chat-server: cannot load schema-chat/express (${(error as Error).message}); run \`npm run build\` first.\n`,
  );
  process.exit(1);
}
const { default: express } = await import('express');
const { default: Database } = await import('better-sqlite3');

/**
 * CPU time spent in SQLite (S12): every statement the store prepares and every transaction it
 * runs is timed (better-sqlite3 is synchronous, so the call is SQLite's work: parsing bindings,
 * b-tree updates, the WAL write of each commit). Nested calls (statements inside a transaction)
 * count once, in the outermost call.
 */
const sqlite = { calls: 0, cpuUs: 0, wallMs: 0 };
// This thread's CPU time only: SQLite runs on the main thread, and process-wide time would also
// count what GC helper threads happen to do during the call.
const threadCpuUsage: typeof process.cpuUsage =
  (process as { threadCpuUsage?: typeof process.cpuUsage }).threadCpuUsage?.bind(process) ??
  process.cpuUsage.bind(process);
let depth = 0;
function timedCall<T extends (...args: never[]) => unknown>(call: T): T {
  return function (this: unknown, ...args: never[]) {
    if (depth++ > 0) {
      try {
        return call.apply(this, args);
      } finally {
        depth--;
      }
    }
    const cpu = threadCpuUsage();
    const started = performance.now();
    try {
      return call.apply(this, args);
    } finally {
      depth--;
      const used = threadCpuUsage(cpu);
      sqlite.cpuUs += used.user + used.system;
      sqlite.wallMs += performance.now() - started;
      sqlite.calls++;
    }
  } as T;
}
const database = new Database(config.dbPath);
// Timed only for S12: the timing itself (two clock reads of the thread's CPU per call) would
// add to what the other benchmarks measure.
if (config.sqliteTiming) timeSqlite();
function timeSqlite(): void {
  const prepare = database.prepare.bind(database);
  database.prepare = ((sql: string) => {
    const statement = prepare(sql) as unknown as Record<string, (...args: never[]) => unknown>;
    for (const method of ['run', 'get', 'all', 'iterate']) {
      statement[method] = timedCall(
        (statement[method] as (...args: never[]) => unknown).bind(statement),
      );
    }
    return statement;
  }) as unknown as typeof database.prepare;
  const transaction = database.transaction.bind(database);
  database.transaction = ((fn: (...args: never[]) => unknown) => {
    const original = transaction(fn) as unknown as Record<string, (...args: never[]) => unknown>;
    const wrapped = timedCall(
      original as unknown as (...args: never[]) => unknown,
    ) as unknown as Record<string, unknown>;
    for (const variant of ['deferred', 'immediate', 'exclusive']) {
      wrapped[variant] = timedCall(original[variant] as (...args: never[]) => unknown);
    }
    return wrapped;
  }) as unknown as typeof database.transaction;
}

/**
 * The steps of every turn (S3), on the machine's monotonic clock so the orchestrator can put them
 * beside the client's send and read times: arrival from Node's own `http.server.request.start`
 * channel, the rest from schema-chat's turn-step channel. Kept for the last turns only.
 */
type Timeline = Record<string, number>;
const timelines = new WeakMap<object, Timeline>();
const finished: Timeline[] = [];
const MAX_TIMELINES = 2000;
if (config.timelines) {
  subscribe('http.server.request.start', (message) => {
    const timeline: Timeline = { received: monotonicNowMs() };
    timelines.set((message as { request: object }).request, timeline);
  });
  subscribe(pkg.TURN_STEP_CHANNEL, onStep);
}
function onStep(message: unknown): void {
  const { request, step, at } = message as import('schema-chat/express').TurnStepMessage;
  const timeline = timelines.get(request);
  if (!timeline) return;
  timeline[step] = toMonotonicMs(at);
  if (step === 'first-token-sent') {
    finished.push(timeline);
    if (finished.length > MAX_TIMELINES) finished.shift();
  }
}

const shared: Record<string, unknown> = {};
const closing: Array<() => unknown> = [];
let store: ChatStore = new pkg.SqliteChatStore({ database });
if (config.databaseUrl) {
  const { PostgresChatStore } = await import('schema-chat/postgres');
  const postgres = new PostgresChatStore({ connectionString: config.databaseUrl });
  store = postgres;
  closing.push(() => postgres.close());
}
if (config.redisUrl) {
  const [{ Redis }, { RedisRunRegistry, createRedisRateLimitStore }] = await Promise.all([
    import('ioredis'),
    import('schema-chat/redis'),
  ]);
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 1 });
  shared.runs = new RedisRunRegistry({ redis });
  shared.limits = {
    ...((config.router?.limits as Record<string, unknown> | undefined) ?? {}),
    rateLimitStore: createRedisRateLimitStore(redis),
  };
  closing.push(() => redis.quit());
}
let turnsEnded = 0;
const router = pkg.createChatRouter({
  auth: { secret: config.secret },
  projects: (projectId: string) =>
    projectId === BENCH_PROJECT_ID
      ? { id: BENCH_PROJECT_ID, name: 'Shop', schema: BENCH_SCHEMA }
      : undefined,
  store,
  logger: pkg.silentLogger,
  widget: false,
  onTurnEnd: () => {
    turnsEnded++;
  },
  ...(config.router ?? {}),
  ...shared,
} as Parameters<typeof pkg.createChatRouter>[0]);
await router.ready;

const app = express();
app.disable('x-powered-by');
app.use('/api/v1/ai', router);
const server = createServer(app);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

serveBenchIpc({
  extra: () => ({ sqlite: { ...sqlite }, turnsEnded }),
  calls: { timelines: () => finished.splice(0) },
  onStop: async () => {
    server.close();
    await router.close();
    for (const close of closing) await close();
    database.close();
    server.closeAllConnections();
  },
});
reportReady({ port: (server.address() as { port: number }).port, path: '/api/v1/ai/chat/stream' });
