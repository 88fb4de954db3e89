// The turn's first-token and idle timeouts over a real OpenAI-compatible upstream, through both
// transports of OpenAIChatModel (its own node:http one and a caller's `openai` client): the model
// has no silence timers of its own, the turn's apply to it as to any ChatModel.

import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type FakeUpstream,
  fakeText,
  startFakeUpstream,
} from '../../test/fake-upstream/fake-upstream.ts';
import { parseSseText, readSse, textOf } from '../../test/helpers/sse-client.ts';
import { type ChatTestServer, startChatServer } from '../../test/helpers/start-chat-server.ts';
import { ALICE_PROJECT } from '../../test/helpers/test-projects.ts';
import type { TimeoutOptions } from '../config/chat-router-options.js';
import { OpenAIChatModel } from '../models/openai-chat-model.js';

let upstream: FakeUpstream;
let server: ChatTestServer | undefined;
beforeAll(async () => {
  upstream = await startFakeUpstream();
});
afterAll(() => upstream.close());
afterEach(async () => {
  await server?.close();
  server = undefined;
  upstream.reset();
});

const TRANSPORTS = ['node:http transport', 'openai client'] as const;

async function waitFor(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(condition()).toBe(true);
}

describe.each(TRANSPORTS)('the turn timeouts over the %s', (transport) => {
  const start = async (timeouts: TimeoutOptions) => {
    const model =
      transport === 'node:http transport'
        ? new OpenAIChatModel({ baseURL: upstream.url, maxRetries: 0 })
        : new OpenAIChatModel({
            client: new OpenAI({ baseURL: upstream.url, apiKey: 'EMPTY', maxRetries: 0 }),
            maxRetries: 0,
          });
    server = await startChatServer({ model, timeouts });
    return server;
  };
  const request = (s: ChatTestServer): [string, RequestInit] => [
    `${s.baseUrl}/chat/stream`,
    {
      method: 'POST',
      headers: s.headers(),
      body: JSON.stringify({ projectId: ALICE_PROJECT.id, message: 'Which tables are there?' }),
    },
  ];
  const ask = (s: ChatTestServer) => readSse(...request(s));
  const errorCode = (result: Awaited<ReturnType<typeof ask>>) => {
    const last = result.events.at(-1)?.json;
    return last?.type === 'error' ? last.error.code : undefined;
  };

  it('ends a stall after k tokens with UPSTREAM_TIMEOUT once idleMs passes, and aborts upstream', async () => {
    const s = await start({ idleMs: 150 });
    upstream.script({ kind: 'stall', afterTokens: 2 });
    const result = await ask(s);
    expect(textOf(result.events)).toBe(fakeText(2));
    expect(errorCode(result)).toBe('UPSTREAM_TIMEOUT');
    await waitFor(() => upstream.calls.aborted === 1);
  });

  it('ends a first token slower than firstTokenMs with UPSTREAM_TIMEOUT, with no text', async () => {
    const s = await start({ firstTokenMs: 150 });
    upstream.script({ kind: 'normal', firstTokenDelayMs: 2000 });
    const result = await ask(s);
    expect(textOf(result.events)).toBe('');
    expect(errorCode(result)).toBe('UPSTREAM_TIMEOUT');
    await waitFor(() => upstream.calls.aborted === 1);
  });

  it('restarts the idle clock on every token, so a long steady answer is fine', async () => {
    const s = await start({ idleMs: 250 });
    upstream.script({ kind: 'normal', tokens: 8, intervalMs: 60, firstTokenDelayMs: 100 });
    const result = await ask(s);
    expect(errorCode(result)).toBeUndefined();
    expect(textOf(result.events)).toBe(fakeText(8));
  });

  it('does not count a slow client as upstream silence', async () => {
    const s = await start({ idleMs: 100 });
    upstream.script({ kind: 'normal', tokens: 3 });
    // The client pauses longer than idleMs between two reads.
    const response = await fetch(...request(s));
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let raw = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      raw += decoder.decode(value, { stream: true });
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const events = parseSseText(raw);
    expect(events.at(-1)?.json.type).toBe('complete');
    expect(textOf(events)).toBe(fakeText(3));
  });
});
