// Starts the real router in a real Express app on a loopback port, with a scripted model and a
// temporary store, and mints tokens for the test users.

import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import jwt from 'jsonwebtoken';
import type { ChatRouterOptions } from '../../backend/config/chat-router-options.js';
import { type ChatRouter, createChatRouter } from '../../backend/create-chat-router.js';
import { silentLogger } from '../../backend/logging/chat-logger.js';
import type { ChatModel } from '../../backend/models/chat-model.js';
import type { ChatStore } from '../../backend/stores/chat-store.js';
import { MemoryChatStore } from '../../backend/stores/memory-chat-store.js';
import { SqliteChatStore } from '../../backend/stores/sqlite-chat-store.js';
import { ScriptedChatModel } from './scripted-chat-model.js';
import { testProjects } from './test-projects.js';

/** The HS256 secret of test servers. */
export const TEST_SECRET = 'schema-chat-test-secret-0123456789abcdef';

/** Options of {@link startChatServer}: router options to override, and the store kind. */
export interface StartChatServerOptions extends Partial<ChatRouterOptions> {
  /** `sqlite` (a temp file, the default store) or `memory`. Ignored when `store` is given. */
  storeKind?: 'sqlite' | 'memory';
  /** Let the router build its default model (from the environment) instead of the scripted one. */
  defaultModel?: boolean;
}

/** A running test server. */
export interface ChatTestServer {
  /** Where the router is mounted, e.g. `http://127.0.0.1:PORT/api/v1/ai`. */
  baseUrl: string;
  origin: string;
  router: ChatRouter;
  store: ChatStore;
  /** The model passed in, or the scripted one; undefined with `defaultModel`. */
  model: ChatModel | undefined;
  /** The scripted model, when the test did not pass its own. */
  scripted: ScriptedChatModel;
  server: Server;
  /** A valid bearer token for `user` (claims override the defaults). */
  token(user?: string, claims?: Record<string, unknown>): string;
  /** `Authorization` and JSON headers for `user`. */
  headers(user?: string, extra?: Record<string, string>): Record<string, string>;
  close(): Promise<void>;
}

/** Starts a server; remember to `close()` it. */
export async function startChatServer(
  options: StartChatServerOptions = {},
): Promise<ChatTestServer> {
  const { storeKind, defaultModel, ...overrides } = options;
  const scripted = new ScriptedChatModel();
  const model = defaultModel ? undefined : (overrides.model ?? scripted);
  let dir: string | undefined;
  let store = overrides.store;
  if (!store) {
    if (storeKind === 'memory') store = new MemoryChatStore();
    else {
      dir = mkdtempSync(join(tmpdir(), 'schema-chat-test-'));
      store = new SqliteChatStore({ path: join(dir, 'chat.db') });
    }
  }
  const router = createChatRouter({
    auth: { secret: TEST_SECRET },
    projects: testProjects,
    logger: silentLogger,
    widget: false,
    ...overrides,
    store,
    ...(model ? { model } : {}),
  });
  await router.ready;
  const app = express();
  app.use('/api/v1/ai', router);
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(0, '127.0.0.1', () => resolve(listening));
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  const token = (user = 'alice', claims: Record<string, unknown> = {}) =>
    jwt.sign({ sub: user, ...claims }, TEST_SECRET, { algorithm: 'HS256', expiresIn: 600 });
  return {
    baseUrl: `${origin}/api/v1/ai`,
    origin,
    router,
    store,
    model,
    scripted,
    server,
    token,
    headers: (user = 'alice', extra = {}) => ({
      Authorization: `Bearer ${token(user)}`,
      'Content-Type': 'application/json',
      ...extra,
    }),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await router.close();
      if (!overrides.store) await store.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
