// The server under test as its own process (so a suite can SIGKILL it): the *built* package, imported
// by name as a user would, in an Express app on node:http, configured by environment variables so
// the hardening suites can SIGKILL it, restart it on the same database and read its figures.
//
//   SCHEMA_CHAT_DB=/tmp/x/chat.db VLLM_QWEN_7B_URL=http://127.0.0.1:PORT/v1 \
//   HARDENING_JWT_SECRET=… node --expose-gc test/hardening/server-entry.ts
//
// Environment:
//   PORT                      port to listen on; 0 (the default) picks a free one
//   SCHEMA_CHAT_DB            the SQLite file (required; the router's default store opens it)
//   VLLM_QWEN_7B_URL          the OpenAI-compatible upstream (the router's default model reads it)
//   HARDENING_JWT_SECRET      HS256 secret of the test tokens (required)
//   HARDENING_ROUTER_OPTIONS  JSON merged into createChatRouter's options (limits, timeouts, cors…)
//   HARDENING_HTTP_OPTIONS    JSON of node:http server settings (headersTimeout, requestTimeout,
//                             keepAliveTimeout, connectionsCheckingInterval, maxHeaderSize)
//   HARDENING_BUSY_TIMEOUT_MS the store's SQLite busy_timeout (default: the store's own)
//   HARDENING_LOG=1           JSON log lines on stderr (silent otherwise; errors are counted)
//   HARDENING_DATABASE_URL    Postgres instead of SQLite (PostgresChatStore; SCHEMA_CHAT_DB unused)
//   HARDENING_REDIS_URL       a RedisRunRegistry and the shared request limit on this Redis
//   HARDENING_REGISTRY_OPTIONS JSON merged into the RedisRunRegistry options (leaseMs…)
//
// Prints one JSON line on stdout once it serves: {"event":"listening","port":…,"pid":…}. Routes:
// the chat API under /api/v1/ai; GET /__hardening/stats (memory, descriptors, runs, connections,
// logged errors, unhandled rejections) and POST /__hardening/gc (a full GC, then the stats). Ends
// running answers as interrupted and exits 0 on SIGTERM.
// Plain erasable TypeScript with `.ts` imports: Node runs it directly (type stripping).

import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';

type ExpressEntry = typeof import('schema-chat/express');

let pkg: ExpressEntry;
try {
  pkg = await import('schema-chat/express');
} catch (error) {
  process.stderr.write(
    `server-entry: cannot load the built package schema-chat/express (${(error as Error).message}); run \`npm run build\` first.\n`,
  );
  process.exit(1);
}
const { default: express } = await import('express');

/** Problems this process ran into that no response showed: counted, printed, never swallowed. */
const problems = { unhandledRejections: 0, uncaughtExceptions: 0, errorsLogged: 0 };
const recentErrors: string[] = [];
const remember = (line: string) => {
  recentErrors.push(line.slice(0, 500));
  if (recentErrors.length > 20) recentErrors.shift();
};
process.on('unhandledRejection', (reason) => {
  problems.unhandledRejections++;
  const line = `unhandledRejection: ${(reason as Error)?.stack ?? String(reason)}`;
  remember(line);
  process.stderr.write(`HARDENING-PROBLEM ${line}\n`);
});
process.on('uncaughtException', (error) => {
  problems.uncaughtExceptions++;
  const line = `uncaughtException: ${error.stack ?? String(error)}`;
  remember(line);
  process.stderr.write(`HARDENING-PROBLEM ${line}\n`);
});

const required = (name: string): string => {
  const value = process.env[name];
  if (!value) {
    process.stderr.write(`server-entry: set ${name}.\n`);
    process.exit(2);
  }
  return value;
};
const json = (name: string): Record<string, unknown> => {
  const text = process.env[name];
  if (!text) return {};
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    process.stderr.write(`server-entry: ${name} is not valid JSON.\n`);
    process.exit(2);
  }
};

const databaseUrl = process.env.HARDENING_DATABASE_URL;
const redisUrl = process.env.HARDENING_REDIS_URL;
if (!databaseUrl) required('SCHEMA_CHAT_DB');
const secret = required('HARDENING_JWT_SECRET');
const routerOptions = json('HARDENING_ROUTER_OPTIONS');
const httpOptions = json('HARDENING_HTTP_OPTIONS');
const verbose = process.env.HARDENING_LOG === '1';

const write = (level: string, fields: object, message: string) =>
  process.stderr.write(`${JSON.stringify({ level, message, ...fields })}\n`);
const logger = {
  info(fields: object, message: string) {
    if (verbose) write('info', fields, message);
  },
  warn(fields: object, message: string) {
    if (verbose) write('warn', fields, message);
  },
  error(fields: Record<string, unknown>, message: string) {
    problems.errorsLogged++;
    const err = fields.err as Error | undefined;
    remember(`${message}: ${err?.stack ?? err?.message ?? ''}`);
    write('error', { ...fields, err: err?.stack ?? String(err) }, message);
  },
};

/** Every user may read the shared `shop` project; `own-<sub>` belongs to that user alone. */
const SHOP_SCHEMA = `CREATE TABLE customers (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, name TEXT);
CREATE TABLE products (id INTEGER PRIMARY KEY, sku TEXT NOT NULL UNIQUE, title TEXT NOT NULL, price_cents INTEGER NOT NULL);
CREATE TABLE orders (id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id), placed_at TEXT NOT NULL);
CREATE TABLE order_items (order_id INTEGER NOT NULL REFERENCES orders(id), product_id INTEGER NOT NULL REFERENCES products(id), quantity INTEGER NOT NULL, PRIMARY KEY (order_id, product_id));`;
const projects = {
  get(projectId: string, user: { id: string }) {
    if (projectId === 'shop') return { id: 'shop', name: 'Shop', schema: SHOP_SCHEMA };
    if (projectId === `own-${user.id}`) {
      return {
        id: projectId,
        name: `${user.id}'s notes`,
        schema: 'CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);',
      };
    }
    return undefined;
  },
  list(user: { id: string }) {
    return [
      { id: 'shop', name: 'Shop' },
      { id: `own-${user.id}`, name: `${user.id}'s notes` },
    ];
  },
};

// The router's default store, unless the busy timeout is set (the same store built here) or a
// Postgres is named; with a Redis, the shared run registry and request limit of several instances.
const busyTimeoutMs = process.env.HARDENING_BUSY_TIMEOUT_MS;
const shared: Record<string, unknown> = {};
if (databaseUrl) {
  const { PostgresChatStore } = await import('schema-chat/postgres');
  shared.store = new PostgresChatStore({ connectionString: databaseUrl, connectTimeoutMs: 2000 });
} else if (busyTimeoutMs !== undefined) {
  shared.store = new pkg.SqliteChatStore({
    path: process.env.SCHEMA_CHAT_DB,
    busyTimeoutMs: Number(busyTimeoutMs),
  });
}
if (redisUrl) {
  const [{ Redis }, { RedisRunRegistry, createRedisRateLimitStore }] = await Promise.all([
    import('ioredis'),
    import('schema-chat/redis'),
  ]);
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  redis.on('error', () => {});
  shared.runs = new RedisRunRegistry({ redis, ...json('HARDENING_REGISTRY_OPTIONS') });
  const limits = (routerOptions.limits ?? {}) as Record<string, unknown>;
  routerOptions.limits = { ...limits, rateLimitStore: createRedisRateLimitStore(redis) };
}
const router = pkg.createChatRouter({
  auth: { secret },
  projects,
  logger,
  widget: false,
  ...shared,
  ...routerOptions,
} as Parameters<ExpressEntry['createChatRouter']>[0]);
await router.ready;

const app = express();
app.disable('x-powered-by');
app.use('/api/v1/ai', router);

const server = createServer(
  typeof httpOptions.maxHeaderSize === 'number' ? { maxHeaderSize: httpOptions.maxHeaderSize } : {},
  app,
);
for (const name of [
  'headersTimeout',
  'requestTimeout',
  'keepAliveTimeout',
  'connectionsCheckingInterval',
] as const) {
  const value = httpOptions[name];
  if (typeof value === 'number') (server as unknown as Record<string, number>)[name] = value;
}

/** The figures the leak and load checks read from outside. */
async function stats() {
  const status = readFileSync('/proc/self/status', 'utf8');
  const kb = (field: string) =>
    Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
  const runs = router.stats();
  const connections = await new Promise<number>((resolve) =>
    server.getConnections((error, count) => resolve(error ? -1 : count)),
  );
  const cpu = process.cpuUsage();
  return {
    pid: process.pid,
    cpuMs: (cpu.user + cpu.system) / 1000,
    rssKb: kb('VmRSS'),
    fds: readdirSync('/proc/self/fd').length,
    heapUsed: process.memoryUsage().heapUsed,
    activeRuns: runs.activeRuns,
    heldRuns: runs.heldRuns,
    attachedSinks: runs.attachedClients,
    connections,
    ...problems,
    recentErrors,
  };
}

app.get('/__hardening/stats', async (_req, res) => {
  res.json(await stats());
});
app.post('/__hardening/gc', async (_req, res) => {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
    gc();
  }
  res.json({ ...(await stats()), gc: gc !== undefined });
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const address = server.address() as { port: number };
  process.stdout.write(
    `${JSON.stringify({ event: 'listening', port: address.port, pid: process.pid, db: process.env.SCHEMA_CHAT_DB, upstream: process.env.VLLM_QWEN_7B_URL })}\n`,
  );
});

let stopping = false;
process.on('SIGTERM', async () => {
  if (stopping) return;
  stopping = true;
  server.close();
  // Running answers end as interrupted with their partial text saved; the store closes.
  await router.close();
  await (shared.store as { close(): Promise<void> } | undefined)?.close();
  await (shared.runs as { close(): Promise<void> } | undefined)?.close();
  server.closeAllConnections();
  process.stdout.write(`${JSON.stringify({ event: 'closed', ...problems })}\n`);
  process.exit(0);
});
