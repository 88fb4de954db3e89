// A tab hidden and shown again mid-stream (a real tab switch in Chromium, not a faked event): the
// answer completes once, with no second generation and no lost or repeated text.

import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, fakeText, startFakeUpstream } from '../fake-upstream/fake-upstream.js';
import { chatOn } from './helpers/chat-on.js';
import { closeAll } from './helpers/close-all.js';
import { launchBrowserWithTabs, type TabbedBrowser } from './helpers/launch-browser.js';
import { type DemoProcess, startDemoProcess } from './helpers/start-demo-process.js';

let upstream: FakeUpstream;
let demo: DemoProcess;
let tabs: TabbedBrowser;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  demo = await startDemoProcess({ upstreamUrl: upstream.url });
  tabs = await launchBrowserWithTabs();
}, 60_000);

afterAll(
  () =>
    closeAll(
      () => tabs?.close(),
      () => demo?.stop(),
      () => upstream?.close(),
    ),
  30_000,
);

const visibility = (page: Page) => page.evaluate(() => document.visibilityState);

/** How many token events the page's panel has counted for the running turn. */
const tokensInPanel = (page: Page) =>
  page.evaluate(() => {
    const match = /token × (\d+)/.exec(document.querySelector('#turn-events')?.textContent ?? '');
    return match ? Number(match[1]) : 0;
  });

/**
 * Waits until the panel has counted `count` tokens. Polls by timer: a hidden tab runs no
 * animation frames (Playwright's default polling), and its timers fire about once a second.
 */
const waitForTokens = (page: Page, count: number) =>
  page.waitForFunction(
    (count) => {
      const text = document.querySelector('#turn-events')?.textContent ?? '';
      return Number(/token × (\d+)/.exec(text)?.[1] ?? 0) >= count;
    },
    count,
    { polling: 50, timeout: 30_000 },
  );

// Generous: real processes and a real browser on two shared cores.
describe('a tab hidden and shown mid-stream', { timeout: 60_000 }, () => {
  it('finishes the answer with exactly one generation', async () => {
    const page = await tabs.context.newPage();
    await page.goto(demo.origin);
    await page.waitForFunction(
      () => !document.querySelector<HTMLSelectElement>('#project-select')?.disabled,
    );
    await page.evaluate(() => {
      const log: string[] = [];
      (window as unknown as { visibilityLog: string[] }).visibilityLog = log;
      document.addEventListener('visibilitychange', () => log.push(document.visibilityState));
    });
    expect(await visibility(page)).toBe('visible');
    const chat = chatOn(page, '#inline-chat');
    const calls = upstream.calls.count;

    await chat.ask('Which tables are there? [[fake:tokens=160,interval=50]]');
    await waitForTokens(page, 5);

    // Another tab comes to the front: this one is hidden while tokens keep arriving.
    const other = await tabs.context.newPage();
    await other.bringToFront();
    await page.waitForFunction(() => document.visibilityState === 'hidden', null, {
      polling: 50,
    });
    const hiddenAt = await tokensInPanel(page);
    await waitForTokens(page, hiddenAt + 10);
    expect(await page.locator('#turn-status').textContent()).toBe('streaming…');

    // Back to this tab before the answer has finished.
    await page.bringToFront();
    await page.waitForFunction(() => document.visibilityState === 'visible');
    expect(await chat.waitForAnswers(1)).toEqual([fakeText(160)]);
    expect(
      await page.evaluate(() => (window as unknown as { visibilityLog: string[] }).visibilityLog),
    ).toEqual(['hidden', 'visible']);

    expect(upstream.calls.count - calls).toBe(1);
    await expect.poll(() => page.locator('#turn-status').textContent()).toBe('complete');
    const conversationId = (await chat.conversationId()) ?? '';
    const stored = await demo.messages('alice', conversationId);
    expect(stored.map((message) => [message.role, message.status])).toEqual([
      ['user', 'complete'],
      ['assistant', 'complete'],
    ]);
    expect(stored[1]?.content).toBe(fakeText(160));
    await other.close();
  });
});
