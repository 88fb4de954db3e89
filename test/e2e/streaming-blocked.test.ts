// Streaming blocked by a proxy in front of the demo (a bare 502 on the stream route, or a proxy
// that buffers the whole stream): the answer still arrives through the REST fallback, and the
// model is called once — the fallback reuses the turn's Idempotency-Key.

import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, fakeText, startFakeUpstream } from '../fake-upstream/fake-upstream.js';
import { chatOn } from './helpers/chat-on.js';
import { closeAll } from './helpers/close-all.js';
import { launchBrowser } from './helpers/launch-browser.js';
import { type BlockingProxy, startBlockingProxy } from './helpers/start-blocking-proxy.js';
import { type DemoProcess, startDemoProcess } from './helpers/start-demo-process.js';

let upstream: FakeUpstream;
let demo: DemoProcess;
let proxy: BlockingProxy;
let browser: Browser;
let context: BrowserContext | undefined;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  demo = await startDemoProcess({ upstreamUrl: upstream.url });
  proxy = await startBlockingProxy(demo.origin);
  browser = await launchBrowser();
}, 60_000);

afterEach(async () => {
  await context?.close();
  context = undefined;
  proxy.mode = 'pass';
});

afterAll(
  () =>
    closeAll(
      () => browser?.close(),
      () => proxy?.close(),
      () => demo?.stop(),
      () => upstream?.close(),
    ),
  30_000,
);

async function openThroughProxy(user: 'alice' | 'bob'): Promise<Page> {
  context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(proxy.origin);
  await page.selectOption('#user-select', user);
  await page.waitForFunction(
    (user) =>
      !document.querySelector<HTMLSelectElement>('#project-select')?.disabled &&
      localStorage.getItem('schema-chat-demo:user') === user,
    user,
  );
  return page;
}

// Generous: real processes and a real browser on two shared cores.
describe('streaming blocked by a proxy', { timeout: 60_000 }, () => {
  it('gets the answer through REST, generated once, when the proxy answers 502 to the stream', async () => {
    proxy.mode = 'bad-gateway';
    const page = await openThroughProxy('alice');
    const chat = chatOn(page, '#inline-chat');
    const calls = upstream.calls.count;
    const blocked = proxy.blockedStreams;

    await chat.ask('Which tables are there? [[fake:tokens=12,interval=20]]');
    expect(await chat.waitForAnswers(1)).toEqual([fakeText(12)]);

    expect(proxy.blockedStreams - blocked).toBeGreaterThanOrEqual(1);
    expect(upstream.calls.count - calls).toBe(1);
    expect(await chat.notice.textContent()).toBe(
      'Streaming is unavailable; this answer arrived in one piece.',
    );
    await expect
      .poll(() => page.locator('#turn-transport').textContent())
      .toBe('REST fallback (HTTP 502 from a proxy)');
    await expect.poll(() => page.locator('#turn-status').textContent()).toBe('complete');
    await expect.poll(() => page.locator('#turn-usage').textContent()).toMatch(/completion 12\b/);
  });

  it('gets the answer through REST, generated once, when the proxy buffers the whole stream', async () => {
    proxy.mode = 'buffer';
    const page = await openThroughProxy('bob');
    const chat = chatOn(page, '#inline-chat');
    const calls = upstream.calls.count;
    const blocked = proxy.blockedStreams;

    // Longer than the page's 5 s stream-open timeout: nothing reaches the browser before then.
    await chat.ask('Describe every table [[fake:tokens=30,interval=250]]');
    expect(await chat.waitForAnswers(1, 45_000)).toEqual([fakeText(30)]);

    expect(proxy.blockedStreams - blocked).toBe(1);
    // The REST request joined the generation the stream request had started.
    expect(upstream.calls.count - calls).toBe(1);
    expect(await chat.notice.textContent()).toBe(
      'Streaming is unavailable; this answer arrived in one piece.',
    );
    await expect
      .poll(() => page.locator('#turn-transport').textContent())
      .toMatch(/^REST fallback \(The stream did not open within 5000 ms\.\)$/);
    await expect.poll(() => page.locator('#turn-status').textContent()).toBe('complete');
  });
});
