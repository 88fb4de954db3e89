// The `npm start` demo in real Chromium against the real stack: the demo server as a child process,
// the built widget, SQLite, and the openai client talking to a fake OpenAI-compatible upstream.

import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, fakeText, startFakeUpstream } from '../fake-upstream/fake-upstream.js';
import { REPO_ROOT } from '../helpers/repo-root.js';
import { chatOn, normalizeText } from './helpers/chat-on.js';
import { closeAll } from './helpers/close-all.js';
import { findFreePort } from './helpers/find-free-port.js';
import { launchBrowser } from './helpers/launch-browser.js';
import { type DemoProcess, startDemoProcess } from './helpers/start-demo-process.js';

const OUTPUT_DIR = join(REPO_ROOT, 'test-output', 'e2e');

let upstream: FakeUpstream;
let demo: DemoProcess;
let browser: Browser;
let context: BrowserContext | undefined;

beforeAll(async () => {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  upstream = await startFakeUpstream();
  demo = await startDemoProcess({ upstreamUrl: upstream.url });
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
      () => demo?.stop(),
      () => upstream?.close(),
    ),
  30_000,
);

/** A fresh browser profile on the demo page, signed in as `user`, projects loaded. */
async function openDemo(user: 'alice' | 'bob' = 'alice'): Promise<Page> {
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  await page.goto(demo.origin);
  await page.selectOption('#user-select', user);
  await page.waitForFunction((user) => {
    const select = document.querySelector<HTMLSelectElement>('#project-select');
    return !select?.disabled && localStorage.getItem('schema-chat-demo:user') === user;
  }, user);
  return page;
}

/** What the scripted model answers, in the question itself (the fake upstream's directive). */
const answerWith = (markdown: string) =>
  `How do I list the books with their authors? [[fake:text=${encodeURIComponent(markdown)}]]`;
const WRONG_COLUMN =
  '```sql\nSELECT b.title, a.ful_name FROM books b JOIN book_authors ba ON ba.book_id = b.id JOIN authors a ON a.id = ba.author_id;\n```';
const WRONG_JOIN =
  '```sql\nSELECT b.title, a.full_name FROM books b JOIN authors a ON a.id = b.author_id;\n```';
const CORRECT =
  '```sql\nSELECT b.title, a.full_name FROM books b JOIN book_authors ba ON ba.book_id = b.id JOIN authors a ON a.id = ba.author_id;\n```';

/** The verdicts under the answers' SQL blocks, in order: status and text. */
const verdicts = (page: Page) =>
  page.locator('#inline-chat').evaluate((element) =>
    Array.from(element.shadowRoot?.querySelectorAll('[part~="sql-check"]') ?? [], (node) => ({
      status: (node as HTMLElement).dataset.status,
      text: (node.textContent ?? '').replace(/\s+/g, ' ').trim(),
    })),
  );

// Generous: real processes and a real browser on two shared cores.
describe('the demo page', { timeout: 60_000 }, () => {
  it('says which model answers and lists only the signed-in user’s projects', async () => {
    const page = await openDemo('bob');
    await expect
      .poll(() => page.locator('#model-banner').textContent())
      .toContain(`Model Qwen/Qwen2.5-7B-Instruct at ${upstream.url}`);
    const projects = await page.locator('#project-select option').allTextContents();
    expect(projects).toEqual(['Learning platform', 'SaaS billing']);
  });

  it('streams an answer that grows in at least three visible states, then shows its usage', async () => {
    const page = await openDemo('alice');
    const chat = chatOn(page, '#inline-chat');
    const before = upstream.calls.count;
    const stopRecording = await chat.recordAnswer(0);
    await chat.ask('Which tables are there? [[fake:tokens=24,interval=60]]');
    const [answer] = await chat.waitForAnswers(1);
    const states = await stopRecording();

    expect(answer).toBe(fakeText(24));
    expect(states.length).toBeGreaterThanOrEqual(3);
    // Each state is the previous one plus more text; the last is the whole answer.
    for (let i = 1; i < states.length; i++) {
      expect(states[i]?.startsWith(states[i - 1] ?? '')).toBe(true);
    }
    expect(states.at(-1)).toBe(fakeText(24));
    expect(upstream.calls.count - before).toBe(1);

    await expect.poll(() => page.locator('#turn-status').textContent()).toBe('complete');
    // The fake upstream reports one completion token per token it sent.
    await expect.poll(() => page.locator('#turn-usage').textContent()).toMatch(/completion 24\b/);
    expect(await page.locator('#turn-transport').textContent()).toBe('SSE (streamed)');
    expect(await page.locator('#turn-events li').allTextContents()).toEqual([
      expect.stringMatching(/^conversationId [0-9a-f-]{36}$/),
      // Tokens that reach the server together may travel as one event.
      expect.stringMatching(new RegExp(`^token × \\d+ · ${fakeText(24).length} characters$`)),
      'complete status complete · finishReason stop',
    ]);

    const screenshot = join(OUTPUT_DIR, 'demo-answer.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    expect(statSync(screenshot).size).toBeGreaterThan(10_000);
  });

  it('sends the next question over REST when "Stream responses" is switched off', async () => {
    const page = await openDemo('bob');
    const chat = chatOn(page, '#inline-chat');
    const toggle = chat.root.locator('[part~="toggle"] input');
    expect(await toggle.isChecked()).toBe(true);
    await toggle.uncheck();
    await chat.ask('Which tables are there? [[fake:tokens=7]]');
    expect(await chat.waitForAnswers(1)).toEqual([fakeText(7)]);
    await expect.poll(() => page.locator('#turn-transport').textContent()).toBe('REST (one piece)');
    await expect.poll(() => page.locator('#turn-usage').textContent()).toMatch(/completion 7\b/);
    expect(await page.locator('#turn-events li').allTextContents()).toEqual([
      `rest POST /api/v1/ai/chat → ${fakeText(7).length} characters`,
    ]);
    expect(await chat.notice.count()).toBe(0);
  });

  it('opens a working chat from the launcher bubble', async () => {
    const page = await openDemo('alice');
    const launcher = chatOn(page, '#launcher-chat');
    const panel = launcher.root.locator('.panel');
    expect(await panel.isVisible()).toBe(false);
    await launcher.root.locator('button.launcher').click();
    await panel.waitFor({ state: 'visible' });
    await launcher.ask('Which tables are there? [[fake:tokens=5]]');
    expect(await launcher.waitForAnswers(1)).toEqual([fakeText(5)]);
    await page.keyboard.press('Escape');
    await panel.waitFor({ state: 'hidden' });
  });

  it('brings the conversation and its history back after a reload', async () => {
    const page = await openDemo('alice');
    const chat = chatOn(page, '#inline-chat');
    await chat.ask('First question [[fake:tokens=6]]');
    await chat.waitForAnswers(1);
    const conversationId = await chat.conversationId();
    expect(conversationId).toMatch(/^[0-9a-f-]{36}$/);

    await page.reload();
    await chat.waitForAnswers(1);
    expect(await chat.questions()).toEqual(['First question [[fake:tokens=6]]']);
    expect(await chat.answers()).toEqual([fakeText(6)]);
    expect(await chat.conversationId()).toBe(conversationId);

    // The next turn continues that conversation, with its history in the prompt.
    await chat.ask('Second question [[fake:tokens=3]]');
    expect(await chat.waitForAnswers(2)).toEqual([fakeText(6), fakeText(3)]);
    expect(await chat.conversationId()).toBe(conversationId);
    const prompt = upstream.calls.bodies.at(-1).messages as { role: string; content: string }[];
    expect(prompt.slice(-3)).toEqual([
      { role: 'user', content: 'First question [[fake:tokens=6]]' },
      { role: 'assistant', content: fakeText(6) },
      { role: 'user', content: 'Second question [[fake:tokens=3]]' },
    ]);
  });

  it('opens the conversation of the project and user switched to, or a new one, never the old one', async () => {
    const page = await openDemo('alice');
    const inline = chatOn(page, '#inline-chat');
    const launcher = chatOn(page, '#launcher-chat');
    const errors = () => inline.error.count();
    await inline.ask('About books [[fake:tokens=4]]');
    expect(await inline.waitForAnswers(1)).toEqual([fakeText(4)]);
    const bookstore = await inline.conversationId();
    expect(bookstore).toMatch(/^[0-9a-f-]{36}$/);
    const sample = page.locator('#launcher-sample');
    expect(await sample.textContent()).toContain('project-id="bookstore"');

    // Another project: a new conversation, in which questions are answered (no 404).
    await page.selectOption('#project-select', 'event-ticketing');
    await expect.poll(() => inline.conversationId()).toBeUndefined();
    // The launcher's embedding code names the project selected.
    expect(await sample.textContent()).toContain('project-id="event-ticketing" mode="launcher"');
    expect(await inline.answers()).toEqual([]);
    await inline.ask('About tickets [[fake:tokens=3]]');
    expect(await inline.waitForAnswers(1)).toEqual([fakeText(3)]);
    expect(await errors()).toBe(0);
    const ticketing = await inline.conversationId();
    expect(ticketing).not.toBe(bookstore);

    // Back: the bookstore conversation, with its history.
    await page.selectOption('#project-select', 'bookstore');
    await expect.poll(() => inline.conversationId()).toBe(bookstore);
    expect(await inline.waitForAnswers(1)).toEqual([fakeText(4)]);

    // Another user (and so another project): nothing of alice's, no error, and it answers.
    await page.selectOption('#user-select', 'bob');
    await page.waitForFunction(
      () =>
        document.querySelector<HTMLSelectElement>('#project-select')?.value === 'learning-platform',
    );
    await expect.poll(() => inline.conversationId()).toBeUndefined();
    expect(await inline.answers()).toEqual([]);
    expect(await launcher.conversationId()).toBeUndefined();
    expect(await sample.textContent()).toContain('project-id="learning-platform"');
    await inline.ask('About billing [[fake:tokens=2]]');
    expect(await inline.waitForAnswers(1)).toEqual([fakeText(2)]);
    expect(await errors()).toBe(0);
    expect(await launcher.error.count()).toBe(0);

    // And alice again: her last project's conversation.
    await page.selectOption('#user-select', 'alice');
    await expect.poll(() => inline.conversationId()).toBe(bookstore);
    expect(await inline.waitForAnswers(1)).toEqual([fakeText(4)]);
    await expect.poll(() => launcher.conversationId()).toBe(bookstore);
    expect(await errors()).toBe(0);
  });

  it('keeps a stopped answer’s partial text, marked stopped, and stores it so', async () => {
    const page = await openDemo('bob');
    const chat = chatOn(page, '#inline-chat');
    const full = fakeText(400);
    await chat.ask('Tell me everything [[fake:tokens=400,interval=40]]');
    // Stop once a few words are on screen.
    await page.waitForFunction(() => {
      const bubble = document
        .querySelector('#inline-chat')
        ?.shadowRoot?.querySelector('article.message.assistant .bubble');
      return (bubble?.textContent ?? '').split(/\s+/).filter(Boolean).length >= 5;
    });
    await chat.stopButton.click();
    await chat.waitForIdle();
    const [shown] = await chat.answers();
    expect(shown).toBeTruthy();
    expect(full.startsWith(shown ?? '')).toBe(true);
    expect((shown ?? '').length).toBeLessThan(full.length);
    await expect(chat.root.locator('article.message.assistant .mark').textContent()).resolves.toBe(
      'Stopped',
    );
    await expect.poll(() => page.locator('#turn-status').textContent()).toBe('stopped by the user');
    // The server's word on the stopped answer: its model and (estimated) usage.
    await expect
      .poll(() => page.locator('#turn-model').textContent())
      .toBe('Qwen/Qwen2.5-7B-Instruct');
    await expect
      .poll(() => page.locator('#turn-usage').textContent())
      .toMatch(/^prompt \d+ · completion [1-9]\d* · total \d+$/);

    // Stored as stopped, with at least what was shown (the server may have written a little more).
    const conversationId = (await chat.conversationId()) ?? '';
    await expect
      .poll(async () => (await demo.messages('bob', conversationId)).at(-1)?.status)
      .toBe('stopped');
    const stored = (await demo.messages('bob', conversationId)).at(-1);
    expect(stored?.role).toBe('assistant');
    expect(stored?.content.startsWith(shown ?? '')).toBe(true);
    expect(stored?.content.length).toBeLessThan(full.length);
    // The generation itself ended: the upstream request was abandoned.
    await expect.poll(() => upstream.calls.open).toBe(0);
    expect(upstream.calls.requests.at(-1)?.aborted).toBe(true);
    // What stays on screen is still the partial answer.
    expect(await chat.answers()).toEqual([shown]);

    // And after a reload it comes back, still marked stopped.
    await page.reload();
    await chat.waitForAnswers(1);
    expect(normalizeText((await chat.answers())[0] ?? '')).toBe(
      normalizeText(stored?.content ?? ''),
    );
    await expect(chat.root.locator('article.message.assistant .mark').textContent()).resolves.toBe(
      'Stopped',
    );
  });
});

/** What the inline chat shows of `selector` parts: text and the attributes a test reads. */
const parts = (page: Page, name: string) =>
  page.locator('#inline-chat').evaluate(
    (element, name) =>
      Array.from(element.shadowRoot?.querySelectorAll(`[part~="${name}"]`) ?? [], (node) => ({
        text: (node.textContent ?? '').replace(/\s+/g, '').trim(),
        label: node.getAttribute('aria-label'),
        pressed: node.getAttribute('aria-pressed'),
      })),
    name,
  );

// bob's: alice's turns of the other tests come near the per-minute turn budget (10) already.
describe('the demo page, conversation features', { timeout: 60_000 }, () => {
  it('regenerates the last answer, pages between its versions, and rates it across a reload', async () => {
    const page = await openDemo('bob');
    const chat = chatOn(page, '#inline-chat');
    await chat.ask('Which tables? [[fake:tokens=5]]');
    await chat.waitForAnswers(1);
    const calls = upstream.calls.count;

    await chat.root.locator('[part~="regenerate-button"]').click();
    await expect.poll(() => upstream.calls.count).toBe(calls + 1);
    await chat.waitForAnswers(1);
    await expect.poll(async () => (await parts(page, 'version-switcher'))[0]?.text).toBe('‹2/2›');
    // The model was asked the same question again, without the first answer as context.
    const prompt = upstream.calls.bodies.at(-1).messages as { role: string; content: string }[];
    expect(prompt.at(-1)).toEqual({ role: 'user', content: 'Which tables? [[fake:tokens=5]]' });
    expect(prompt.filter((message) => message.role === 'assistant')).toEqual([]);
    const conversationId = (await chat.conversationId()) ?? '';
    const stored = await demo.messages('bob', conversationId);
    expect(stored).toHaveLength(2);
    expect(stored[1]?.previousVersions).toHaveLength(1);

    await chat.root.locator('[part~="version-previous"]').click();
    await expect.poll(async () => (await parts(page, 'version-switcher'))[0]?.text).toBe('‹1/2›');
    await chat.root.locator('[part~="version-next"]').click();
    await chat.root.locator('[part~="feedback-down"]').click();
    await expect.poll(async () => (await parts(page, 'feedback-down'))[0]?.pressed).toBe('true');
    await expect
      .poll(async () => (await demo.messages('bob', conversationId))[1]?.feedback)
      .toEqual({ rating: 'down' });
    await page.screenshot({ path: join(OUTPUT_DIR, 'versions-and-feedback.png'), fullPage: true });

    await page.reload();
    await chat.waitForAnswers(1);
    expect((await parts(page, 'feedback-down'))[0]?.pressed).toBe('true');
    expect((await parts(page, 'feedback-up'))[0]?.pressed).toBe('false');
    expect((await parts(page, 'version-switcher'))[0]?.text).toBe('‹2/2›');
    // The usage line: the last answer's tokens and what is left of the demo's allowance.
    await expect
      .poll(async () => (await parts(page, 'usage'))[0]?.text ?? '')
      .toMatch(/^Lastanswer:[\d,]+tokens·[\d,]+of1,000,000tokenslefttoday/);
  });

  it('continues a stopped answer into the same bubble, and stores it whole', async () => {
    const page = await openDemo('bob');
    const chat = chatOn(page, '#inline-chat');
    await chat.ask('Tell me everything [[fake:tokens=400,interval=40]]');
    await page.waitForFunction(() => {
      const bubble = document
        .querySelector('#inline-chat')
        ?.shadowRoot?.querySelector('article.message.assistant .bubble');
      return (bubble?.textContent ?? '').split(/\s+/).filter(Boolean).length >= 5;
    });
    await chat.stopButton.click();
    await chat.waitForIdle();
    const conversationId = (await chat.conversationId()) ?? '';
    await expect
      .poll(async () => (await demo.messages('bob', conversationId)).at(-1)?.status)
      .toBe('stopped');
    const cut = (await demo.messages('bob', conversationId)).at(-1)?.content ?? '';

    await chat.root.locator('[part~="continue-button"]').click();
    await expect
      .poll(async () => (await demo.messages('bob', conversationId)).at(-1)?.status)
      .toBe('complete');
    await chat.waitForIdle();

    const stored = await demo.messages('bob', conversationId);
    expect(stored).toHaveLength(2);
    const whole = stored[1]?.content ?? '';
    expect(whole.startsWith(cut)).toBe(true);
    expect(whole.length).toBeGreaterThan(cut.length);
    expect(await chat.answers()).toEqual([normalizeText(whole)]);
    expect(await chat.root.locator('article.message.assistant .mark').count()).toBe(0);
    // The model got the cut answer and was asked to go on with it.
    const prompt = upstream.calls.bodies.at(-1).messages as { role: string; content: string }[];
    expect(prompt.at(-2)).toEqual({ role: 'assistant', content: cut });
  });

  it('lists the conversations, opens one with its history, and deletes one after asking', async () => {
    const page = await openDemo('bob');
    const chat = chatOn(page, '#inline-chat');
    await chat.root.locator('[part~="new-button"]').click();
    await chat.ask('About authors [[fake:tokens=3]]');
    await chat.waitForAnswers(1);
    const first = await chat.conversationId();
    await chat.root.locator('[part~="new-button"]').click();
    await chat.ask('About orders [[fake:tokens=2]]');
    await chat.waitForAnswers(1);

    await chat.root.locator('[part~="conversations-button"]').click();
    await chat.root.locator('[part~="conversation-item"]').first().waitFor();
    const titles = await chat.root.locator('[part~="conversation-item"] span').allTextContents();
    expect(titles.slice(0, 2)).toEqual([
      'About orders [[fake:tokens=2]]',
      'About authors [[fake:tokens=3]]',
    ]);
    await page.screenshot({ path: join(OUTPUT_DIR, 'conversation-list.png'), fullPage: true });
    await chat.root.locator('[part~="conversation-item"]').nth(1).click();
    await expect.poll(() => chat.conversationId()).toBe(first);
    expect(await chat.waitForAnswers(1)).toEqual([fakeText(3)]);

    await chat.root.locator('[part~="conversations-button"]').click();
    const remove = chat.root.locator('[part~="conversation-delete"]').first();
    await remove.click();
    expect(await remove.getAttribute('aria-label')).toBe(
      'Delete “About orders [[fake:tokens=2]]”? Press again to confirm',
    );
    await remove.click();
    await expect
      .poll(() => chat.root.locator('[part~="conversation-item"] span').allTextContents())
      .not.toContain('About orders [[fake:tokens=2]]');
  });
});

describe('the demo page across a restart of the demo server', { timeout: 90_000 }, () => {
  it('gets a new token from the restarted server instead of staying at 401', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'schema-chat-e2e-restart-'));
    const database = join(dir, 'restart.db');
    const port = await findFreePort();
    // A restarted demo signs with a new key: every token an open page holds is refused.
    const start = (jwtSecret: string) =>
      startDemoProcess({ upstreamUrl: upstream.url, database, port, jwtSecret });
    let restarted: DemoProcess | undefined;
    const first = await start('the-first-demo-secret-0123456789abcdefghij');
    let firstRunning = true;
    try {
      context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(first.origin);
      await page.waitForFunction(
        () => !document.querySelector<HTMLSelectElement>('#project-select')?.disabled,
      );
      const chat = chatOn(page, '#inline-chat');
      await chat.ask('Before the restart [[fake:tokens=4]]');
      expect(await chat.waitForAnswers(1)).toEqual([fakeText(4)]);
      await first.stop();
      firstRunning = false;

      restarted = await start('the-second-demo-secret-0123456789abcdefghij');
      await chat.ask('After the restart [[fake:tokens=3]]');
      expect(await chat.waitForAnswers(2)).toEqual([fakeText(4), fakeText(3)]);
      expect(await chat.error.count()).toBe(0);
    } finally {
      await closeAll(
        () => (firstRunning ? first.stop() : undefined),
        () => restarted?.stop(),
      );
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('shows the SQL check under each SQL block: a wrong column, a wrong join, the corrected query, and the same after a reload', async () => {
    // The scripted model's answers are in the questions (the fake upstream's directive).
    const page = await openDemo('alice');
    expect(await page.locator('#project-select').inputValue()).toBe('bookstore');
    const chat = chatOn(page, '#inline-chat');
    await chat.ask(answerWith(WRONG_COLUMN));
    await chat.waitForAnswers(1);
    await chat.ask(answerWith(WRONG_JOIN));
    await chat.waitForAnswers(2);
    await chat.ask(answerWith(CORRECT));
    await chat.waitForAnswers(3);
    const expected = [
      {
        status: 'unknown-identifiers',
        text: 'authors.ful_name is not in the schema — did you mean authors.full_name?',
      },
      {
        status: 'unknown-identifiers',
        text: expect.stringMatching(/^books\.author_id is not in the schema/),
      },
      { status: 'ok', text: 'Matches the schema' },
    ];
    await expect.poll(() => verdicts(page)).toEqual(expected);
    await page.screenshot({ path: join(OUTPUT_DIR, 'sql-check.png'), fullPage: true });

    await page.reload();
    await chat.waitForAnswers(3);
    await expect.poll(() => verdicts(page)).toEqual(expected);
  });
});
