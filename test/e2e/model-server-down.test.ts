// A model server that is down: the demo page says so in the chat, promptly and in plain words,
// instead of hanging; the question is kept and the answer recorded as failed.

import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatOn } from './helpers/chat-on.js';
import { closeAll } from './helpers/close-all.js';
import { findFreePort } from './helpers/find-free-port.js';
import { launchBrowser } from './helpers/launch-browser.js';
import { type DemoProcess, startDemoProcess } from './helpers/start-demo-process.js';

let demo: DemoProcess;
let browser: Browser;
let downUrl: string;

beforeAll(async () => {
  // Nothing listens here: connections are refused, as when vLLM is not running.
  downUrl = `http://127.0.0.1:${await findFreePort()}/v1`;
  demo = await startDemoProcess({ upstreamUrl: downUrl });
  browser = await launchBrowser();
}, 60_000);

afterAll(
  () =>
    closeAll(
      () => browser?.close(),
      () => demo?.stop(),
    ),
  30_000,
);

// Generous: real processes and a real browser on two shared cores.
describe('a model server that is down', { timeout: 60_000 }, () => {
  it('shows a clear error in the chat instead of hanging', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      await page.goto(demo.origin);
      await expect
        .poll(() => page.locator('#model-banner').textContent())
        .toBe(`Model Qwen/Qwen2.5-7B-Instruct at ${downUrl}`);
      await page.waitForFunction(
        () => !document.querySelector<HTMLSelectElement>('#project-select')?.disabled,
      );
      const chat = chatOn(page, '#inline-chat');
      await chat.ask('Which tables are there?');

      await chat.error.waitFor({ timeout: 20_000 });
      expect(await chat.error.locator('.error-text').textContent()).toBe(
        'The assistant is unavailable right now. Try again in a moment.',
      );
      expect(await chat.error.locator('code').textContent()).toContain('UPSTREAM_UNAVAILABLE');
      await chat.waitForIdle();
      expect(await chat.questions()).toEqual(['Which tables are there?']);
      await expect
        .poll(() => page.locator('#turn-status').textContent())
        .toBe('failed: UPSTREAM_UNAVAILABLE');
      const stored = await demo.messages('alice', (await chat.conversationId()) ?? '');
      expect(stored.map((message) => [message.role, message.status])).toEqual([
        ['user', 'complete'],
        ['assistant', 'failed'],
      ]);
    } finally {
      await context.close();
    }
  });
});
