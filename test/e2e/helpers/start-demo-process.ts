// Runs the demo server (`node examples/demo/server.ts`, what `npm start` runs after building) as a
// child process on a free port with a temporary database, and talks to its API as a user would.

import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChatMessage, Page } from '../../../sdk/protocol.js';
import { REPO_ROOT } from '../../helpers/repo-root.js';
import { type NodeProcess, startNodeProcess } from '../../helpers/start-node-process.js';

/** Options of {@link startDemoProcess}. */
export interface DemoProcessOptions {
  /** OpenAI-compatible base URL (a fake upstream); the offline model when omitted. */
  upstreamUrl?: string;
  /** `SCHEMA_CHAT_CORS_ORIGINS`. Defaults to none. */
  corsOrigins?: string[];
  /** `SCHEMA_CHAT_DB`, kept after `stop()`. Defaults to a temporary file removed by `stop()`. */
  database?: string;
  /** `PORT` (a restart on the same port keeps open pages pointed at it). Defaults to a free one. */
  port?: number;
  /** `SCHEMA_CHAT_JWT_SECRET` (another one makes every earlier token invalid). Defaults to a fixed test secret. */
  jwtSecret?: string;
  /** `SCHEMA_CHAT_DATABASE_URL`: Postgres instead of SQLite. Defaults to none. */
  databaseUrl?: string;
  /** `SCHEMA_CHAT_REDIS_URL`: runs and limits shared on Redis. Defaults to none. */
  redisUrl?: string;
}

/** A running demo server. */
export interface DemoProcess {
  /** `http://127.0.0.1:<port>`: where the page is. */
  origin: string;
  port: number;
  /** Where the router is mounted. */
  apiUrl: string;
  /** A demo sign-in token, from `GET /demo/token`. */
  token(user: string): Promise<string>;
  /** The stored messages of a conversation, through the API. */
  messages(user: string, conversationId: string): Promise<ChatMessage[]>;
  output(): string;
  /** SIGTERM (graceful shutdown), then removes a temporary database. Resolves with the exit code. */
  stop(): Promise<number | null>;
}

/** Throws how to fix it when `dist/` (which the examples import by package name) is missing. */
export function requireBuild(): void {
  for (const file of ['dist/express.js', 'dist/schema-chat.js']) {
    if (!existsSync(join(REPO_ROOT, file))) {
      throw new Error(`${file} is missing: run \`npm run build\` before the end-to-end tests.`);
    }
  }
}

/** Starts the demo server; remember to `stop()` it (in `afterAll`). */
export async function startDemoProcess(options: DemoProcessOptions = {}): Promise<DemoProcess> {
  requireBuild();
  const dir = options.database ? undefined : mkdtempSync(join(tmpdir(), 'schema-chat-e2e-demo-'));
  const removeDir = () => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
  const env: Record<string, string> = {
    PORT: String(options.port ?? 0),
    HOST: '127.0.0.1',
    SCHEMA_CHAT_DB: options.database ?? join(dir ?? '', 'schema-chat.db'),
    SCHEMA_CHAT_JWT_SECRET: options.jwtSecret ?? 'schema-chat-e2e-secret-0123456789abcdefghij',
    SCHEMA_CHAT_CORS_ORIGINS: (options.corsOrigins ?? []).join(','),
    // A developer's own model settings must not leak into the tests.
    VLLM_QWEN_7B_URL: '',
    OPENAI_BASE_URL: options.upstreamUrl ?? '',
    OPENAI_API_KEY: 'e2e-test-key',
    SCHEMA_CHAT_MODEL: '',
    SCHEMA_CHAT_DATABASE_URL: options.databaseUrl ?? '',
    SCHEMA_CHAT_REDIS_URL: options.redisUrl ?? '',
  };
  let child: NodeProcess;
  try {
    child = await startNodeProcess('examples/demo/server.ts', {
      env,
      ready: /listening on http:\/\/\S+?:(\d+)\//,
    });
  } catch (error) {
    removeDir();
    throw error;
  }
  const port = Number(child.ready[1]);
  const origin = `http://127.0.0.1:${port}`;
  const apiUrl = `${origin}/api/v1/ai`;
  const token = async (user: string) => {
    const response = await fetch(`${origin}/demo/token?user=${encodeURIComponent(user)}`);
    if (!response.ok) throw new Error(`GET /demo/token answered ${response.status}`);
    return ((await response.json()) as { token: string }).token;
  };
  return {
    origin,
    port,
    apiUrl,
    token,
    async messages(user, conversationId) {
      const response = await fetch(`${apiUrl}/conversations/${conversationId}/messages`, {
        headers: { Authorization: `Bearer ${await token(user)}` },
      });
      if (!response.ok) throw new Error(`GET messages answered ${response.status}`);
      return ((await response.json()) as Page<ChatMessage>).items;
    },
    output: child.output,
    async stop() {
      try {
        return await child.stop();
      } finally {
        removeDir();
      }
    },
  };
}
