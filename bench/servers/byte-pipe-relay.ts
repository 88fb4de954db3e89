// Reference S1/S7 "floor": a relay on node:http that forwards the question to the upstream and
// pipes the upstream's bytes to the client unchanged: no auth, no storage, no parsing. Whatever
// relays a model's stream over HTTP costs at least this much per token.
// Configured by BENCH_CONFIG (JSON): { upstreamUrl }. Route: POST /relay { message }.
// Plain erasable TypeScript: Node runs it directly (type stripping).

import { Agent, createServer, request } from 'node:http';
import { reportReady } from '../../test/helpers/serve-ipc-calls.ts';
import { serveBenchIpc } from '../lib/bench-ipc.ts';

const { upstreamUrl } = JSON.parse(process.env.BENCH_CONFIG ?? '{}') as { upstreamUrl: string };
const completions = new URL(`${upstreamUrl}/chat/completions`);
// Upstream connections are reused, as the openai client (undici) does for the other servers.
const agent = new Agent({ keepAlive: true, maxSockets: Number.POSITIVE_INFINITY });

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    const { message } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { message: string };
    const body = JSON.stringify({
      model: 'Qwen/Qwen2.5-7B-Instruct',
      messages: [{ role: 'user', content: message }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const upstream = request(completions, {
      method: 'POST',
      agent,
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    upstream.on('response', (upstreamRes) => {
      res.writeHead(upstreamRes.statusCode ?? 502, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
      });
      upstreamRes.pipe(res);
    });
    upstream.on('error', () => res.destroy());
    res.on('close', () => upstream.destroy());
    upstream.end(body);
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

serveBenchIpc({ onStop: () => void server.close() });
reportReady({ port: (server.address() as { port: number }).port, path: '/relay' });
