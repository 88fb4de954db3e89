// requestChatCompletion over the node:http transport against the fake upstream: success, the
// openai client's retry and error rules, header timeouts and aborts; and retryDelayMs on its own.

import { createServer } from 'node:http';
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../../test/fake-upstream/fake-upstream.ts';
import { createNodeHttpTransport } from './node-http-transport.js';
import { requestChatCompletion, retryDelayMs } from './request-chat-completion.js';

let upstream: FakeUpstream;
beforeAll(async () => {
  upstream = await startFakeUpstream();
});
afterEach(() => upstream.reset());
afterAll(() => upstream.close());

const transport = createNodeHttpTransport();
const body = { model: 'm', messages: [{ role: 'user', content: 'hi' }], stream: true };
const send = (
  options: { url?: string; maxRetries?: number; timeoutMs?: number; signal?: AbortSignal } = {},
) =>
  requestChatCompletion({
    url: options.url ?? `${upstream.url}/chat/completions`,
    apiKey: 'key',
    body,
    signal: options.signal ?? new AbortController().signal,
    timeoutMs: options.timeoutMs ?? 5_000,
    maxRetries: options.maxRetries ?? 0,
    transport,
  });

async function readAll(stream: AsyncIterable<string>): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += chunk;
  return text;
}

describe('requestChatCompletion', () => {
  it('resolves at the response headers with the body as a text stream, sending the key and JSON', async () => {
    const response = await send();
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(await readAll(response.body)).toContain('data: [DONE]');
    expect(upstream.calls.requests[0]?.headers.authorization).toBe('Bearer key');
    expect(upstream.calls.bodies[0]).toEqual(body);
  });

  it('throws APIError with status, body and headers for an error status, without retrying a 4xx', async () => {
    upstream.script({ kind: 'status', status: 429, retryAfter: 7 });
    const error = await send({ maxRetries: 0 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(APIError);
    expect((error as APIError).status).toBe(429);
    expect((error as APIError).headers?.get('retry-after')).toBe('7');
    upstream.script({ kind: 'status', status: 401 });
    await expect(send({ maxRetries: 2 })).rejects.toMatchObject({ status: 401 });
    expect(upstream.calls.count).toBe(2); // the 401 was not retried
  });

  it('retries a 5xx when retries are left, then succeeds', async () => {
    upstream.script({ kind: 'status', status: 503, retryAfter: 0 });
    const response = await send({ maxRetries: 1 });
    expect(response.status).toBe(200);
    response.body.resume();
    expect(upstream.calls.count).toBe(2);
  });

  it('throws APIConnectionError when nothing listens, and APIConnectionTimeoutError for slow headers', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(
      send({ url: `http://127.0.0.1:${port}/v1/chat/completions` }),
    ).rejects.toBeInstanceOf(APIConnectionError);
    upstream.script({ kind: 'normal', responseDelayMs: 2_000 });
    await expect(send({ timeoutMs: 100 })).rejects.toBeInstanceOf(APIConnectionTimeoutError);
  });

  it('throws APIUserAbortError when the signal aborts before the headers, and ends the body after', async () => {
    upstream.script({ kind: 'normal', responseDelayMs: 2_000 });
    const early = new AbortController();
    setTimeout(() => early.abort(), 50);
    await expect(send({ signal: early.signal })).rejects.toBeInstanceOf(APIUserAbortError);

    upstream.script({ kind: 'stall', afterTokens: 1 });
    const late = new AbortController();
    const response = await send({ signal: late.signal });
    const reading = readAll(response.body);
    late.abort();
    await expect(reading).rejects.toThrow();
  });
});

describe('retryDelayMs', () => {
  const headers = (init: Record<string, string>) => new Headers(init);

  it("honours retry-after-ms, then Retry-After seconds or date, within a minute (the openai client's rules)", () => {
    expect(retryDelayMs(headers({ 'retry-after-ms': '250' }), 2, 2)).toBe(250);
    expect(retryDelayMs(headers({ 'retry-after': '3' }), 2, 2)).toBe(3000);
    const date = new Date(Date.now() + 10_000).toUTCString();
    const fromDate = retryDelayMs(headers({ 'retry-after': date }), 2, 2);
    expect(fromDate).toBeGreaterThan(8_000);
    expect(fromDate).toBeLessThanOrEqual(10_000);
  });

  it('falls back to exponential backoff (0.5 s doubling, 25 % jitter) when absent or longer than a minute', () => {
    const cases: Record<string, string>[] = [
      {},
      { 'retry-after': '120' },
      { 'retry-after': 'soon' },
    ];
    for (const init of cases) {
      const first = retryDelayMs(headers(init), 2, 2);
      expect(first).toBeGreaterThanOrEqual(375);
      expect(first).toBeLessThanOrEqual(500);
    }
    const second = retryDelayMs(headers({}), 2, 1);
    expect(second).toBeGreaterThanOrEqual(750);
    expect(second).toBeLessThanOrEqual(1000);
  });
});
