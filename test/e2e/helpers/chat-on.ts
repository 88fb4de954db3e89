// Drives one <schema-chat> element on a Playwright page the way a user does (type, Enter, Stop)
// and reads what it shows from its shadow root.

import type { Locator, Page } from 'playwright-core';

/** A <schema-chat> element on a page. */
export interface ChatElement {
  /** The element itself (Playwright's CSS engine pierces its open shadow root). */
  root: Locator;
  /** Types `text` into the composer and presses Enter. */
  ask(text: string): Promise<void>;
  /** The text of every assistant answer shown, whitespace collapsed. */
  answers(): Promise<string[]>;
  /** The text of every user message shown. */
  questions(): Promise<string[]>;
  /** Resolves once no answer is being written or loaded (the log is not busy). */
  waitForIdle(timeoutMs?: number): Promise<void>;
  /** Resolves once `count` answers are shown and the chat is idle. */
  waitForAnswers(count: number, timeoutMs?: number): Promise<string[]>;
  /**
   * Samples answer number `index` (0-based) on every animation frame from now on: what the user
   * saw, frame by frame. Call the returned function to stop and get the distinct texts in order.
   */
  recordAnswer(index: number): Promise<() => Promise<string[]>>;
  /** The element's current conversation id. */
  conversationId(): Promise<string | undefined>;
  stopButton: Locator;
  notice: Locator;
  error: Locator;
}

/** Collapses whitespace the way a reader sees it. */
export function normalizeText(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** The <schema-chat> matching `selector` on `page`. */
export function chatOn(page: Page, selector: string): ChatElement {
  const root = page.locator(selector);
  const texts = (role: 'user' | 'assistant') =>
    root.evaluate(
      (element, role) =>
        Array.from(
          element.shadowRoot?.querySelectorAll(`article.message.${role} .bubble`) ?? [],
          (bubble) => (bubble.textContent ?? '').replace(/\s+/g, ' ').trim(),
        ),
      role,
    );
  const waitForIdle = async (timeoutMs = 30_000) => {
    await page.waitForFunction(
      (selector) => {
        const log = document.querySelector(selector)?.shadowRoot?.querySelector('.log');
        return log?.getAttribute('aria-busy') === 'false';
      },
      selector,
      { timeout: timeoutMs },
    );
  };
  return {
    root,
    async ask(text) {
      const input = root.locator('textarea');
      await input.fill(text);
      await input.press('Enter');
    },
    answers: () => texts('assistant'),
    questions: () => texts('user'),
    waitForIdle,
    async waitForAnswers(count, timeoutMs = 30_000) {
      await page.waitForFunction(
        ({ selector, count }) => {
          const shadow = document.querySelector(selector)?.shadowRoot;
          const log = shadow?.querySelector('.log');
          const answers = shadow?.querySelectorAll('article.message.assistant') ?? [];
          return answers.length >= count && log?.getAttribute('aria-busy') === 'false';
        },
        { selector, count },
        { timeout: timeoutMs },
      );
      return texts('assistant');
    },
    async recordAnswer(index) {
      const key = `__schemaChatStates${Math.random().toString(36).slice(2)}`;
      await root.evaluate(
        (element, { index, key }) => {
          const states: string[] = [];
          const store = window as unknown as Record<string, { states: string[]; stop: boolean }>;
          store[key] = { states, stop: false };
          const tick = () => {
            const answers = element.shadowRoot?.querySelectorAll(
              'article.message.assistant .bubble',
            );
            const text = (answers?.[index]?.textContent ?? '').replace(/\s+/g, ' ').trim();
            if (text !== '' && text !== states.at(-1)) states.push(text);
            if (!store[key]?.stop) requestAnimationFrame(tick);
          };
          requestAnimationFrame(tick);
        },
        { index, key },
      );
      return () =>
        page.evaluate((key) => {
          const store = window as unknown as Record<string, { states: string[]; stop: boolean }>;
          const entry = store[key];
          if (!entry) return [];
          entry.stop = true;
          return entry.states;
        }, key);
    },
    conversationId: () =>
      root.evaluate(
        (element) => (element as HTMLElement & { conversationId?: string }).conversationId,
      ),
    stopButton: root.locator('button.stop'),
    notice: root.locator('.notice'),
    error: root.locator('.error'),
  };
}
