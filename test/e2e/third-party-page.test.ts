// examples/third-party-page in Chromium: a page on another origin, under a strict CSP with Trusted
// Types, loads the widget from the API's /widget.js and streams an answer; the same page served
// from an origin outside the API's CORS allow-list is refused.

import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createXssPayloads, findDangers } from '../../widget/test-helpers/xss-payloads.js';
import { type FakeUpstream, fakeText, startFakeUpstream } from '../fake-upstream/fake-upstream.js';
import { REPO_ROOT } from '../helpers/repo-root.js';
import { type NodeProcess, startNodeProcess } from '../helpers/start-node-process.js';
import { chatOn } from './helpers/chat-on.js';
import { closeAll } from './helpers/close-all.js';
import { findFreePort } from './helpers/find-free-port.js';
import { launchBrowser } from './helpers/launch-browser.js';
import { type DemoProcess, startDemoProcess } from './helpers/start-demo-process.js';

const OUTPUT_DIR = join(REPO_ROOT, 'test-output', 'e2e');

let upstream: FakeUpstream;
let demo: DemoProcess;
let allowed: NodeProcess;
let refused: NodeProcess;
let allowedOrigin: string;
let refusedOrigin: string;
let browser: Browser;
let context: BrowserContext | undefined;

function startHostPage(port: number): Promise<NodeProcess> {
  return startNodeProcess('examples/third-party-page/server.ts', {
    env: {
      PORT: String(port),
      HOST: '127.0.0.1',
      API_ORIGIN: demo.origin,
      DEMO_USER: 'alice',
      PROJECT_ID: 'bookstore',
    },
    ready: /third-party page listening on /,
  });
}

beforeAll(async () => {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  upstream = await startFakeUpstream();
  const allowedPort = await findFreePort();
  let refusedPort = await findFreePort();
  while (refusedPort === allowedPort) refusedPort = await findFreePort();
  allowedOrigin = `http://127.0.0.1:${allowedPort}`;
  refusedOrigin = `http://127.0.0.1:${refusedPort}`;
  demo = await startDemoProcess({ upstreamUrl: upstream.url, corsOrigins: [allowedOrigin] });
  allowed = await startHostPage(allowedPort);
  refused = await startHostPage(refusedPort);
  browser = await launchBrowser();
}, 60_000);

afterEach(async () => {
  await context?.close();
  context = undefined;
});

afterAll(
  () =>
    closeAll(
      () => browser?.close(),
      () => allowed?.stop(),
      () => refused?.stop(),
      () => demo?.stop(),
      () => upstream?.close(),
    ),
  30_000,
);

interface PageReport {
  violations: string[];
  responses: { transport: string; status: string; content: string }[];
}

/** Opens `origin` with listeners for CSP violations and finished answers installed first. */
async function openHostPage(origin: string): Promise<Page> {
  context = await browser.newContext();
  await context.addInitScript(() => {
    const report: PageReport = { violations: [], responses: [] };
    (window as unknown as { report: PageReport }).report = report;
    document.addEventListener('securitypolicyviolation', (event) => {
      report.violations.push(`${event.violatedDirective} ${event.blockedURI}`);
    });
    document.addEventListener('schema-chat-response', (event) => {
      const { transport, status, content } = (event as CustomEvent).detail;
      report.responses.push({ transport, status, content });
    });
  });
  const page = await context.newPage();
  const response = await page.goto(origin);
  expect(response?.status()).toBe(200);
  expect(response?.headers()['content-security-policy']).toContain(
    "require-trusted-types-for 'script'",
  );
  await page.waitForFunction(() => customElements.get('schema-chat') !== undefined);
  return page;
}

const reportOf = (page: Page) =>
  page.evaluate(() => (window as unknown as { report: PageReport }).report);

// Generous: real processes and a real browser on two shared cores.
describe('the third-party page', { timeout: 60_000 }, () => {
  it('streams an answer on an allow-listed origin under its strict CSP', async () => {
    const page = await openHostPage(allowedOrigin);
    const chat = chatOn(page, 'schema-chat');
    const calls = upstream.calls.count;

    await chat.root.locator('button.launcher').click();
    await chat.ask('Which tables are there? [[fake:tokens=10,interval=30]]');
    expect(await chat.waitForAnswers(1)).toEqual([fakeText(10)]);

    const report = await reportOf(page);
    expect(report.responses).toEqual([
      { transport: 'sse', status: 'complete', content: fakeText(10) },
    ]);
    expect(report.violations).toEqual([]);
    expect(upstream.calls.count - calls).toBe(1);
    await page.screenshot({ path: join(OUTPUT_DIR, 'third-party-page.png') });

    // Control: the page really is strict, and its violations are seen.
    await page.evaluate(() => {
      const image = document.createElement('img');
      image.src = 'https://images.example/tracker.png';
      document.body.append(image);
    });
    await expect
      .poll(async () => (await reportOf(page)).violations)
      .toEqual(['img-src https://images.example/tracker.png']);
  });

  it('renders hostile model output and user text, streamed over the real network, inertly', async () => {
    // A server that counts every request a payload might cause (images, frames, beacons…).
    let exfilHits = 0;
    const exfil: Server = createServer((_req, res) => {
      exfilHits++;
      res.end();
    });
    await new Promise<void>((resolve) => exfil.listen(0, '127.0.0.1', resolve));
    try {
      const exfilUrl = `http://127.0.0.1:${(exfil.address() as AddressInfo).port}/x/`;
      const payloads = createXssPayloads(exfilUrl);
      expect(payloads.length).toBeGreaterThanOrEqual(150);
      const page = await openHostPage(allowedOrigin);
      const chat = chatOn(page, 'schema-chat');
      // Model output: every payload, cut into word-sized tokens by the fake upstream.
      upstream.script({ kind: 'normal', text: payloads.join('\n\n'), intervalMs: 1 });
      await chat.root.locator('button.launcher').click();
      // User text: as many payloads as fit in one question.
      let question = 'Render these: ';
      for (const payload of payloads) {
        if (question.length + payload.length + 1 > 3_900) break;
        question += `${payload} `;
      }
      await chat.ask(question);
      await expect
        .poll(async () => (await reportOf(page)).responses.length, { timeout: 30_000 })
        .toBe(1);
      const [response] = (await reportOf(page)).responses;
      expect(response?.status).toBe('complete');
      // Every payload arrived, as text.
      expect(response?.content).toBe(payloads.join('\n\n'));
      expect((await chat.answers()).join('')).toContain('__xss=1');
      const outcome = await page.evaluate(
        `(() => {
          const findDangers = ${findDangers.toString()};
          const root = document.querySelector('schema-chat').shadowRoot;
          return { executed: window.__xss, dangers: findDangers(root) };
        })()`,
      );
      expect(outcome).toEqual({ dangers: [] });
      expect(exfilHits).toBe(0);
      expect((await reportOf(page)).violations).toEqual([]);
    } finally {
      exfil.close();
    }
  });

  it('is refused on an origin outside the allow-list, and the widget says so', async () => {
    const page = await openHostPage(refusedOrigin);
    const chat = chatOn(page, 'schema-chat');
    const calls = upstream.calls.count;

    await chat.root.locator('button.launcher').click();
    await chat.ask('Which tables are there? [[fake:tokens=10]]');
    // The refusal is readable (CORS headers on the 403), so the widget names it at once instead
    // of retrying what looks like a network failure.
    await expect
      .poll(async () => chat.error.textContent(), { timeout: 10_000 })
      .toContain('This page is not allowed to use the assistant.');

    // The page's own call gets the same coded 403…
    const outcome = await page.evaluate(async (apiUrl) => {
      const token = document.querySelector('schema-chat')?.getAttribute('token') ?? '';
      const response = await fetch(`${apiUrl}/projects`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      return { status: response.status, body: await response.json() };
    }, demo.apiUrl);
    expect(outcome).toEqual({
      status: 403,
      body: { error: { code: 'FORBIDDEN_ORIGIN', message: expect.any(String), retryable: false } },
    });
    // …and the API answers that origin 403 before doing any work.
    const direct = await fetch(`${demo.apiUrl}/projects`, {
      headers: { Origin: refusedOrigin, Authorization: `Bearer ${await demo.token('alice')}` },
    });
    expect(direct.status).toBe(403);
    expect(upstream.calls.count).toBe(calls);
    expect(await chat.answers()).not.toContain(fakeText(10));
    expect((await reportOf(page)).violations).toEqual([]);
  });
});
