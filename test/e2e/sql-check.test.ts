// The SQL check in the demo, in real Chromium against the real stack: in the Bookstore project,
// a model that names a column that does not exist gets a warning with the closest real name under
// its SQL block, one that joins on a column the books table lacks is told so, the corrected query
// reads "Matches the schema", and a reload shows the same verdicts from the history.

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from '../fake-upstream/fake-upstream.js';
import { REPO_ROOT } from '../helpers/repo-root.js';
import { chatOn } from './helpers/chat-on.js';
import { closeAll } from './helpers/close-all.js';
import { launchBrowser } from './helpers/launch-browser.js';
import { type DemoProcess, startDemoProcess } from './helpers/start-demo-process.js';

const OUTPUT_DIR = join(REPO_ROOT, 'test-output', 'e2e');

/** What the scripted model answers, in the question itself (the fake upstream's directive). */
const answerWith = (markdown: string) =>
  `How do I list the books with their authors? [[fake:text=${encodeURIComponent(markdown)}]]`;
const WRONG_COLUMN =
  '```sql\nSELECT b.title, a.ful_name FROM books b JOIN book_authors ba ON ba.book_id = b.id JOIN authors a ON a.id = ba.author_id;\n```';
const WRONG_JOIN =
  '```sql\nSELECT b.title, a.full_name FROM books b JOIN authors a ON a.id = b.author_id;\n```';
const CORRECT =
  '```sql\nSELECT b.title, a.full_name FROM books b JOIN book_authors ba ON ba.book_id = b.id JOIN authors a ON a.id = ba.author_id;\n```';

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
afterAll(
  () =>
    closeAll(
      () => context?.close(),
      () => browser?.close(),
      () => demo?.stop(),
      () => upstream?.close(),
    ),
  30_000,
);

/** The verdicts under the answers' SQL blocks, in order: status and text. */
const verdicts = (page: Page) =>
  page.locator('#inline-chat').evaluate((element) =>
    Array.from(element.shadowRoot?.querySelectorAll('[part~="sql-check"]') ?? [], (node) => ({
      status: (node as HTMLElement).dataset.status,
      text: (node.textContent ?? '').replace(/\s+/g, ' ').trim(),
    })),
  );

describe('the SQL check in the demo', { timeout: 90_000 }, () => {
  it('warns under a wrong query, names the missing join column, passes the corrected one, and keeps it all after a reload', async () => {
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(demo.origin);
    await page.selectOption('#user-select', 'alice');
    await page.waitForFunction(() => {
      const select = document.querySelector<HTMLSelectElement>('#project-select');
      return !select?.disabled && select?.value === 'bookstore';
    });
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
