// The demo server as `npm start` runs it, as a process: what it prints, and a graceful SIGTERM
// that ends running answers with a terminal event and keeps them as interrupted.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatEvent } from '../../sdk/protocol.js';
import { type FakeUpstream, fakeText, startFakeUpstream } from '../fake-upstream/fake-upstream.js';
import { closeAll } from './helpers/close-all.js';
import { type DemoProcess, startDemoProcess } from './helpers/start-demo-process.js';

let upstream: FakeUpstream;
let dir: string;
const running: DemoProcess[] = [];

beforeAll(async () => {
  upstream = await startFakeUpstream();
  dir = mkdtempSync(join(tmpdir(), 'schema-chat-e2e-demo-process-'));
});

afterAll(
  () =>
    closeAll(
      ...running.map((demo) => () => demo.stop()),
      () => upstream?.close(),
      () => rmSync(dir, { recursive: true, force: true }),
    ),
  30_000,
);

async function start(options: Parameters<typeof startDemoProcess>[0]): Promise<DemoProcess> {
  const demo = await startDemoProcess(options);
  running.push(demo);
  return demo;
}

// Generous: real processes and a real browser on two shared cores.
describe('the demo server process', { timeout: 60_000 }, () => {
  it('prints its URL, the offline model and the database, and exits 0 on SIGTERM', async () => {
    const database = join(dir, 'offline.db');
    const demo = await start({ database });
    expect(demo.output()).toContain(`schema-chat demo listening on http://localhost:${demo.port}/`);
    await expect.poll(() => demo.output()).toContain('Ctrl+C stops.');
    expect(demo.output()).toContain(
      'model: schema-chat/offline (offline schema assistant: answers from the schema itself; set VLLM_QWEN_7B_URL or OPENAI_BASE_URL to use a model server)',
    );
    expect(demo.output()).toContain(`database: ${database}`);
    expect(await demo.stop()).toBe(0);
  });

  it('ends a running stream with a terminal event on SIGTERM and keeps its text as interrupted', async () => {
    const database = join(dir, 'shutdown.db');
    let demo = await start({ upstreamUrl: upstream.url, database });
    const token = await demo.token('alice');
    const response = await fetch(`${demo.apiUrl}/chat/stream`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({
        projectId: 'bookstore',
        message: 'Which tables are there? [[fake:tokens=5,stall-after=3]]',
      }),
    });
    expect(response.status).toBe(200);
    const reader = response.body?.pipeThrough(new TextDecoderStream()).getReader();
    let wire = '';
    const events = () =>
      wire
        .split('\n\n')
        .map((block) => /^data: (.*)$/m.exec(block)?.[1])
        .filter((data): data is string => data !== undefined)
        .map((data) => JSON.parse(data) as ChatEvent);
    const text = () =>
      events()
        .map((event) => (event.type === 'token' ? event.content : ''))
        .join('');
    // Read until the three tokens before the stall have arrived (perhaps coalesced).
    while (text() !== fakeText(3)) {
      const { value, done } = (await reader?.read()) ?? { done: true, value: undefined };
      if (done) throw new Error(`the stream ended early:\n${wire}`);
      wire += value;
    }

    const exit = demo.stop();
    for (;;) {
      const { value, done } = (await reader?.read()) ?? { done: true, value: undefined };
      if (done) break;
      wire += value;
    }
    expect(await exit).toBe(0);
    const last = events().at(-1);
    expect(last).toMatchObject({ type: 'error', error: { code: 'GENERATION_INTERRUPTED' } });
    const conversationId = (events()[0] as { conversationId: string }).conversationId;

    // Back up on the same database: the partial answer is there, marked interrupted.
    demo = await start({ upstreamUrl: upstream.url, database });
    const stored = await demo.messages('alice', conversationId);
    expect(stored.map((message) => [message.role, message.status, message.content])).toEqual([
      ['user', 'complete', 'Which tables are there? [[fake:tokens=5,stall-after=3]]'],
      ['assistant', 'interrupted', fakeText(3)],
    ]);
  });
});
