// Starts server-entry.ts as a child process for a suite: waits for its port, mints tokens, reads
// its figures, and stops it cleanly (SIGTERM) or kills it (SIGKILL) to restart it on the same file.

import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import jwt from 'jsonwebtoken';
import { startNodeProcess } from '../helpers/start-node-process.js';

/** The HS256 secret every hardening server and load generator shares. */
export const HARDENING_SECRET = 'schema-chat-hardening-secret-0123456789abcdef';

const ENTRY = fileURLToPath(new URL('./server-entry.ts', import.meta.url));

/** Options of {@link startServerProcess}. */
export interface ServerProcessOptions {
  /** The SQLite file (kept across restarts). Unused with `databaseUrl`. */
  db?: string;
  /** A Postgres database instead of the SQLite file. Defaults to none. */
  databaseUrl?: string;
  /** A Redis for the shared run registry and request limit (several instances). Defaults to none. */
  redisUrl?: string;
  /** RedisRunRegistry options (leaseMs, renewEveryMs, reapEveryMs…). Defaults to its own. */
  registry?: Record<string, unknown>;
  /** The OpenAI-compatible upstream, ending in `/v1`. */
  upstreamUrl: string;
  /** Merged into `createChatRouter` options (limits, timeouts, cors…). Defaults to none. */
  router?: Record<string, unknown>;
  /** node:http settings (headersTimeout, requestTimeout…). Defaults to Node's. */
  http?: Record<string, number>;
  /** More environment for the process (e.g. `HARDENING_LOG: '1'`). Defaults to none. */
  env?: Record<string, string>;
  /** A fixed port (to restart on the same one). Defaults to 0. */
  port?: number;
  /** The store's SQLite busy_timeout, in ms. Defaults to the store's own (5000). */
  busyTimeoutMs?: number;
  /** How long to wait for the listening line. Defaults to 20000. */
  startTimeoutMs?: number;
}

/** Figures the server process reports about itself (`GET /__hardening/stats`). */
export interface ServerStats {
  pid: number;
  /** CPU time the server process used so far (user + system). */
  cpuMs: number;
  rssKb: number;
  fds: number;
  heapUsed: number;
  activeRuns: number;
  heldRuns: number;
  attachedSinks: number;
  connections: number;
  unhandledRejections: number;
  uncaughtExceptions: number;
  errorsLogged: number;
  recentErrors: string[];
}

/** A running server process. */
export interface ServerProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly port: number;
  /** e.g. `http://127.0.0.1:PORT`. */
  readonly origin: string;
  /** e.g. `http://127.0.0.1:PORT/api/v1/ai`. */
  readonly baseUrl: string;
  /** The tail of what the process wrote (stdout and stderr interleaved). */
  output(): string;
  /** Whether the process has exited. */
  readonly exited: boolean;
  /** A valid bearer token for `sub`. */
  token(sub: string, claims?: Record<string, unknown>): string;
  /** `Authorization` and JSON content type for `sub`. */
  headers(sub: string, extra?: Record<string, string>): Record<string, string>;
  stats(): Promise<ServerStats>;
  /** Runs a full GC in the server (it starts with --expose-gc), then reads the stats. */
  gcStats(): Promise<ServerStats>;
  /**
   * Sends `signal` (SIGTERM by default; SIGKILL if it has not exited 15 s later) and resolves with
   * the exit code (null when a signal ended it).
   */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Mints a token the hardening servers accept. */
export function mintToken(sub: string, claims: Record<string, unknown> = {}): string {
  return jwt.sign({ sub, ...claims }, HARDENING_SECRET, { algorithm: 'HS256', expiresIn: 3600 });
}

/** Starts the server process and resolves once it serves. */
export async function startServerProcess(options: ServerProcessOptions): Promise<ServerProcess> {
  const node = await startNodeProcess(ENTRY, {
    name: 'server-entry',
    execArgv: ['--expose-gc'],
    env: {
      PORT: String(options.port ?? 0),
      SCHEMA_CHAT_DB: options.db,
      HARDENING_DATABASE_URL: options.databaseUrl,
      HARDENING_REDIS_URL: options.redisUrl,
      HARDENING_REGISTRY_OPTIONS: JSON.stringify(options.registry ?? {}),
      VLLM_QWEN_7B_URL: options.upstreamUrl,
      OPENAI_API_KEY: 'hardening',
      HARDENING_JWT_SECRET: HARDENING_SECRET,
      HARDENING_ROUTER_OPTIONS: JSON.stringify(options.router ?? {}),
      HARDENING_HTTP_OPTIONS: JSON.stringify(options.http ?? {}),
      HARDENING_BUSY_TIMEOUT_MS:
        options.busyTimeoutMs === undefined ? undefined : String(options.busyTimeoutMs),
      ...options.env,
    },
    // The entry prints one JSON line, `{"event":"listening","port":…}`, once it serves.
    ready: /^(\{"event":"listening".*\})\n/m,
    timeoutMs: options.startTimeoutMs ?? 20_000,
  });
  const port = (JSON.parse(node.ready[1] as string) as { port: number }).port;
  const origin = `http://127.0.0.1:${port}`;
  const fetchStats = async (path: string, method: string) => {
    const response = await fetch(`${origin}${path}`, { method });
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    return (await response.json()) as ServerStats;
  };
  return {
    child: node.child,
    pid: node.pid,
    port,
    origin,
    baseUrl: `${origin}/api/v1/ai`,
    output: node.output,
    get exited() {
      return node.exited;
    },
    token: mintToken,
    headers: (sub, extra = {}) => ({
      Authorization: `Bearer ${mintToken(sub)}`,
      'Content-Type': 'application/json',
      ...extra,
    }),
    stats: () => fetchStats('/__hardening/stats', 'GET'),
    gcStats: () => fetchStats('/__hardening/gc', 'POST'),
    // SIGTERM ends the running answers as interrupted first: give it longer than most children.
    stop: (signal = 'SIGTERM') => node.stop(signal, 15_000),
  };
}
