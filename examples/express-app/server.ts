// Runs the existing-Express-app example: `node examples/express-app/server.ts` (after
// `npm run build`, which `npm start` also does). Sign in as ada or grace and open a project.
//
// Environment: PORT (3003), HOST (127.0.0.1), SCHEMA_CHAT_DB (./data/express-app.db),
// SCHEMA_CHAT_JWT_SECRET (generated when unset), VLLM_QWEN_7B_URL or OPENAI_BASE_URL (+
// OPENAI_API_KEY, SCHEMA_CHAT_MODEL) for a model server, else the offline schema assistant.

import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import {
  type ChatModel,
  OfflineChatModel,
  OpenAIChatModel,
  SqliteChatStore,
} from 'schema-chat/express';
import { createHttpServer } from '../lib/create-http-server.ts';
import { createApp } from './create-app.ts';

const env = process.env;
const port = Number(env.PORT || 3003);
const host = env.HOST || '127.0.0.1';
const databasePath = env.SCHEMA_CHAT_DB || './data/express-app.db';
const secret = env.SCHEMA_CHAT_JWT_SECRET || randomBytes(48).toString('base64url');
const modelUrl = env.VLLM_QWEN_7B_URL || env.OPENAI_BASE_URL;
const model: ChatModel = modelUrl
  ? new OpenAIChatModel({
      baseURL: modelUrl,
      ...(env.SCHEMA_CHAT_MODEL ? { model: env.SCHEMA_CHAT_MODEL } : {}),
    })
  : new OfflineChatModel();

mkdirSync(dirname(databasePath), { recursive: true });
const store = new SqliteChatStore({ path: databasePath });
const { app, router } = createApp({ secret, store, model });
await router.ready;

// Slow senders are closed after 10 s (headers) and 30 s (whole request), checked every second;
// answers still stream as long as they take.
const server = createHttpServer(app).listen(port, host, () => {
  const { port: actual } = server.address() as AddressInfo;
  const shown = host === '127.0.0.1' ? 'localhost' : host;
  process.stdout.write(`express-app example listening on http://${shown}:${actual}/\n`);
  process.stdout.write(`model: ${model.id}${modelUrl ? ` at ${modelUrl}` : ' (offline)'}\n`);
});
server.on('error', (error) => {
  process.stderr.write(`express-app example: ${error.message}\n`);
  process.exit(1);
});

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  await router.close();
  server.closeAllConnections();
  await closed;
  await store.close();
  process.exit(0);
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
