// examples/express-app end to end in Chromium: sign in to the existing app, open a project, and
// get a streamed chat answer from the router it mounts (fake OpenAI-compatible upstream behind).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, fakeText, startFakeUpstream } from '../fake-upstream/fake-upstream.js';
import { type NodeProcess, startNodeProcess } from '../helpers/start-node-process.js';
import { chatOn } from './helpers/chat-on.js';
import { closeAll } from './helpers/close-all.js';
import { launchBrowser } from './helpers/launch-browser.js';
import { requireBuild } from './helpers/start-demo-process.js';

let upstream: FakeUpstream;
let app: NodeProcess;
let origin: string;
let browser: Browser;
let dir: string;

beforeAll(async () => {
  requireBuild();
  upstream = await startFakeUpstream();
  dir = mkdtempSync(join(tmpdir(), 'schema-chat-e2e-express-app-'));
  app = await startNodeProcess('examples/express-app/server.ts', {
    env: {
      PORT: '0',
      HOST: '127.0.0.1',
      SCHEMA_CHAT_DB: join(dir, 'chat.db'),
      VLLM_QWEN_7B_URL: '',
      OPENAI_BASE_URL: upstream.url,
      OPENAI_API_KEY: 'e2e-test-key',
    },
    ready: /listening on http:\/\/\S+?:(\d+)\//,
  });
  origin = `http://127.0.0.1:${app.ready[1]}`;
  browser = await launchBrowser();
}, 60_000);

afterAll(
  () =>
    closeAll(
      () => browser?.close(),
      () => app?.stop(),
      () => upstream?.close(),
      () => rmSync(dir, { recursive: true, force: true }),
    ),
  30_000,
);

// Generous: real processes and a real browser on two shared cores.
describe('the express-app example', { timeout: 60_000 }, () => {
  it('serves a chat answer end to end to its signed-in user', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(origin);
      await page.fill('input[name="username"]', 'ada');
      await page.fill('input[name="password"]', 'ada-example-password');
      await page.click('button[type="submit"]');
      await page.waitForURL(`${origin}/projects`);
      await page.click('text=Library loans');
      await page.waitForURL(`${origin}/projects/library`);

      const chat = chatOn(page, '#chat');
      const calls = upstream.calls.count;
      await chat.ask('How are loans related to members? [[fake:tokens=16,interval=20]]');
      expect(await chat.waitForAnswers(1)).toEqual([fakeText(16)]);
      expect(upstream.calls.count - calls).toBe(1);
      // The prompt carried this project's schema, found by the app's own lookup.
      const system = upstream.calls.bodies.at(-1).messages[0] as { role: string; content: string };
      expect(system.role).toBe('system');
      expect(system.content).toContain('loans');
      expect(system.content).toContain('members');
    } finally {
      await context.close();
    }
  });
});
