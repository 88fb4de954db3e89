// Reference of S4 and S6: a hand-written relay on node:http. It parses the upstream's OpenAI chunks and
// writes each text delta to the client as a schema-chat `token` event at once: the least code
// that speaks the same wire format, with no auth, no storage and no coalescing.
// Configured by BENCH_CONFIG (JSON): { upstreamUrl, express? }. Route: POST /relay { message }, or
// with `express: true` the same relay as a route of an Express app, POST /api/relay.
// Plain erasable TypeScript: Node runs it directly (type stripping).

import { Agent, createServer, request, type Server, type ServerResponse } from 'node:http';
import { reportReady } from '../../test/helpers/serve-ipc-calls.ts';
import { serveBenchIpc } from '../lib/bench-ipc.ts';

const { upstreamUrl, express: onExpress } = JSON.parse(process.env.BENCH_CONFIG ?? '{}') as {
  upstreamUrl: string;
  express?: boolean;
};
const completions = new URL(`${upstreamUrl}/chat/completions`);
const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });

/** Relays one question's answer; `message` is the parsed body's. */
function relay(message: string, res: ServerResponse): void {
  const body = JSON.stringify({
    model: 'Qwen/Qwen2.5-7B-Instruct',
    messages: [{ role: 'user', content: message }],
    stream: true,
  });
  const upstream = request(completions, {
    method: 'POST',
    agent,
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
  });
  upstream.on('response', (upstreamRes) => {
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
    });
    res.write(
      'data: {"type":"conversationId","conversationId":"00000000-0000-4000-8000-000000000000"}\n\n',
    );
    upstreamRes.setEncoding('utf8');
    let buffer = '';
    upstreamRes.on('data', (text: string) => {
      buffer += text;
      for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (!line.startsWith('data: ') || line === 'data: [DONE]') continue;
        const content = JSON.parse(line.slice(6)).choices?.[0]?.delta?.content;
        if (content) res.write(`data: ${JSON.stringify({ type: 'token', content })}\n\n`);
      }
    });
    upstreamRes.on('end', () => {
      res.end('data: {"type":"complete"}\n\n');
    });
  });
  upstream.on('error', () => res.destroy());
  res.on('close', () => upstream.destroy());
  upstream.end(body);
}

let server: Server;
if (onExpress) {
  // The same relay as an Express route (the host app, a mounted router, express.json()): what
  // an Express app holds per open stream before any middleware of its own.
  const { default: express } = await import('express');
  const app = express();
  const router = express.Router();
  router.post('/relay', express.json(), (req, res) =>
    relay((req.body as { message: string }).message, res),
  );
  app.use('/api', router);
  server = createServer(app);
} else {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const { message } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
        message: string;
      };
      relay(message, res);
    });
  });
}
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

serveBenchIpc({ onStop: () => void server.close() });
reportReady({
  port: (server.address() as { port: number }).port,
  path: onExpress ? '/api/relay' : '/relay',
});
