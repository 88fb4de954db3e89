// A hard kill right after the first words reached the client: the first text of an answer is
// saved as soon as it exists, not a checkpoint interval later, so the restarted server keeps it
// as `interrupted` instead of an empty `failed` answer.

import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../fake-upstream/fake-upstream.js';
import { parseSseText, textOf } from '../helpers/sse-client.js';
import { startServerProcess } from './server-process.js';

let dir: string;
let upstream: FakeUpstream;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'schema-chat-first-checkpoint-'));
  upstream = await startFakeUpstream();
});
afterAll(async () => {
  await upstream?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a SIGKILL in the first second of an answer', () => {
  it('keeps the text the client already saw, stored as interrupted', async () => {
    const db = join(dir, 'chat.db');
    // The default checkpoint interval (1 s): only the first-text save can catch this crash.
    const server = await startServerProcess({ db, upstreamUrl: upstream.url });
    upstream.script({
      kind: 'normal',
      text: 'The orders table links to customers.',
      intervalMs: 400,
    });
    const conversationId = randomUUID();
    const response = await fetch(`${server.baseUrl}/chat/stream`, {
      method: 'POST',
      headers: server.headers('alice'),
      body: JSON.stringify({
        projectId: 'shop',
        message: 'How are orders linked?',
        conversationId,
      }),
    });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let raw = '';
    while (!parseSseText(raw).some((event) => event.json.type === 'token')) {
      const { value, done } = await reader.read();
      if (done) break;
      raw += decoder.decode(value, { stream: true });
    }
    const seen = textOf(parseSseText(raw));
    expect(seen.length).toBeGreaterThan(0);
    expect(await server.stop('SIGKILL')).toBeNull();
    await reader.cancel().catch(() => {});

    const restarted = await startServerProcess({ db, upstreamUrl: upstream.url });
    await restarted.stop('SIGTERM');
    const database = new Database(db, { readonly: true });
    try {
      const answer = database
        .prepare("SELECT content, status FROM messages WHERE role = 'assistant'")
        .get() as { content: string; status: string };
      expect(answer.status).toBe('interrupted');
      expect(answer.content.length).toBeGreaterThan(0);
      expect(seen.startsWith(answer.content)).toBe(true);
    } finally {
      database.close();
    }
  });
});
