// The abort loophole of the limits: a client that starts answers and leaves (or stops them) must
// not get around the per-minute stream limit, the concurrent-answer cap or the daily token quota,
// and once its abandoned answers end, the cap is free again.

import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import type { ErrorBody } from '../../sdk/protocol.js';
import { readSse } from '../helpers/sse-client.js';
import {
  type ChatTestServer,
  type StartChatServerOptions,
  startChatServer,
} from '../helpers/start-chat-server.js';
import { ALICE_PROJECT } from '../helpers/test-projects.js';
import { recordHardeningResult } from './record-hardening-result.js';
import { waitUntil } from './wait-until.js';

let server: ChatTestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});
const start = async (options: StartChatServerOptions) => {
  server = await startChatServer(options);
  return server;
};
const words = (n: number) => Array.from({ length: n }, (_, i) => `w${i} `);

/** Starts a streamed turn and leaves after the first token arrives. */
const startAndLeave = (s: ChatTestServer, conversationId = randomUUID()) =>
  readSse(`${s.baseUrl}/chat/stream`, {
    method: 'POST',
    headers: s.headers(),
    body: JSON.stringify({ projectId: ALICE_PROJECT.id, message: 'leave early', conversationId }),
    until: (events) => events.some((event) => event.json.type === 'token'),
  });
const codeOf = (result: { body: unknown }) => (result.body as ErrorBody | undefined)?.error?.code;

describe('the abort loophole', () => {
  it('counts answers whose client left against the concurrent cap until they end, then frees it', async () => {
    const s = await start({
      limits: { maxConcurrentStreams: 2, streamsPerMinute: 100 },
      timeouts: { disconnectGraceMs: 400 },
    });
    s.scripted.setDefault({ tokens: words(500), intervalMs: 10 });
    expect((await startAndLeave(s)).status).toBe(200);
    expect((await startAndLeave(s)).status).toBe(200);
    // Both answers still generate (grace period): a third is refused, as if the clients stayed.
    const third = await startAndLeave(s);
    expect(third.status).toBe(429);
    expect(codeOf(third)).toBe('CONCURRENT_STREAM_LIMIT');
    // Once the grace period ends them as interrupted, the slots are free.
    await waitUntil('the abandoned answers to end', async () => {
      const page = await s.store.listConversations('alice', ALICE_PROJECT.id, { limit: 10 });
      const statuses = await Promise.all(
        page.items.map(
          async (c) => (await s.store.listMessages('alice', c.id, { limit: 5 }))?.items[1]?.status,
        ),
      );
      return statuses.length === 2 && statuses.every((status) => status === 'interrupted');
    });
    expect((await startAndLeave(s)).status).toBe(200);
    recordHardeningResult({
      suite: 'limits',
      check: 'abort loophole: concurrent cap',
      tried: 4,
      unit: 'turns',
      failures: 0,
    });
  });

  it('counts a started answer against streamsPerMinute even when its client leaves at once', async () => {
    const s = await start({ limits: { streamsPerMinute: 3 }, timeouts: { disconnectGraceMs: 0 } });
    s.scripted.setDefault({ tokens: words(50), intervalMs: 5 });
    for (let i = 0; i < 3; i++) expect((await startAndLeave(s)).status).toBe(200);
    const fourth = await startAndLeave(s);
    expect(fourth.status).toBe(429);
    expect(codeOf(fourth)).toBe('RATE_LIMITED');
    expect(s.scripted.calls).toHaveLength(3);
    recordHardeningResult({
      suite: 'limits',
      check: 'abort loophole: streams per minute',
      tried: 4,
      unit: 'turns',
      failures: 0,
    });
  });

  it('charges the tokens of answers that were left or stopped to the daily quota', async () => {
    // No usage from the model: the router must estimate it for the cut answers.
    const s = await start({ limits: { tokensPerDay: 200 }, timeouts: { disconnectGraceMs: 0 } });
    s.scripted.setDefault({ tokens: words(400), intervalMs: 5, usage: null });
    const conversationId = randomUUID();
    expect((await startAndLeave(s, conversationId)).status).toBe(200);
    await waitUntil('the left answer to be saved', async () => {
      const page = await s.store.listMessages('alice', conversationId, { limit: 5 });
      return page?.items[1]?.status === 'interrupted';
    });
    const used = await s.store.tokensUsedSince('alice', new Date(Date.now() - 60_000));
    expect(used).toBeGreaterThan(0);
    // The prompt alone (schema, instructions) is over 200 estimated tokens: the quota is used up.
    const next = await startAndLeave(s);
    expect(next.status).toBe(429);
    expect(codeOf(next)).toBe('QUOTA_EXCEEDED');
    recordHardeningResult({
      suite: 'limits',
      check: 'abort loophole: token quota',
      tried: 2,
      unit: 'turns',
      failures: 0,
      figures: { 'tokens charged for one left answer': used },
    });
  });

  it('charges a stopped answer to the quota as well', async () => {
    const s = await start({ limits: { tokensPerDay: 200 } });
    s.scripted.setDefault({ tokens: words(400), intervalMs: 5, usage: null });
    const conversationId = randomUUID();
    const streaming = readSse(`${s.baseUrl}/chat/stream`, {
      method: 'POST',
      headers: s.headers(),
      body: JSON.stringify({ projectId: ALICE_PROJECT.id, message: 'stop me', conversationId }),
    });
    await sleep(100);
    const stop = await fetch(`${s.baseUrl}/chat/stop`, {
      method: 'POST',
      headers: s.headers(),
      body: JSON.stringify({ conversationId }),
    });
    expect(((await stop.json()) as { stopped: boolean }).stopped).toBe(true);
    await streaming;
    expect(await s.store.tokensUsedSince('alice', new Date(Date.now() - 60_000))).toBeGreaterThan(
      200,
    );
    const next = await startAndLeave(s);
    expect(codeOf(next)).toBe('QUOTA_EXCEEDED');
  });
});
