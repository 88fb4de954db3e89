// openEventStream against a loopback server: request shapes, split reads, refusals, closing,
// a connection dying mid-answer and the give-up time.

import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEventStream } from './open-event-stream.js';

/** What the test server does with a request to `/<route>`. */
const routes: Record<string, (res: ServerResponse, body: string, url: URL) => void> = {
  answer: (res, body, url) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const echo = JSON.stringify({ body, query: url.search, auth: res.req.headers.authorization });
    res.write(
      `id: r:0\ndata: {"type":"conversationId","conversationId":${JSON.stringify(echo)}}\n\n`,
    );
    // One event split over two writes, then two in one.
    res.write('id: r:3\ndata: {"type":"tok');
    setTimeout(() => {
      res.write('en","content":"Hi"}\n\nid: r:4\ndata: {"type":"token","content":"!"}\n\n');
      res.end('id: r:5\ndata: {"type":"complete"}\n\n');
    }, 20);
  },
  refuse: (res) => {
    res.writeHead(429, { 'content-type': 'application/json' });
    res.end('{"error":{"code":"RATE_LIMITED","message":"slow down"}}');
  },
  idle: (res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('id: r:0\ndata: {"type":"conversationId","conversationId":"c"}\n\n');
  },
  die: (res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    res.write('data: {"type":"token","content":"half"}\n\n');
    setTimeout(() => res.socket?.destroy(), 20);
  },
};

let server: Server;
let origin: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      routes[url.pathname.slice(1)]?.(res, body, url);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('openEventStream', () => {
  it('sends the fields as JSON with the token, and reads events split across socket reads', async () => {
    const reads: number[] = [];
    const stream = openEventStream(
      { url: `${origin}/answer`, fields: { message: 'hello' }, token: 't0k' },
      { onText: (atMs) => reads.push(atMs) },
    );
    expect(await stream.opened).toBe(true);
    const outcome = await stream.done;
    expect(JSON.parse(outcome.conversationId as string)).toEqual({
      body: '{"message":"hello"}',
      query: '',
      auth: 'Bearer t0k',
    });
    expect(outcome).toMatchObject({
      status: 200,
      text: 'Hi!',
      textEvents: 2,
      terminal: 'complete',
      idViolations: 0,
      closedBy: 'end',
    });
    expect(reads).toHaveLength(1);
    expect(outcome.bytesRead).toBeGreaterThan(100);
    expect(stream.ended).toBe(true);
  });

  it('puts the fields in the query of a GET', async () => {
    const outcome = await openEventStream({
      url: `${origin}/answer`,
      method: 'GET',
      fields: { message: 'hi there' },
    }).done;
    expect(JSON.parse(outcome.conversationId as string)).toMatchObject({
      body: '',
      query: '?message=hi+there',
    });
  });

  it('keeps the JSON error body of a refused request', async () => {
    const stream = openEventStream({ url: `${origin}/refuse` });
    expect(await stream.opened).toBe(false);
    expect(await stream.done).toMatchObject({
      status: 429,
      errorBody: { error: { code: 'RATE_LIMITED' } },
      events: 0,
    });
  });

  it('stays open until closed, then says the client left', async () => {
    const stream = openEventStream({ url: `${origin}/idle` }, { timeoutMs: 0 });
    expect(await stream.opened).toBe(true);
    expect(stream.ended).toBe(false);
    stream.close();
    expect(await stream.done).toMatchObject({ closedBy: 'aborted', conversationId: 'c' });
  });

  it('says a connection died mid-answer, with the text it got', async () => {
    expect(await openEventStream({ url: `${origin}/die` }).done).toMatchObject({
      closedBy: 'error',
      text: 'half',
    });
  });

  it('gives up after timeoutMs', async () => {
    expect(await openEventStream({ url: `${origin}/idle` }, { timeoutMs: 50 }).done).toMatchObject({
      closedBy: 'timeout',
    });
  });
});
