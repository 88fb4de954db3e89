import { randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { createGunzip } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import type { ErrorBody, StopResponse } from '../../sdk/protocol.js';
import { parseSseText, readSse, type SseEvent, textOf } from '../../test/helpers/sse-client.js';
import {
  type ChatTestServer,
  type StartChatServerOptions,
  startChatServer,
} from '../../test/helpers/start-chat-server.js';
import { ALICE_PROJECT } from '../../test/helpers/test-projects.js';

let server: ChatTestServer;
const start = async (options: StartChatServerOptions = {}) => {
  server = await startChatServer(options);
  return server;
};
afterEach(async () => {
  await server?.close();
});

const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i} `);
const ask = (extra: Record<string, unknown> = {}) => ({
  projectId: ALICE_PROJECT.id,
  message: 'Explain the schema',
  ...extra,
});
const stream = (
  body: unknown,
  headers: Record<string, string> = {},
  until?: (events: SseEvent[]) => boolean,
) =>
  readSse(`${server.baseUrl}/chat/stream`, {
    method: 'POST',
    headers: server.headers('alice', headers),
    body: JSON.stringify(body),
    ...(until ? { until } : {}),
  });
const terminals = (events: { json: { type: string } }[]) =>
  events.filter((e) => e.json.type === 'complete' || e.json.type === 'error');

describe('stop', () => {
  it('aborts the upstream, ends the stream as stopped and stores the partial text as stopped', async () => {
    await start();
    let upstreamSignal: AbortSignal | undefined;
    const model = server.scripted;
    const original = model.stream.bind(model);
    model.stream = (request, options) => {
      upstreamSignal = options.signal;
      return original(request, options);
    };
    model.next({ tokens: words(200), intervalMs: 10 });
    const conversationId = randomUUID();
    const streaming = stream(ask({ conversationId }));
    await sleep(150);
    const response = await fetch(`${server.baseUrl}/chat/stop`, {
      method: 'POST',
      headers: server.headers(),
      body: JSON.stringify({ conversationId }),
    });
    const stopped = (await response.json()) as StopResponse;
    expect(stopped.stopped).toBe(true);
    const result = await streaming;
    const last = result.events.at(-1)?.json;
    expect(last?.type === 'complete' && last.metadata.status).toBe('stopped');
    expect(last?.type === 'complete' && last.metadata.finishReason).toBe('stopped');
    expect(terminals(result.events)).toHaveLength(1);
    expect(upstreamSignal?.aborted).toBe(true);
    const text = textOf(result.events);
    expect(text.length).toBeGreaterThan(0);
    expect(text.length).toBeLessThan(words(200).join('').length);
    const page = await server.store.listMessages('alice', conversationId, { limit: 10 });
    expect(page?.items[1]).toMatchObject({
      content: text,
      status: 'stopped',
      finishReason: 'stopped',
    });
  });

  it('answers stopped: false when nothing runs, and 404 for a foreign conversation', async () => {
    await start();
    const conversationId = randomUUID();
    await stream(ask({ conversationId }));
    const stop = (user: string) =>
      fetch(`${server.baseUrl}/chat/stop`, {
        method: 'POST',
        headers: server.headers(user),
        body: JSON.stringify({ conversationId }),
      });
    const idle = await stop('alice');
    expect(await idle.json()).toEqual({ stopped: false });
    const foreign = await stop('bob');
    expect(foreign.status).toBe(404);
    expect(((await foreign.json()) as ErrorBody).error.code).toBe('CONVERSATION_NOT_FOUND');
  });
});

describe('resume and idempotency', () => {
  it('resumes from a random Last-Event-ID with identical final text', async () => {
    await start();
    server.scripted.setDefault({ tokens: words(60), intervalMs: 3 });
    const full = textOf((await stream(ask(), { 'Idempotency-Key': randomUUID() })).events);
    for (let round = 0; round < 5; round++) {
      const key = randomUUID();
      const cutAfter = 2 + Math.floor(Math.random() * 20);
      const first = await stream(
        ask(),
        { 'Idempotency-Key': key },
        (events) => events.length >= cutAfter,
      );
      const lastId = first.events.at(-1)?.id as string;
      const rest = await stream(ask(), { 'Idempotency-Key': key, 'Last-Event-ID': lastId });
      expect(rest.events[0]?.json.type).not.toBe('conversationId');
      expect(textOf(first.events) + textOf(rest.events)).toBe(full);
      expect(terminals(rest.events)).toHaveLength(1);
    }
    expect(server.scripted.calls).toHaveLength(6);
  });

  it('makes exactly one upstream call for the same key sent twice', async () => {
    await start();
    const key = { 'Idempotency-Key': randomUUID() };
    const first = await stream(ask(), key);
    const second = await stream(ask(), key);
    expect(server.scripted.calls).toHaveLength(1);
    expect(textOf(second.events)).toBe(textOf(first.events));
    expect(second.events[0]?.json).toEqual(first.events[0]?.json);
  });

  it('makes exactly one upstream call and one answer for 10 parallel requests with one key', async () => {
    await start();
    server.scripted.setDefault({ tokens: words(20), intervalMs: 5 });
    const key = { 'Idempotency-Key': randomUUID() };
    const results = await Promise.all(Array.from({ length: 10 }, () => stream(ask(), key)));
    expect(server.scripted.calls).toHaveLength(1);
    const texts = new Set(results.map((r) => textOf(r.events)));
    expect(texts).toEqual(new Set([words(20).join('')]));
    const first = results[0]?.events[0]?.json;
    if (first?.type !== 'conversationId') throw new Error('no conversationId');
    const page = await server.store.listMessages('alice', first.conversationId, { limit: 50 });
    expect(page?.items.filter((m) => m.role === 'assistant')).toHaveLength(1);
  });

  it('replays a finished turn from the store after the replay TTL', async () => {
    await start({ timeouts: { replayTtlMs: 0 } });
    const key = { 'Idempotency-Key': randomUUID() };
    const first = await stream(ask(), key);
    await sleep(20);
    const again = await stream(ask(), key);
    expect(server.scripted.calls).toHaveLength(1);
    expect(textOf(again.events)).toBe(textOf(first.events));
    expect(again.events.at(-1)?.json.type).toBe('complete');
  });

  it('refuses a reused key for another question with 422', async () => {
    await start();
    const key = { 'Idempotency-Key': randomUUID() };
    await stream(ask(), key);
    const other = await stream(ask({ message: 'Something else' }), key);
    expect(other.status).toBe(422);
    expect((other.body as ErrorBody).error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('answers 410 to a Last-Event-ID of an unknown run without a key', async () => {
    await start();
    const result = await stream(ask(), { 'Last-Event-ID': 'AAAAAAAAAAA:5' });
    expect(result.status).toBe(410);
    expect((result.body as ErrorBody).error.code).toBe('RESUME_UNAVAILABLE');
  });
});

describe('disconnects and timeouts', () => {
  it('keeps generating after a disconnect, then saves interrupted when the grace period passes', async () => {
    await start({ timeouts: { disconnectGraceMs: 150 } });
    let signal: AbortSignal | undefined;
    const original = server.scripted.stream.bind(server.scripted);
    server.scripted.stream = (request, options) => {
      signal = options.signal;
      return original(request, options);
    };
    server.scripted.next({ tokens: words(500), intervalMs: 5 });
    const conversationId = randomUUID();
    await stream(ask({ conversationId }), {}, (events) => events.length >= 3);
    await sleep(60);
    expect(signal?.aborted).toBe(false);
    await sleep(300);
    expect(signal?.aborted).toBe(true);
    const page = await server.store.listMessages('alice', conversationId, { limit: 10 });
    const answer = page?.items[1];
    expect(answer?.status).toBe('interrupted');
    expect(answer?.content.length).toBeGreaterThan(0);
  });

  it('resumes within the grace period with no text lost', async () => {
    await start({ timeouts: { disconnectGraceMs: 2000 } });
    server.scripted.next({ tokens: words(100), intervalMs: 3 });
    const key = { 'Idempotency-Key': randomUUID() };
    const first = await stream(ask(), key, (events) => events.length >= 4);
    await sleep(50);
    const rest = await stream(ask(), {
      ...key,
      'Last-Event-ID': first.events.at(-1)?.id as string,
    });
    expect(textOf(first.events) + textOf(rest.events)).toBe(words(100).join(''));
  });

  it('ends a stalled upstream with UPSTREAM_TIMEOUT after the idle timeout, saving the partial text', async () => {
    await start({ timeouts: { idleMs: 150 } });
    server.scripted.next({ tokens: words(10), stallAfter: 3 });
    const conversationId = randomUUID();
    const result = await stream(ask({ conversationId }));
    const last = result.events.at(-1)?.json;
    expect(last?.type === 'error' && last.error.code).toBe('UPSTREAM_TIMEOUT');
    expect(terminals(result.events)).toHaveLength(1);
    const page = await server.store.listMessages('alice', conversationId, { limit: 10 });
    expect(page?.items[1]).toMatchObject({ status: 'interrupted', content: 'w0 w1 w2 ' });
  });

  it('ends a model that never answers with UPSTREAM_TIMEOUT after the first-token timeout, even if it ignores abort', async () => {
    await start({ timeouts: { firstTokenMs: 150 } });
    server.scripted.next({ stallAfter: 0, ignoreAbort: true });
    const conversationId = randomUUID();
    const result = await stream(ask({ conversationId }));
    const last = result.events.at(-1)?.json;
    expect(last?.type === 'error' && last.error.code).toBe('UPSTREAM_TIMEOUT');
    const page = await server.store.listMessages('alice', conversationId, { limit: 10 });
    expect(page?.items[1]?.status).toBe('failed');
  });

  it('sends a ping comment on open streams every heartbeat interval', async () => {
    await start({ timeouts: { heartbeatMs: 40 } });
    server.scripted.next({ firstTokenDelayMs: 200 });
    const result = await stream(ask());
    expect(result.raw).toContain('\n\n: ping\n\n');
    expect(textOf(result.events)).toBe('Hello there!');
  });
});

describe('persistence during the answer', () => {
  it('checkpoints the partial text about once per checkpoint interval while streaming', async () => {
    await start({ timeouts: { checkpointMs: 50 } });
    server.scripted.next({ tokens: words(60), intervalMs: 10 });
    const conversationId = randomUUID();
    const streaming = stream(ask({ conversationId }));
    const seen: string[] = [];
    for (let i = 0; i < 8; i++) {
      await sleep(60);
      const page = await server.store.listMessages('alice', conversationId, { limit: 10 });
      const answer = page?.items[1];
      if (answer?.status === 'streaming') seen.push(answer.content);
    }
    await streaming;
    const growing = seen.filter((text, i) => i === 0 || text.length > (seen[i - 1]?.length ?? 0));
    expect(growing.length).toBeGreaterThanOrEqual(3);
    expect(
      words(60)
        .join('')
        .startsWith(seen.at(-1) ?? 'x'),
    ).toBe(true);
  });

  it('stores estimated usage when the model reports none', async () => {
    await start();
    server.scripted.next({ tokens: ['one two three four'], usage: null });
    const conversationId = randomUUID();
    await stream(ask({ conversationId }));
    const page = await server.store.listMessages('alice', conversationId, { limit: 10 });
    const usage = page?.items[1]?.usage;
    expect(usage?.completionTokens).toBeGreaterThan(0);
    expect(usage?.promptTokens).toBeGreaterThan(0);
    expect(usage?.totalTokens).toBe((usage?.promptTokens ?? 0) + (usage?.completionTokens ?? 0));
  });
});

describe('compression', () => {
  it('delivers gzip-compressed events progressively, one flush per event', async () => {
    await start({ compression: true });
    server.scripted.next({ tokens: words(6), intervalMs: 80 });
    const url = new URL(`${server.baseUrl}/chat/stream`);
    const arrivals: Array<{ text: string }> = [];
    const encoding = await new Promise<string | undefined>((resolve, reject) => {
      const req = httpRequest(
        url,
        { method: 'POST', headers: { ...server.headers(), 'Accept-Encoding': 'gzip' } },
        (res) => {
          const gunzip = createGunzip();
          res.pipe(gunzip);
          gunzip.on('data', (chunk: Buffer) => arrivals.push({ text: chunk.toString() }));
          gunzip.on('end', () => resolve(res.headers['content-encoding']));
          gunzip.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify(ask()));
    });
    expect(encoding).toBe('gzip');
    const events = parseSseText(arrivals.map((a) => a.text).join(''));
    expect(textOf(events)).toBe(words(6).join(''));
    // Tokens 80 ms apart arrive in separate decompressed chunks, not together at the end.
    const tokenArrivals = arrivals.filter((a) => a.text.includes('"token"'));
    expect(tokenArrivals.length).toBeGreaterThanOrEqual(5);
  });
});
