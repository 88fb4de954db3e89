// Accessibility of <schema-chat>: axe-core in every state, the log's live-region contract (one
// announcement per finished message), names on every control, real keyboard-only use, and the
// phone layout.
/// <reference types="mocha" />

import 'axe-core';
import { sendKeys, setViewport } from '@web/test-runner-commands';
import type { AxeResults, RunOptions } from 'axe-core';
import { expect } from 'chai';
import type { SchemaChat } from './schema-chat.component.js';
import {
  answerSteps,
  clientError,
  FakeChatClient,
  storedMessage,
} from './test-helpers/fake-chat-client.js';
import { $, $$, answers, has, mountChat, unmountAll, waitFor } from './test-helpers/mount-chat.js';

const CID = '0b6f3a52-1c2d-4e5f-8a9b-0c1d2e3f4a5b';
const axe = (
  window as unknown as { axe: { run(context: Element, options: RunOptions): Promise<AxeResults> } }
).axe;

/** Runs axe (WCAG 2.x A/AA and best practices) on the element, shadow DOM included. */
async function expectAccessible(chat: SchemaChat, state: string): Promise<void> {
  const results = await axe.run(chat, {
    runOnly: {
      type: 'tag',
      values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'],
    },
    // The test page has no landmarks or heading of its own; those rules judge pages, not widgets.
    rules: { region: { enabled: false }, 'page-has-heading-one': { enabled: false } },
  });
  const violations = results.violations.map(
    (violation) =>
      `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`,
  );
  expect(violations, state).to.deep.equal([]);
  expect(results.passes.length, 'axe checked something').to.be.greaterThan(5);
}

/** The accessible name a control gets from aria-label, aria-labelledby, a wrapping label or its text. */
function accessibleName(control: HTMLElement): string {
  const labelledBy = control.getAttribute('aria-labelledby');
  const root = control.getRootNode() as ShadowRoot;
  return (
    control.getAttribute('aria-label') ??
    (labelledBy ? root.getElementById(labelledBy)?.textContent : undefined) ??
    control.closest('label')?.textContent ??
    control.textContent ??
    ''
  ).trim();
}

describe('<schema-chat> accessibility', function () {
  this.timeout(60_000);
  beforeEach(() => localStorage.clear());
  afterEach(() => unmountAll());

  it('lets keyboard users scroll tables and long code lines (focusable regions)', async () => {
    const columns = Array.from({ length: 14 }, (_, i) => `column_number_${i}`);
    const wide = [
      `| ${columns.join(' | ')} |`,
      `|${columns.map(() => '---').join('|')}|`,
      `| ${columns.map((_, i) => `value_${i}_long`).join(' | ')} |`,
      '',
      '```sql',
      `SELECT ${columns.join(', ')} FROM a_table_with_a_long_name WHERE ${columns[0]} IS NOT NULL;`,
      '```',
    ].join('\n');
    const client = new FakeChatClient().setHistory(CID, [
      storedMessage('user', 'Show it all'),
      storedMessage('assistant', wide),
    ]);
    const chat = await mountChat({ client, attributes: { 'conversation-id': CID } });
    await waitFor(() => answers(chat).length === 1, 'the history');
    const table = $(chat, '.table-wrap');
    const pre = $(chat, '.code-block pre');
    // A long code line scrolls sideways once rendered (off-screen blocks skip layout). Table
    // cells wrap anywhere, but a table-wrap still scrolls while its block is skipped (sized by an
    // estimate): both must be focusable, so axe judges them as keyboard-scrollable regions.
    pre.scrollIntoView({ block: 'nearest' });
    await waitFor(() => pre.scrollWidth > pre.clientWidth, 'a sideways scroll');
    expect(pre.tabIndex).to.equal(0);
    expect(table.tabIndex).to.equal(0);
    expect(table.getAttribute('role')).to.equal('region');
    expect(table.getAttribute('aria-label')).to.equal('Table');
    await expectAccessible(chat, 'wide table and code');
  });

  it('passes axe empty, with a conversation, with an error, in dark theme and in launcher mode', async () => {
    const client = new FakeChatClient()
      .setHistory(CID, [
        storedMessage('user', 'Which tables?'),
        {
          ...storedMessage(
            'assistant',
            '## Tables\n\n| name | rows |\n|---|---|\n| users | 10 |\n\n- [docs](https://example.com/)\n\n```sql\nSELECT 1;\n```\n\n```sql\nSELECT nme FROM users;\n```',
          ),
          // Both kinds of verdict under the SQL blocks.
          sqlCheck: {
            blocks: [
              { index: 0, language: 'sql', status: 'ok', unknown: [] },
              {
                index: 1,
                language: 'sql',
                status: 'unknown-identifiers',
                unknown: [{ kind: 'column', name: 'nme', table: 'users', suggestion: 'name' }],
              },
            ],
          },
        },
      ])
      .queueStream([{ fail: clientError('RATE_LIMITED', { status: 429, retryAfter: 20 }) }]);
    const empty = await mountChat({ client: new FakeChatClient(), attributes: { theme: 'light' } });
    await expectAccessible(empty, 'empty');
    empty.remove();

    const chat = await mountChat({
      client,
      attributes: { 'conversation-id': CID, theme: 'light' },
    });
    await waitFor(() => answers(chat).length === 1, 'the history');
    expect($$(chat, '[part~="sql-check"]')).to.have.length(2);
    await expectAccessible(chat, 'with a conversation');
    await chat.send('More?');
    await chat.updateComplete;
    expect(has(chat, '[part~="error"]')).to.equal(true);
    await expectAccessible(chat, 'with an error');
    chat.theme = 'dark';
    await chat.updateComplete;
    await expectAccessible(chat, 'dark theme');

    const launcher = await mountChat({
      client: new FakeChatClient(),
      attributes: { mode: 'launcher' },
    });
    await expectAccessible(launcher, 'launcher closed');
    await launcher.open();
    await expectAccessible(launcher, 'launcher open');
  });

  it('passes axe with versions, ratings, Continue and Regenerate, the conversation list, usage and rtl', async () => {
    const client = new FakeChatClient()
      .setHistory(CID, [
        storedMessage('user', 'Which tables?'),
        {
          ...storedMessage('assistant', 'Second version.', 'a-2'),
          feedback: { rating: 'up' },
          previousVersions: [storedMessage('assistant', 'First version.', 'a-1')],
        },
        storedMessage('user', 'And the keys?'),
        { ...storedMessage('assistant', 'The keys are', 'a-3'), status: 'stopped' },
      ])
      .setConversations([
        {
          id: CID,
          projectId: 'p1',
          title: 'Which tables?',
          createdAt: '2026-03-01T10:00:00.000Z',
          updatedAt: '2026-03-01T10:00:00.000Z',
        },
      ]);
    client.usage = { used: 10, limit: 100, resetsAt: '2026-03-02T00:00:00.000Z' };
    const chat = await mountChat({
      client,
      attributes: { 'conversation-id': CID, theme: 'light', 'show-usage': '' },
    });
    await waitFor(() => has(chat, '[part~="continue-button"]'), 'the history');
    for (const name of ['version-switcher', 'feedback-up', 'regenerate-button', 'usage']) {
      expect(has(chat, `[part~="${name}"]`), name).to.equal(true);
    }
    await expectAccessible(chat, 'versions, ratings, Continue and Regenerate, usage');
    $(chat, '[part~="version-previous"]').click();
    await chat.updateComplete;
    await expectAccessible(chat, 'an earlier version shown');
    chat.theme = 'dark';
    await chat.updateComplete;
    await expectAccessible(chat, 'dark theme');
    $(chat, '[part~="conversations-button"]').click();
    await waitFor(() => has(chat, '[part~="conversation-item"]'), 'the list');
    $(chat, '[part~="conversation-delete"]').click();
    await chat.updateComplete;
    await expectAccessible(chat, 'the conversation list, a delete to confirm');
    document.documentElement.setAttribute('dir', 'rtl');
    try {
      await expectAccessible(chat, 'right to left');
    } finally {
      document.documentElement.removeAttribute('dir');
    }
  });

  it('is a polite role="log", busy while an answer streams, so that each message is announced once', async () => {
    const client = new FakeChatClient().queueStream(
      answerSteps(CID, ['One ', 'two ', 'three ', 'four.'], 60),
    );
    const chat = await mountChat({ client });
    const log = $(chat, '[part~="log"]');
    expect(log.getAttribute('role')).to.equal('log');
    expect(log.getAttribute('aria-live')).to.equal('polite');
    expect(log.getAttribute('aria-relevant')).to.equal('additions');
    expect(log.getAttribute('aria-label')).to.equal('Conversation');
    expect(log.getAttribute('aria-busy')).to.equal('false');
    // Every frame in which the answer's text changed must be inside the busy window.
    const busyWhileGrowing: string[] = [];
    let last = '';
    let recording = true;
    const record = () => {
      if (!recording) return;
      const text = answers(chat)[0] ?? '';
      if (text !== last) {
        busyWhileGrowing.push(log.getAttribute('aria-busy') ?? 'missing');
        last = text;
      }
      requestAnimationFrame(record);
    };
    requestAnimationFrame(record);
    const done = chat.send('Count');
    await waitFor(() => chat.shadowRoot?.querySelector('.typing'), 'the typing indicator');
    expect(log.getAttribute('aria-busy')).to.equal('true');
    expect($(chat, '.typing').getAttribute('aria-label')).to.equal('Assistant is typing');
    await done;
    recording = false;
    await chat.updateComplete;
    expect(busyWhileGrowing.length, 'frames with new text').to.be.at.least(2);
    // The last change (the final text) lands when busy clears; all earlier ones while busy.
    expect(
      busyWhileGrowing.slice(0, -1).every((state) => state === 'true'),
      busyWhileGrowing.join(),
    ).to.equal(true);
    expect(log.getAttribute('aria-busy')).to.equal('false');
    // Each message says who wrote it to a screen reader.
    expect($$(chat, '.message .sr-only').map((label) => label.textContent)).to.deep.equal([
      'You:',
      'Assistant:',
    ]);
  });

  it('gives every control an accessible name', async () => {
    const client = new FakeChatClient().queueStream(answerSteps(CID, ['```js\nx\n```\n']));
    const chat = await mountChat({ client, attributes: { mode: 'launcher' } });
    await chat.open();
    await chat.send('Code please');
    const controls = $$(chat, 'button, textarea, input, [tabindex]');
    expect(controls.length).to.be.at.least(7);
    for (const control of controls) {
      expect(accessibleName(control), control.outerHTML.slice(0, 80)).to.not.equal('');
    }
  });

  it('works with the keyboard alone: Tab through the controls, type, Enter to send, Space to toggle', async () => {
    const client = new FakeChatClient().queueStream(answerSteps(CID, ['Typed ', 'answer.'], 10));
    const chat = await mountChat({ client });
    const before = document.createElement('button');
    before.textContent = 'before';
    document.body.prepend(before);
    try {
      before.focus();
      const order: string[] = [];
      for (let i = 0; i < 6; i++) {
        await sendKeys({ press: 'Tab' });
        const active = chat.shadowRoot?.activeElement as HTMLElement | null;
        order.push(active?.getAttribute('part') ?? active?.getAttribute('role') ?? 'none');
      }
      expect(order).to.deep.equal([
        'switch',
        'button conversations-button',
        'button new-button',
        'log',
        'input',
        'button send-button',
      ]);
      // Back to the toggle and switch streaming off and on with Space.
      await sendKeys({ down: 'Shift' });
      for (let i = 0; i < 5; i++) await sendKeys({ press: 'Tab' });
      await sendKeys({ up: 'Shift' });
      expect(chat.shadowRoot?.activeElement?.getAttribute('role')).to.equal('switch');
      await sendKeys({ press: 'Space' });
      await chat.updateComplete;
      expect(chat.transport).to.equal('rest');
      await sendKeys({ press: 'Space' });
      await chat.updateComplete;
      expect(chat.transport).to.equal('sse');
      // Into the composer, type, Shift+Enter for a new line, Enter to send.
      for (let i = 0; i < 4; i++) await sendKeys({ press: 'Tab' });
      expect(chat.shadowRoot?.activeElement?.localName).to.equal('textarea');
      await sendKeys({ type: 'First line' });
      await sendKeys({ down: 'Shift' });
      await sendKeys({ press: 'Enter' });
      await sendKeys({ up: 'Shift' });
      await sendKeys({ type: 'second line' });
      await sendKeys({ press: 'Enter' });
      await waitFor(() => answers(chat)[0] === 'Typed answer.', 'the answer');
      expect(client.streamCalls[0]?.request.message).to.equal('First line\nsecond line');
      expect(chat.shadowRoot?.activeElement?.localName).to.equal('textarea');
    } finally {
      before.remove();
    }
  });

  it('opens the launcher with the keyboard and closes it with Escape', async () => {
    const chat = await mountChat({
      client: new FakeChatClient(),
      attributes: { mode: 'launcher' },
    });
    $(chat, '[part~="launcher"]').focus();
    await sendKeys({ press: 'Enter' });
    await waitFor(
      () => chat.shadowRoot?.activeElement?.localName === 'textarea',
      'focus in the composer',
    );
    await sendKeys({ press: 'Escape' });
    await waitFor(() => $(chat, '[part~="panel"]').hidden, 'the panel to close');
    await chat.updateComplete;
    expect(chat.shadowRoot?.activeElement?.getAttribute('part')).to.equal('launcher button');
  });

  it('on a phone, the launcher panel fills the visual viewport with the composer inside it', async () => {
    await setViewport({ width: 375, height: 667 });
    try {
      const chat = await mountChat({
        client: new FakeChatClient(),
        attributes: { mode: 'launcher' },
      });
      await chat.open();
      // The on-screen keyboard resizes the visual viewport; the panel follows it.
      window.visualViewport?.dispatchEvent(new Event('resize'));
      const panel = $(chat, '[part~="panel"]').getBoundingClientRect();
      const viewportHeight = window.visualViewport?.height ?? window.innerHeight;
      expect(Math.round(panel.width)).to.equal(375);
      expect(Math.round(panel.top)).to.equal(0);
      expect(Math.abs(panel.height - viewportHeight)).to.be.below(2);
      const composer = $(chat, '[part~="composer"]').getBoundingClientRect();
      expect(composer.bottom).to.be.at.most(viewportHeight + 1);
      expect(getComputedStyle($(chat, 'textarea')).fontSize).to.equal('16px');
    } finally {
      await setViewport({ width: 800, height: 600 });
    }
  });
});
