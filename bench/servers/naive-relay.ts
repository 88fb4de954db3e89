// Reference S1 "naive": the plain way of streaming an LLM response token by token: an Express
// route that calls the `openai` client with `stream: true` and writes one JSON event per token,
// `conversationId` first and `complete` last. No auth, no storage.
// Configured by BENCH_CONFIG (JSON): { upstreamUrl }. Route: POST /chat/stream { message }.
// Plain erasable TypeScript: Node runs it directly (type stripping).

import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import express from 'express';
import OpenAI from 'openai';
import { reportReady } from '../../test/helpers/serve-ipc-calls.ts';
import { serveBenchIpc } from '../lib/bench-ipc.ts';

const { upstreamUrl } = JSON.parse(process.env.BENCH_CONFIG ?? '{}') as { upstreamUrl: string };
const openai = new OpenAI({ baseURL: upstreamUrl, apiKey: 'EMPTY', maxRetries: 0 });
const model = 'Qwen/Qwen2.5-7B-Instruct';

const app = express();
app.use(express.json());
app.post('/chat/stream', async (req, res) => {
  const conversationId = randomUUID();
  const controller = new AbortController();
  res.on('close', () => controller.abort());
  try {
    const stream = await openai.chat.completions.create(
      { model, messages: [{ role: 'user', content: req.body.message }], stream: true },
      { signal: controller.signal },
    );
    res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    res.write(`data: ${JSON.stringify({ type: 'conversationId', conversationId })}\n\n`);
    for await (const chunk of stream) {
      const content = chunk.choices[0]?.delta?.content;
      if (content) res.write(`data: ${JSON.stringify({ type: 'token', content })}\n\n`);
    }
    res.write(
      `data: ${JSON.stringify({ type: 'complete', timestamp: new Date().toISOString(), metadata: { model, conversationId } })}\n\n`,
    );
    res.end();
  } catch {
    if (!res.headersSent) res.status(502).end();
    else res.end();
  }
});
const server = createServer(app);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

serveBenchIpc({ onStop: () => void server.close() });
reportReady({ port: (server.address() as { port: number }).port, path: '/chat/stream' });
