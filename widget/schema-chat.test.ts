// Behaviour of <schema-chat> in Chromium with a scripted client: rendering, the stream toggle,
// progressive text, stop, errors and retry, REST fallback, history, memory, keyboard, events.
/// <reference types="mocha" />

import { expect } from 'chai';
import { conversationStorageKey } from './conversation-memory.js';
import type { SchemaChatConversationChangeEvent } from './events/schema-chat-conversation-change-event.js';
import type { SchemaChatErrorEvent } from './events/schema-chat-error-event.js';
import type { SchemaChatResponseEvent } from './events/schema-chat-response-event.js';
import type { SchemaChatSendEvent } from './events/schema-chat-send-event.js';
import {
  answerSteps,
  clientError,
  completeEvent,
  FakeChatClient,
  restResponse,
  storedMessage,
} from './test-helpers/fake-chat-client.js';
import {
  $,
  $$,
  answers,
  has,
  mountChat,
  nextFrame,
  typeAndPress,
  unmountAll,
  waitFor,
} from './test-helpers/mount-chat.js';

const CID = '0b6f3a52-1c2d-4e5f-8a9b-0c1d2e3f4a5b';
const OTHER_CID = '7c1e2d3f-4a5b-4c6d-9e8f-0a1b2c3d4e5f';

/** An unsigned JWT with the given claims (the widget only reads `sub`; the server verifies). */
function fakeJwt(claims: Record<string, unknown>): string {
  const encode = (value: unknown) =>
    btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  return `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode(claims)}.signature`;
}

function collect<T extends Event>(target: EventTarget, type: string): T[] {
  const events: T[] = [];
  target.addEventListener(type, (event) => events.push(event as T));
  return events;
}

describe('<schema-chat>', () => {
  beforeEach(() => localStorage.clear());
  afterEach(() => unmountAll());

  it('keeps the heading whole in a narrow panel by hiding the toggle label visually, not from assistive tech', async () => {
    const chat = await mountChat({
      client: new FakeChatClient(),
      attributes: { heading: 'Ask about the bookstore' },
    });
    chat.style.width = '22rem';
    await nextFrame();
    await nextFrame();
    const title = $(chat, '.title');
    expect(title.scrollWidth).to.be.at.most(title.clientWidth);
    const label = $(chat, '.toggle-text');
    expect(label.getBoundingClientRect().width).to.be.at.most(1);
    const toggle = $(chat, '[part~="toggle"] input') as HTMLInputElement;
    expect(toggle.labels?.[0]?.textContent).to.contain('Stream responses');
    chat.style.width = '40rem';
    await nextFrame();
    await nextFrame();
    expect($(chat, '.toggle-text').getBoundingClientRect().width).to.be.greaterThan(20);
  });

  it('renders the header, the stream toggle switched on, an empty log and the composer', async () => {
    const chat = await mountChat({ client: new FakeChatClient() });
    expect($(chat, '.title').textContent).to.equal('Schema assistant');
    const toggle = $(chat, '[part~="toggle"] input') as HTMLInputElement;
    expect(toggle.checked).to.equal(true);
    expect($(chat, '[part~="toggle"]').textContent).to.contain('Stream responses');
    // The lightning bolt, drawn as SVG (not inert HTML elements named "path").
    const bolt = $(chat, '[part~="toggle"] svg path') as unknown as SVGPathElement;
    expect(bolt instanceof SVGPathElement).to.equal(true);
    expect(bolt.getAttribute('d')).to.match(/^M13 2/);
    expect(bolt.getBBox().height).to.be.greaterThan(10);
    for (const button of $$(chat, 'button')) {
      const icon = button.querySelector('svg path, svg rect') as SVGGraphicsElement | null;
      expect(icon instanceof SVGGraphicsElement, button.getAttribute('part') ?? '').to.equal(true);
      expect(icon?.getBBox().width, button.getAttribute('part') ?? '').to.be.greaterThan(5);
    }
    expect($(chat, '.empty').textContent).to.contain('Ask anything');
    expect($(chat, 'textarea').getAttribute('placeholder')).to.equal('Ask about your schema…');
    expect($$(chat, '[part~="send-button"]').length).to.equal(1);
    expect(chat.getAttribute('transport')).to.equal('sse');
  });

  it('shows a typing indicator, then the answer in at least three growing states, then the final text', async () => {
    const client = new FakeChatClient().queueStream(
      answerSteps(CID, ['The ', '`users` ', 'table ', 'has ', 'an ', '`id` ', 'column.'], 60),
    );
    const chat = await mountChat({ client });
    const states: string[] = [];
    let sawTyping = false;
    let sawCursor = false;
    let recording = true;
    const record = () => {
      if (!recording) return;
      if (chat.shadowRoot?.querySelector('.typing')) sawTyping = true;
      if (chat.shadowRoot?.querySelector('.bubble.streaming')) sawCursor = true;
      const text = answers(chat)[0];
      if (text && text !== states.at(-1)) states.push(text);
      requestAnimationFrame(record);
    };
    requestAnimationFrame(record);
    const sent = await chat.send('What is in users?');
    recording = false;
    expect(sent).to.equal(true);
    expect(sawTyping, 'typing indicator before the first token').to.equal(true);
    expect(sawCursor, 'cursor while streaming').to.equal(true);
    expect(states.length, `states: ${JSON.stringify(states)}`).to.be.at.least(3);
    for (let i = 1; i < states.length; i++) {
      expect(
        states[i]?.startsWith(states[i - 1] ?? '\u0000'),
        `state ${i} grows state ${i - 1}`,
      ).to.equal(true);
    }
    expect(answers(chat)).to.deep.equal(['The users table has an id column.']);
    expect($$(chat, '.bubble code').map((code) => code.textContent)).to.deep.equal(['users', 'id']);
    expect(has(chat, '.bubble.streaming')).to.equal(false);
    expect(client.streamCalls[0]?.request).to.deep.equal({
      projectId: 'p1',
      message: 'What is in users?',
    });
  });

  it('sends through POST /chat when the stream toggle is switched off', async () => {
    const client = new FakeChatClient().queueSend(restResponse(CID, 'Two tables.'));
    const chat = await mountChat({ client });
    const toggle = $(chat, '[part~="toggle"] input') as HTMLInputElement;
    toggle.click();
    await chat.updateComplete;
    expect(chat.transport).to.equal('rest');
    expect(chat.getAttribute('transport')).to.equal('rest');
    const responses = collect<SchemaChatResponseEvent>(document, 'schema-chat-response');
    expect(await chat.send('How many tables?')).to.equal(true);
    expect(client.streamCalls).to.have.length(0);
    expect(client.sendCalls).to.have.length(1);
    expect(answers(chat)).to.deep.equal(['Two tables.']);
    expect(responses[0]?.detail).to.include({
      transport: 'rest',
      status: 'complete',
      conversationId: CID,
    });
  });

  it("stops an answer: keeps the partial text marked stopped, tells the server, and reports the stopped answer's model and usage", async () => {
    const client = new FakeChatClient().queueStream([
      { event: { type: 'conversationId', conversationId: CID } },
      { event: { type: 'token', content: 'Partial ' } },
      { event: { type: 'token', content: 'answer' } },
      { hold: true },
    ]);
    const chat = await mountChat({ client });
    const responses = collect<SchemaChatResponseEvent>(chat, 'schema-chat-response');
    const done = chat.send('Explain the schema');
    await waitFor(() => answers(chat)[0] === 'Partial answer', 'the partial answer');
    const stop = $(chat, '[part~="stop-button"]');
    expect(stop.getAttribute('aria-label')).to.equal('Stop');
    stop.click();
    expect(await done).to.equal(true);
    await chat.updateComplete;
    expect(answers(chat)).to.deep.equal(['Partial answer']);
    expect($(chat, '.message.assistant .mark').textContent).to.equal('Stopped');
    expect(client.stopCalls).to.deep.equal([CID]);
    // The server ended the stream with the stopped answer; nothing is left open.
    expect(client.openStreams).to.equal(0);
    expect(responses.map((event) => event.detail.status)).to.deep.equal(['stopped']);
    expect(responses[0]?.detail.content).to.equal('Partial answer');
    expect(responses[0]?.detail).to.deep.include({
      conversationId: CID,
      messageId: `answer-of-${CID}`,
      model: 'fake-model',
      finishReason: 'stopped',
      usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 },
    });
    expect($$(chat, '[part~="send-button"]').length).to.equal(1);
    expect(chat.shadowRoot?.activeElement?.tagName).to.equal('TEXTAREA');
  });

  it('stops a new conversation on the server once the stream names it', async () => {
    const client = new FakeChatClient().queueStream([
      { wait: 150 },
      { event: { type: 'conversationId', conversationId: CID } },
      { hold: true },
    ]);
    const chat = await mountChat({ client });
    void chat.send('Hello');
    await waitFor(() => chat.shadowRoot?.querySelector('.typing'), 'the typing indicator');
    chat.stop();
    expect(client.stopCalls).to.deep.equal([]);
    await waitFor(() => client.stopCalls.length === 1, 'the stop request');
    expect(client.stopCalls).to.deep.equal([CID]);
    await waitFor(() => client.openStreams === 0, 'the stream to end');
    expect(chat.conversationId).to.equal(CID);
  });

  it('shows the error with its code and retries with the same idempotency key when it is retryable', async () => {
    const client = new FakeChatClient()
      .queueStream([
        { fail: clientError('UPSTREAM_UNAVAILABLE', { status: 503, retryable: true }) },
      ])
      .queueStream(answerSteps(CID, ['Recovered.']));
    const chat = await mountChat({ client });
    const errors = collect<SchemaChatErrorEvent>(document, 'schema-chat-error');
    expect(await chat.send('Hi')).to.equal(false);
    await chat.updateComplete;
    const error = $(chat, '[part~="error"]');
    expect(error.getAttribute('role')).to.equal('alert');
    expect(error.textContent).to.contain('The assistant is unavailable right now');
    expect($(chat, '[part~="error"] code').textContent).to.equal('503 UPSTREAM_UNAVAILABLE');
    expect(errors[0]?.detail).to.include({
      code: 'UPSTREAM_UNAVAILABLE',
      status: 503,
      operation: 'send',
    });
    expect($$(chat, '.message.assistant').length).to.equal(0);

    $(chat, '[part~="retry-button"]').click();
    await waitFor(() => answers(chat)[0] === 'Recovered.', 'the retried answer');
    expect(client.streamCalls).to.have.length(2);
    expect(client.streamCalls[1]?.idempotencyKey).to.equal(client.streamCalls[0]?.idempotencyKey);
    expect($$(chat, '.message.user').length).to.equal(1);
    expect(has(chat, '[part~="error"]')).to.equal(false);
  });

  it('retries a non-retryable failure as a new turn (new idempotency key)', async () => {
    const client = new FakeChatClient()
      .queueStream([{ fail: clientError('AUTH_EXPIRED', { status: 401 }) }])
      .queueStream(answerSteps(CID, ['Signed in again.']));
    const chat = await mountChat({ client });
    await chat.send('Hi');
    await chat.updateComplete;
    $(chat, '[part~="retry-button"]').click();
    await waitFor(() => answers(chat)[0] === 'Signed in again.', 'the retried answer');
    expect(client.streamCalls[1]?.idempotencyKey).to.not.equal(
      client.streamCalls[0]?.idempotencyKey,
    );
  });

  it("counts a 429's wait down on a disabled retry button, then retries the same turn", async () => {
    const client = new FakeChatClient()
      .queueStream([
        { fail: clientError('RATE_LIMITED', { status: 429, retryAfter: 2, retryable: true }) },
      ])
      .queueStream(answerSteps(CID, ['After the wait.']));
    const chat = await mountChat({ client });
    await chat.send('Hi');
    await chat.updateComplete;
    const button = () => $(chat, '[part~="retry-button"]') as HTMLButtonElement;
    expect(button().disabled).to.equal(true);
    expect(button().textContent?.trim()).to.equal('Retry in 2 s');
    // The alert keeps its text (announced once), only the button counts.
    expect($(chat, '.error-text').textContent).to.contain('Try again in 2 s');
    await waitFor(() => button().textContent?.trim() === 'Retry in 1 s', 'the countdown');
    expect(button().disabled).to.equal(true);
    await waitFor(() => !button().disabled, 'the end of the wait', 4000);
    expect(button().textContent?.trim()).to.equal('Retry');
    expect(client.streamCalls).to.have.length(1);
    button().click();
    await waitFor(() => answers(chat)[0] === 'After the wait.', 'the retried answer');
    expect(client.streamCalls[1]?.idempotencyKey).to.equal(client.streamCalls[0]?.idempotencyKey);
  });

  const errorCases = [
    { code: 'AUTH_EXPIRED', status: 401, text: 'Sign in again', shown: '401 AUTH_EXPIRED' },
    {
      code: 'PROJECT_NOT_FOUND',
      status: 404,
      text: 'was not found',
      shown: '404 PROJECT_NOT_FOUND',
    },
    {
      code: 'TURN_IN_PROGRESS',
      status: 409,
      text: 'still being written',
      shown: '409 TURN_IN_PROGRESS',
    },
    {
      code: 'RATE_LIMITED',
      status: 429,
      retryAfter: 30,
      text: 'Try again in 30 s',
      shown: '429 RATE_LIMITED',
    },
    {
      code: 'NETWORK_ERROR',
      status: 0,
      text: 'could not be reached',
      shown: 'NETWORK_ERROR',
      rest: true,
    },
  ] as const;
  for (const errorCase of errorCases) {
    it(`explains ${errorCase.shown} to the user`, async () => {
      const error = clientError(errorCase.code, {
        status: errorCase.status,
        ...('retryAfter' in errorCase ? { retryAfter: errorCase.retryAfter } : {}),
      });
      const client = new FakeChatClient().queueSend(error);
      // NETWORK_ERROR on a stream would make the client fall back to REST; REST shows it as it is.
      const chat = await mountChat({ client, attributes: { transport: 'rest' } });
      await chat.send('Hi');
      await chat.updateComplete;
      expect($(chat, '.error-text').textContent).to.contain(errorCase.text);
      expect($(chat, '[part~="error"] code').textContent).to.equal(errorCase.shown);
    });
  }

  it('shows an error event of an open stream by its code alone, with a retry', async () => {
    const client = new FakeChatClient().queueStream([
      { event: { type: 'conversationId', conversationId: CID } },
      { fail: clientError('UPSTREAM_UNAVAILABLE', { status: 200, retryable: true }) },
    ]);
    const chat = await mountChat({ client });
    const errors = collect<SchemaChatErrorEvent>(chat, 'schema-chat-error');
    await chat.send('Hi');
    await chat.updateComplete;
    expect($(chat, '[part~="error"] code').textContent).to.equal('UPSTREAM_UNAVAILABLE');
    expect(errors[0]?.detail.status).to.equal(0);
    expect(has(chat, '[part~="retry-button"]')).to.equal(true);
  });

  it('offers no retry for what the server refuses as such: a forbidden origin, a missing project or conversation', async () => {
    for (const [code, status] of [
      ['FORBIDDEN_ORIGIN', 403],
      ['PROJECT_NOT_FOUND', 404],
    ] as const) {
      const client = new FakeChatClient().queueStream([{ fail: clientError(code, { status }) }]);
      const chat = await mountChat({ client });
      await chat.send('Hi');
      await chat.updateComplete;
      expect($(chat, '[part~="error"] code').textContent).to.equal(`${status} ${code}`);
      expect(has(chat, '[part~="retry-button"]'), code).to.equal(false);
    }
    // The pinned conversation is not there (any more).
    const chat = await mountChat({
      client: new FakeChatClient(),
      attributes: { 'conversation-id': OTHER_CID },
    });
    await waitFor(() => has(chat, '[part~="error"]'), 'the history error');
    expect($(chat, '[part~="error"] code').textContent).to.equal('404 CONVERSATION_NOT_FOUND');
    expect(has(chat, '[part~="retry-button"]')).to.equal(false);
  });

  it('keeps a partial answer marked interrupted when the stream fails midway', async () => {
    const client = new FakeChatClient().queueStream([
      { event: { type: 'conversationId', conversationId: CID } },
      { event: { type: 'token', content: 'Half an ' } },
      { fail: clientError('UPSTREAM_TIMEOUT', { status: 504, retryable: true }) },
    ]);
    const chat = await mountChat({ client });
    await chat.send('Hi');
    await chat.updateComplete;
    expect(answers(chat)).to.deep.equal(['Half an']);
    expect($(chat, '.message.assistant .mark').textContent).to.equal('Interrupted');
    expect($(chat, '[part~="error"] code').textContent).to.equal('504 UPSTREAM_TIMEOUT');
  });

  it('falls back to POST /chat with the same idempotency key when the stream cannot start', async () => {
    const client = new FakeChatClient()
      .queueStream([{ wait: 10 }, { fail: clientError('NETWORK_ERROR') }])
      .queueSend(restResponse(CID, 'Answered without streaming.'));
    const chat = await mountChat({ client });
    const responses = collect<SchemaChatResponseEvent>(chat, 'schema-chat-response');
    expect(await chat.send('Hi')).to.equal(true);
    await chat.updateComplete;
    expect(answers(chat)).to.deep.equal(['Answered without streaming.']);
    expect(client.sendCalls[0]?.idempotencyKey).to.equal(client.streamCalls[0]?.idempotencyKey);
    expect($(chat, '[part~="notice"]').textContent).to.contain('Streaming is unavailable');
    expect(responses[0]?.detail.transport).to.equal('rest');
    expect(chat.conversationId).to.equal(CID);
  });

  it('shows only the error, no fallback notice, when the REST fallback fails too', async () => {
    const client = new FakeChatClient().queueStream([{ fail: clientError('NETWORK_ERROR') }]);
    const chat = await mountChat({ client });
    expect(await chat.send('Hi')).to.equal(false);
    await chat.updateComplete;
    expect(client.sendCalls).to.have.length(1);
    expect($(chat, '[part~="error"] code').textContent).to.equal('NETWORK_ERROR');
    expect(has(chat, '[part~="notice"]')).to.equal(false);
  });

  it('says so when the client itself fell back to REST, without a second fallback', async () => {
    const client = new FakeChatClient().queueStream([
      { fallback: 'stream did not open' },
      ...answerSteps(CID, ['Whole answer.']),
    ]);
    const chat = await mountChat({ client });
    await chat.send('Hi');
    await chat.updateComplete;
    expect($(chat, '[part~="notice"]').textContent).to.contain('Streaming is unavailable');
    expect(client.sendCalls).to.have.length(0);
    expect(answers(chat)).to.deep.equal(['Whole answer.']);
  });

  it('shows earlier messages page by page above the latest ones, the reader going on where they were', async () => {
    const filler = 'The orders table references customers through customer_id. '.repeat(12);
    const history = Array.from({ length: 10 }, (_, i) =>
      storedMessage(i % 2 === 0 ? 'user' : 'assistant', `Message ${i}. ${filler}`),
    );
    const client = new FakeChatClient().setHistory(CID, history, 0, 4);
    const chat = await mountChat({ client, attributes: { 'conversation-id': CID } });
    const messages = () => $$(chat, '.message');
    const shown = () =>
      messages().map((message) => /Message \d+/.exec(message.textContent ?? '')?.[0]);
    await waitFor(() => shown().length === 4, 'the latest page');
    expect(shown()).to.deep.equal(['Message 6', 'Message 7', 'Message 8', 'Message 9']);
    const older = () =>
      chat.shadowRoot?.querySelector<HTMLButtonElement>('[part~="older-button"]') ?? null;
    expect(older()?.textContent?.trim()).to.equal('Show earlier messages');

    // The reader scrolls up to the button and asks for more.
    const log = $(chat, '.log');
    log.scrollTop = 0;
    await new Promise((resolve) => requestAnimationFrame(resolve));
    const wasFirst = messages()[0] as HTMLElement;
    const logTop = () =>
      log.getBoundingClientRect().top + Number.parseFloat(getComputedStyle(log).paddingTop);
    older()?.click();
    await waitFor(() => shown().length === 8, 'the second page');
    // Once the earlier messages have rendered in place of their size estimates, too.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(shown().slice(0, 4)).to.deep.equal(['Message 2', 'Message 3', 'Message 4', 'Message 5']);
    expect(Math.abs(wasFirst.getBoundingClientRect().top - logTop())).to.be.below(2);
    expect(log.scrollTop).to.be.above(0);

    older()?.click();
    await waitFor(() => shown().length === 10, 'the first page');
    expect(shown()[0]).to.equal('Message 0');
    await chat.updateComplete;
    expect(older()).to.equal(null);
    expect(client.historyCursors).to.deep.equal([undefined, '6', '2']);
  });

  it('offers no earlier messages once a new conversation starts', async () => {
    const history = Array.from({ length: 6 }, (_, i) => storedMessage('user', `Message ${i}.`));
    const client = new FakeChatClient().setHistory(CID, history, 0, 2);
    const chat = await mountChat({ client, attributes: { 'conversation-id': CID } });
    await waitFor(() => has(chat, '[part~="older-button"]'), 'the older button');
    chat.newConversation();
    await chat.updateComplete;
    expect(has(chat, '[part~="older-button"]')).to.equal(false);
  });

  it('loads the remembered conversation with its history on start', async () => {
    const token = fakeJwt({ sub: 'user-7' });
    localStorage.setItem(conversationStorageKey(undefined, 'user-7', 'p1'), CID);
    const client = new FakeChatClient().setHistory(
      CID,
      [storedMessage('user', 'Which tables?'), storedMessage('assistant', 'Just **users**.')],
      100,
    );
    const changes = collect<SchemaChatConversationChangeEvent>(
      document,
      'schema-chat-conversation-change',
    );
    const chat = await mountChat({ client, attributes: { token } });
    expect($(chat, '.loading').textContent).to.contain('Loading');
    expect($(chat, '.log').getAttribute('aria-busy')).to.equal('true');
    await waitFor(() => answers(chat).length === 1, 'the history');
    expect(client.historyCalls).to.deep.equal([CID]);
    expect($$(chat, '.message.user .bubble').map((bubble) => bubble.textContent)).to.deep.equal([
      'Which tables?',
    ]);
    expect($(chat, '.message.assistant strong').textContent).to.equal('users');
    expect(chat.conversationId).to.equal(CID);
    expect(changes[0]?.detail.conversationId).to.equal(CID);
  });

  it("keeps two widgets of the user's conversation in step: a turn or a new conversation in one shows in the other", async () => {
    const token = fakeJwt({ sub: 'erin' });
    const client = new FakeChatClient()
      .queueStream(answerSteps(CID, ['From the inline chat.']))
      .setHistory(CID, [
        storedMessage('user', 'Hi'),
        storedMessage('assistant', 'From the inline chat.'),
      ]);
    const inline = await mountChat({ client, attributes: { token } });
    const launcher = await mountChat({ client, attributes: { token, mode: 'launcher' } });
    // A widget the host pointed at another conversation stays on it.
    const pinned = await mountChat({
      client: new FakeChatClient().setHistory(OTHER_CID, [storedMessage('assistant', 'Pinned.')]),
      attributes: { token, 'conversation-id': OTHER_CID },
    });
    await waitFor(() => answers(pinned)[0] === 'Pinned.', 'the pinned history');

    await inline.send('Hi');
    await waitFor(() => answers(launcher)[0] === 'From the inline chat.', 'the launcher following');
    expect(launcher.conversationId).to.equal(CID);
    expect(answers(pinned)).to.deep.equal(['Pinned.']);
    expect(pinned.conversationId).to.equal(OTHER_CID);

    inline.newConversation();
    await waitFor(() => answers(launcher).length === 0, 'the launcher starting over too');
    expect(launcher.conversationId).to.equal(undefined);
    expect(answers(pinned)).to.deep.equal(['Pinned.']);
  });

  it('keeps a turn sent while the widget is still finding out who the user is', async () => {
    // The host hands the client over after the element is on the page, then sends at once: the
    // start-up (asking the client whose conversation to show) ends while the answer streams.
    const chat = await mountChat();
    const client = new FakeChatClient().queueStream(answerSteps(CID, ['Kept', ' whole.']));
    chat.client = client;
    await chat.updateComplete;
    expect(await chat.send('Hi')).to.equal(true);
    expect(answers(chat)).to.deep.equal(['Kept whole.']);
    expect(chat.conversationId).to.equal(CID);
    // The late start-up neither reloaded nor cleared what the turn showed.
    expect(client.historyCalls).to.deep.equal([]);
    expect(has(chat, '[part~="error"]')).to.equal(false);
  });

  it('remembers the conversation per user when the host hands over a ready client', async () => {
    const client = new FakeChatClient().queueStream(answerSteps(CID, ['Hi.']));
    client.token = fakeJwt({ sub: 'carol' });
    const chat = await mountChat({ client });
    await chat.send('Hi');
    expect(localStorage.getItem(conversationStorageKey(undefined, 'carol', 'p1'))).to.equal(CID);
    expect(localStorage.getItem(conversationStorageKey(undefined, undefined, 'p1'))).to.equal(null);
  });

  it('opens the remembered conversation of the new project, not the one it picked in the old', async () => {
    const token = fakeJwt({ sub: 'alice' });
    const client = new FakeChatClient()
      .queueStream(answerSteps(CID, ['About books.']))
      .queueStream(answerSteps(OTHER_CID, ['About tickets.']))
      .setHistory(CID, [
        storedMessage('user', 'Books?'),
        storedMessage('assistant', 'About books.'),
      ]);
    const chat = await mountChat({ client, attributes: { token } });
    await chat.send('Books?');
    expect(chat.conversationId).to.equal(CID);

    chat.projectId = 'p2';
    await chat.updateComplete;
    await chat.updateComplete;
    expect(chat.conversationId).to.equal(undefined);
    expect($$(chat, '.message').length).to.equal(0);
    expect(client.historyCalls).to.deep.equal([]);
    expect(await chat.send('Tickets?')).to.equal(true);
    expect(client.streamCalls[1]?.request).to.deep.equal({ projectId: 'p2', message: 'Tickets?' });
    expect(localStorage.getItem(conversationStorageKey(undefined, 'alice', 'p2'))).to.equal(
      OTHER_CID,
    );

    // Back in the first project, its conversation is there again.
    chat.projectId = 'p1';
    await waitFor(() => answers(chat)[0] === 'About books.', "the first project's conversation");
    expect(chat.conversationId).to.equal(CID);
    expect(client.historyCalls).to.deep.equal([CID]);
  });

  it("opens the new user's remembered conversation, never the previous user's", async () => {
    localStorage.setItem(conversationStorageKey(undefined, 'bob', 'p1'), OTHER_CID);
    const client = new FakeChatClient()
      .queueStream(answerSteps(CID, ['For alice.']))
      .setHistory(OTHER_CID, [storedMessage('assistant', 'For bob.')]);
    const chat = await mountChat({ client, attributes: { token: fakeJwt({ sub: 'alice' }) } });
    await chat.send('Hi');
    expect(chat.conversationId).to.equal(CID);
    const errors = collect<SchemaChatErrorEvent>(chat, 'schema-chat-error');

    chat.token = fakeJwt({ sub: 'bob' });
    await waitFor(() => answers(chat)[0] === 'For bob.', "bob's conversation");
    expect(chat.conversationId).to.equal(OTHER_CID);
    expect(client.historyCalls).to.deep.equal([OTHER_CID]);
    expect(errors).to.have.length(0);

    // A user with nothing remembered starts a new conversation.
    chat.token = fakeJwt({ sub: 'carol' });
    await chat.updateComplete;
    await chat.updateComplete;
    expect(chat.conversationId).to.equal(undefined);
    expect($$(chat, '.message').length).to.equal(0);
    expect(client.historyCalls).to.deep.equal([OTHER_CID]);
  });

  it('opens the remembered conversation when the host switches user and project at once, as the demo does', async () => {
    localStorage.setItem(conversationStorageKey(undefined, 'bob', 'p2'), OTHER_CID);
    const alice = new FakeChatClient().queueStream(answerSteps(CID, ['For alice.']));
    alice.token = fakeJwt({ sub: 'alice' });
    const chat = await mountChat({ client: alice });
    await chat.send('Hi');
    expect(chat.conversationId).to.equal(CID);

    const bob = new FakeChatClient().setHistory(OTHER_CID, [storedMessage('assistant', 'Bob p2.')]);
    bob.token = fakeJwt({ sub: 'bob' });
    chat.client = bob;
    chat.projectId = 'p2';
    await waitFor(() => answers(chat)[0] === 'Bob p2.', "bob's conversation in p2");
    expect(bob.historyCalls).to.deep.equal([OTHER_CID]);
    expect(alice.historyCalls).to.deep.equal([]);
    expect(has(chat, '[part~="error"]')).to.equal(false);
  });

  it('opens the new user’s conversation when the host sets a getToken for someone else, and keeps the view for the same user', async () => {
    localStorage.setItem(conversationStorageKey(undefined, 'bob', 'p1'), OTHER_CID);
    const client = new FakeChatClient()
      .queueStream(answerSteps(CID, ['For alice.']))
      .setHistory(OTHER_CID, [storedMessage('assistant', 'For bob.')]);
    const chat = await mountChat({
      client,
      properties: { getToken: () => fakeJwt({ sub: 'alice' }) },
    });
    await chat.send('Hi');
    expect(chat.conversationId).to.equal(CID);

    // The same user again (a host that sets a new function each time): nothing changes.
    chat.getToken = () => fakeJwt({ sub: 'alice' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(chat.conversationId).to.equal(CID);
    expect(answers(chat)).to.deep.equal(['For alice.']);

    chat.getToken = () => Promise.resolve(fakeJwt({ sub: 'bob' }));
    await waitFor(() => answers(chat)[0] === 'For bob.', "bob's conversation");
    expect(chat.conversationId).to.equal(OTHER_CID);
    expect(client.historyCalls).to.deep.equal([OTHER_CID]);
  });

  it('stays on a conversation the host pinned when the project changes, until it starts a new one', async () => {
    const client = new FakeChatClient()
      .setHistory(OTHER_CID, [storedMessage('assistant', 'Pinned.')])
      .queueStream(answerSteps(CID, ['Fresh.']));
    const chat = await mountChat({ client, attributes: { 'conversation-id': OTHER_CID } });
    await waitFor(() => answers(chat)[0] === 'Pinned.', 'the pinned history');
    chat.projectId = 'p2';
    await waitFor(() => client.historyCalls.length === 2, 'the pinned history again');
    expect(chat.conversationId).to.equal(OTHER_CID);
    chat.newConversation();
    await chat.send('New');
    expect(chat.conversationId).to.equal(CID);
    chat.projectId = 'p3';
    await waitFor(() => chat.conversationId === undefined, 'a new conversation in p3');
    expect($$(chat, '.message').length).to.equal(0);
    expect(client.historyCalls).to.deep.equal([OTHER_CID, OTHER_CID]);
  });

  it("keeps each user's conversation apart and stores the id, never the token", async () => {
    const token = fakeJwt({ sub: 'alice' });
    const client = new FakeChatClient().queueStream(answerSteps(CID, ['Hi.']));
    const chat = await mountChat({ client, attributes: { token } });
    await chat.send('Hi');
    expect(localStorage.getItem(conversationStorageKey(undefined, 'alice', 'p1'))).to.equal(CID);
    expect(localStorage.getItem(conversationStorageKey(undefined, 'bob', 'p1'))).to.equal(null);
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i) ?? '';
      expect(key + (localStorage.getItem(key) ?? '')).to.not.contain(token.split('.')[1]);
    }
    // Another user on the same browser starts fresh.
    const other = await mountChat({
      client: new FakeChatClient(),
      attributes: { token: fakeJwt({ sub: 'bob' }) },
    });
    expect(other.conversationId).to.equal(undefined);
  });

  it('quietly forgets a remembered conversation that the server no longer has', async () => {
    const key = conversationStorageKey(undefined, undefined, 'p1');
    localStorage.setItem(key, CID);
    const client = new FakeChatClient(); // no history: 404 CONVERSATION_NOT_FOUND
    const chat = await mountChat({ client });
    await waitFor(() => client.historyCalls.length === 1, 'the history request');
    await waitFor(() => chat.conversationId === undefined, 'the conversation to be dropped');
    await chat.updateComplete;
    expect(has(chat, '[part~="error"]')).to.equal(false);
    expect(localStorage.getItem(key)).to.equal(null);
    expect(has(chat, '.empty')).to.equal(true);
  });

  it('shows a failed history load with a retry that loads it again', async () => {
    const client = new FakeChatClient().setHistory(
      CID,
      clientError('SERVER_BUSY', { status: 503, retryable: true }),
    );
    const chat = await mountChat({ client, attributes: { 'conversation-id': CID } });
    await waitFor(() => chat.shadowRoot?.querySelector('[part~="error"]'), 'the error');
    expect($(chat, '.error-text').textContent).to.contain('The conversation could not be loaded.');
    client.setHistory(CID, [storedMessage('assistant', 'Back.')]);
    $(chat, '[part~="retry-button"]').click();
    await waitFor(() => answers(chat)[0] === 'Back.', 'the history');
    expect(client.historyCalls).to.deep.equal([CID, CID]);
  });

  it('continues the conversation named by the conversation-id attribute', async () => {
    const client = new FakeChatClient()
      .setHistory(CID, [storedMessage('user', 'First'), storedMessage('assistant', 'One.')])
      .queueStream(answerSteps(CID, ['Two.']));
    const chat = await mountChat({ client, attributes: { 'conversation-id': CID } });
    await waitFor(() => answers(chat).length === 1, 'the history');
    await chat.send('Second');
    expect(client.streamCalls[0]?.request.conversationId).to.equal(CID);
    expect(answers(chat)).to.deep.equal(['One.', 'Two.']);
  });

  it('starts a new conversation: clears the log and the remembered id, and fires conversation-change', async () => {
    const client = new FakeChatClient()
      .queueStream(answerSteps(CID, ['First answer.']))
      .queueStream(answerSteps('11111111-2222-4333-8444-555555555555', ['Fresh.']));
    const chat = await mountChat({ client });
    const changes = collect<SchemaChatConversationChangeEvent>(
      chat,
      'schema-chat-conversation-change',
    );
    await chat.send('Hi');
    $(chat, '[part~="new-button"]').click();
    await chat.updateComplete;
    expect($$(chat, '.message').length).to.equal(0);
    expect(chat.conversationId).to.equal(undefined);
    expect(localStorage.getItem(conversationStorageKey(undefined, undefined, 'p1'))).to.equal(null);
    expect(changes.map((event) => event.detail.conversationId)).to.deep.equal([CID, undefined]);
    await chat.send('Again');
    expect(client.streamCalls[1]?.request.conversationId).to.equal(undefined);
  });

  it('reset() clears the messages and the remembered conversation (logout)', async () => {
    const client = new FakeChatClient().queueStream(answerSteps(CID, ['Hi.']));
    const chat = await mountChat({ client });
    await chat.send('Hi');
    chat.reset();
    await chat.updateComplete;
    expect($$(chat, '.message').length).to.equal(0);
    expect(chat.conversationId).to.equal(undefined);
    await waitFor(() => localStorage.length === 0, 'storage to be cleared');
  });

  it('sends on Enter, adds a line on Shift+Enter, and keeps focus in the composer', async () => {
    const client = new FakeChatClient().queueStream(answerSteps(CID, ['Ok.'], 20));
    const chat = await mountChat({ client });
    const shifted = typeAndPress(chat, 'line one', { shiftKey: true });
    expect(shifted.defaultPrevented).to.equal(false);
    expect(client.streamCalls).to.have.length(0);
    const composing = typeAndPress(chat, 'line one', { isComposing: true });
    expect(composing.defaultPrevented).to.equal(false);
    const enter = typeAndPress(chat, 'line one\nline two');
    expect(enter.defaultPrevented).to.equal(true);
    expect(client.streamCalls[0]?.request.message).to.equal('line one\nline two');
    expect(($(chat, 'textarea') as HTMLTextAreaElement).value).to.equal('');
    await waitFor(() => answers(chat)[0] === 'Ok.', 'the answer');
    expect(chat.shadowRoot?.activeElement?.tagName).to.equal('TEXTAREA');
  });

  it('fires a cancelable send event; cancelling it keeps the text in the composer', async () => {
    const client = new FakeChatClient();
    const chat = await mountChat({ client });
    const sends = collect<SchemaChatSendEvent>(document, 'schema-chat-send');
    const veto = (event: Event) => event.preventDefault();
    document.addEventListener('schema-chat-send', veto);
    try {
      typeAndPress(chat, 'blocked question');
    } finally {
      document.removeEventListener('schema-chat-send', veto);
    }
    expect(sends).to.have.length(1);
    expect(sends[0]?.detail).to.deep.equal({
      message: 'blocked question',
      projectId: 'p1',
      conversationId: undefined,
      transport: 'sse',
    });
    expect(sends[0]?.composed && sends[0]?.bubbles && sends[0]?.cancelable).to.equal(true);
    expect(client.streamCalls).to.have.length(0);
    expect(($(chat, 'textarea') as HTMLTextAreaElement).value).to.equal('blocked question');
  });

  it('fires response and conversation-change events that reach the document', async () => {
    const client = new FakeChatClient().queueStream(answerSteps(CID, ['A', 'B']));
    const chat = await mountChat({ client });
    const responses = collect<SchemaChatResponseEvent>(document, 'schema-chat-response');
    const changes = collect<SchemaChatConversationChangeEvent>(
      document,
      'schema-chat-conversation-change',
    );
    await chat.send('Hi');
    expect(responses).to.have.length(1);
    expect(responses[0]?.detail).to.deep.include({
      conversationId: CID,
      messageId: `answer-of-${CID}`,
      content: 'AB',
      status: 'complete',
      transport: 'sse',
      model: 'fake-model',
    });
    expect(changes.map((event) => event.detail)).to.deep.equal([
      { conversationId: CID, previousConversationId: undefined },
    ]);
  });

  it('ignores blank messages and a second send while an answer is written', async () => {
    const client = new FakeChatClient().queueStream([
      { event: { type: 'conversationId', conversationId: CID } },
      { wait: 50 },
      { event: completeEvent(CID) },
    ]);
    const chat = await mountChat({ client });
    expect(await chat.send('   ')).to.equal(false);
    const first = chat.send('One');
    expect(await chat.send('Two')).to.equal(false);
    await first;
    expect(client.streamCalls).to.have.length(1);
  });

  it('shows a NOT_CONFIGURED error when it has neither client nor api-url', async () => {
    const chat = await mountChat();
    const errors = collect<SchemaChatErrorEvent>(chat, 'schema-chat-error');
    expect(await chat.send('Hi')).to.equal(false);
    await chat.updateComplete;
    expect($(chat, '.error-text').textContent).to.contain('set api-url and project-id');
    expect(errors[0]?.detail.code).to.equal('NOT_CONFIGURED');
    expect(has(chat, '[part~="retry-button"]')).to.equal(false);
  });

  it('uses the strings property and the heading and placeholder attributes for its texts', async () => {
    const chat = await mountChat({
      client: new FakeChatClient(),
      attributes: { heading: 'Assistant du schéma', placeholder: 'Votre question' },
      properties: {
        strings: { streamToggle: 'Réponses en flux', send: 'Envoyer', empty: 'Rien encore.' },
      },
    });
    expect($(chat, '.title').textContent).to.equal('Assistant du schéma');
    expect($(chat, 'textarea').getAttribute('placeholder')).to.equal('Votre question');
    expect($(chat, '[part~="toggle"]').textContent).to.contain('Réponses en flux');
    expect($(chat, '[part~="send-button"]').getAttribute('aria-label')).to.equal('Envoyer');
    expect($(chat, '.empty').textContent).to.equal('Rien encore.');
    // Unknown or non-string overrides keep the defaults.
    chat.strings = { send: undefined as unknown as string };
    await chat.updateComplete;
    expect($(chat, '[part~="send-button"]').getAttribute('aria-label')).to.equal('Send');
  });

  it('in launcher mode opens from the bubble, closes on Escape and returns focus to the bubble', async () => {
    const chat = await mountChat({
      client: new FakeChatClient(),
      attributes: { mode: 'launcher' },
    });
    const panel = $(chat, '[part~="panel"]');
    const launcher = $(chat, '[part~="launcher"]');
    expect(panel.hidden).to.equal(true);
    expect(launcher.getAttribute('aria-expanded')).to.equal('false');
    launcher.click();
    await waitFor(
      () => chat.shadowRoot?.activeElement?.tagName === 'TEXTAREA',
      'focus in the composer',
    );
    expect(panel.hidden).to.equal(false);
    expect(chat.hasAttribute('open')).to.equal(true);
    expect(panel.getAttribute('role')).to.equal('dialog');
    expect(launcher.getAttribute('aria-expanded')).to.equal('true');
    $(chat, 'textarea').dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }),
    );
    await waitFor(() => panel.hidden, 'the panel to close');
    await chat.updateComplete;
    expect(chat.shadowRoot?.activeElement === launcher).to.equal(true);
    await chat.open();
    expect(panel.hidden).to.equal(false);
    await chat.close();
    expect(panel.hidden).to.equal(true);
  });

  it("keeps a streamed block's elements when the block is finished, adding only what follows", async () => {
    const client = new FakeChatClient().queueStream([
      { event: { type: 'conversationId', conversationId: CID } },
      { event: { type: 'token', content: 'The orders' } },
      { wait: 150 },
      { event: { type: 'token', content: ' table.\n\nIt has a total.\n\nAnd items.\n\nAnd a' } },
      { wait: 150 },
      { event: { type: 'token', content: ' customer.' } },
      { event: completeEvent(CID) },
    ]);
    const chat = await mountChat({ client });
    const done = chat.send('Orders?');
    await waitFor(() => $$(chat, '.bubble.markdown p').length === 1, 'the first paragraph');
    const first = $(chat, '.bubble.markdown p');
    await waitFor(() => $$(chat, '.bubble.markdown p').length === 4, 'the paragraphs after it');
    expect(
      $$(chat, '.bubble.markdown p')[0],
      'finished in place, while the answer streams',
    ).to.equal(first);
    await done;
    await nextFrame();
    const paragraphs = $$(chat, '.bubble.markdown p');
    expect(paragraphs.map((p) => p.textContent)).to.deep.equal([
      'The orders table.',
      'It has a total.',
      'And items.',
      'And a customer.',
    ]);
    expect(paragraphs[0], 'and once the answer is complete').to.equal(first);
  });

  it('follows new text at the bottom of the log until the user scrolls up', async () => {
    const long = Array.from({ length: 40 }, (_, i) => `Line ${i} of a long answer.\n\n`);
    const client = new FakeChatClient().queueStream(answerSteps(CID, long, 10));
    const chat = await mountChat({ client });
    chat.style.height = '300px';
    const log = $(chat, '.log');
    const atBottom = () => log.scrollHeight - log.scrollTop - log.clientHeight < 4;
    const done = chat.send('Long please');
    await waitFor(() => log.scrollHeight > log.clientHeight * 2, 'an overflowing log');
    // The log scrolls from its ResizeObserver, after layout and before paint: between a frame's
    // animation callbacks (where this test runs) and that, new text may still be below.
    await waitFor(atBottom, 'the log following its newest text');
    expect(log.scrollHeight > log.clientHeight * 2).to.equal(true);
    log.scrollTop = 0;
    log.dispatchEvent(new Event('scroll'));
    await done;
    await nextFrame();
    expect(log.scrollTop, 'stays where the reader scrolled').to.be.below(10);
  });

  /** A conversation long enough to scroll: answers of several paragraphs, lists and code. */
  function longHistory() {
    const answer = Array.from(
      { length: 6 },
      (_, i) =>
        `Paragraph ${i} about the orders table and how it references customers.\n\n- one\n- two\n\n\`\`\`sql\nSELECT ${i};\n\`\`\`\n\n`,
    ).join('');
    return Array.from({ length: 12 }, (_, i) =>
      i % 2 === 0
        ? storedMessage('user', `Question ${i}`)
        : storedMessage('assistant', `${answer}Answer ${i}.`),
    );
  }

  /** Frames, then a pause: sizes settle (content-visibility estimates replaced) before asserting. */
  async function settle() {
    for (let i = 0; i < 5; i++) await nextFrame();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await nextFrame();
  }

  it('shows the newest message of a loaded conversation, at the bottom of the log', async () => {
    const client = new FakeChatClient().setHistory(CID, longHistory());
    const chat = await mountChat({ client, attributes: { 'conversation-id': CID } });
    chat.style.height = '300px';
    await waitFor(() => answers(chat).length === 6, 'the history');
    await settle();
    const log = $(chat, '.log');
    expect(log.scrollHeight).to.be.greaterThan(log.clientHeight * 3);
    expect(log.scrollHeight - log.scrollTop - log.clientHeight).to.be.below(4);
    const last = $$(chat, '.message').at(-1) as HTMLElement;
    expect(last.getBoundingClientRect().bottom).to.be.at.most(
      log.getBoundingClientRect().bottom + 1,
    );
  });

  it('opens the launcher at the newest message of a conversation loaded while it was closed', async () => {
    const client = new FakeChatClient().setHistory(CID, longHistory());
    const chat = await mountChat({
      client,
      attributes: { 'conversation-id': CID, mode: 'launcher' },
    });
    await waitFor(() => answers(chat).length === 6, 'the history');
    await settle();
    await chat.open();
    await settle();
    const log = $(chat, '.log');
    expect(log.scrollHeight).to.be.greaterThan(log.clientHeight * 2);
    expect(log.scrollHeight - log.scrollTop - log.clientHeight).to.be.below(4);
  });

  it('keeps a long conversation inside its log: neither the page nor the panel grows a scroll area', async () => {
    const client = new FakeChatClient().setHistory(CID, longHistory());
    const inline = await mountChat({ client, attributes: { 'conversation-id': CID } });
    inline.style.height = '300px';
    await waitFor(() => answers(inline).length === 6, 'the history');
    await settle();
    // The screen-reader labels of the messages scrolled out of view are inside the log too.
    const bottom = inline.getBoundingClientRect().bottom + window.scrollY;
    const page = document.documentElement;
    expect(page.scrollHeight).to.be.at.most(Math.max(page.clientHeight, Math.ceil(bottom) + 16));

    const launcher = await mountChat({
      client: new FakeChatClient().setHistory(CID, longHistory()),
      attributes: { 'conversation-id': CID, mode: 'launcher' },
    });
    await launcher.open();
    await waitFor(() => answers(launcher).length === 6, 'the launcher history');
    await settle();
    const panel = $(launcher, '[part~="panel"]');
    expect(panel.scrollHeight).to.equal(panel.clientHeight);
    // So nothing can scroll the header out of the panel (find in page, scrollIntoView).
    $$(launcher, '.message').at(-1)?.scrollIntoView();
    expect(panel.scrollTop).to.equal(0);
  });

  it('scrolls a wide table sideways in a narrow panel and never breaks an identifier', async () => {
    const table = [
      '| column | references | on delete |\n',
      '|---|---|---|\n',
      '| organization_id | organizations.organization_id | cascade |\n',
      '| `billing_account_id` | billing_accounts.billing_account_id | restrict |\n\n',
    ];
    const client = new FakeChatClient().queueStream(answerSteps(CID, table));
    const chat = await mountChat({ client });
    chat.style.width = '18rem';
    await chat.send('Foreign keys?');
    await settle();
    const wrap = $(chat, '.table-wrap');
    expect(wrap.scrollWidth, 'the table is wider than its region').to.be.greaterThan(
      wrap.clientWidth,
    );
    const bubble = $(chat, '.message.assistant .bubble');
    expect(wrap.getBoundingClientRect().right).to.be.at.most(
      bubble.getBoundingClientRect().right + 0.5,
    );
    const identifiers = $$(chat, '.table-wrap th, .table-wrap td').filter(
      (cell) => !/\s/.test(cell.textContent?.trim() ?? ' '),
    );
    expect(identifiers.length).to.equal(8);
    for (const cell of identifiers) {
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      const lines = new Set<number>();
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        if (!node.textContent?.trim()) continue;
        const range = document.createRange();
        range.selectNodeContents(node);
        for (const rect of range.getClientRects()) lines.add(Math.round(rect.top));
      }
      expect(lines.size, `"${cell.textContent?.trim()}" on one line`).to.equal(1);
    }
  });

  it('renders markdown answers: lists, tables, fenced code with a working copy button', async () => {
    const markdown = [
      'Tables:\n\n',
      '- `users`\n- `orders`\n\n',
      '| table | rows |\n|---|--:|\n| users | 10 |\n\n',
      '```sql\nSELECT * FROM users;\n```\n',
    ];
    const client = new FakeChatClient().queueStream(answerSteps(CID, markdown));
    const chat = await mountChat({ client });
    await chat.send('Show me');
    expect($$(chat, '.bubble li').map((li) => li.textContent)).to.deep.equal(['users', 'orders']);
    expect($$(chat, '.bubble th').map((th) => th.textContent)).to.deep.equal(['table', 'rows']);
    expect($$(chat, '.bubble td')[1]?.className).to.equal('align-right');
    expect($(chat, '.code-lang').textContent).to.equal('sql');
    expect($(chat, 'pre code').textContent).to.equal('SELECT * FROM users;');
    const written: string[] = [];
    const original = Object.getOwnPropertyDescriptor(Navigator.prototype, 'clipboard');
    Object.defineProperty(navigator, 'clipboard', {
      configurable: true,
      value: { writeText: async (text: string) => void written.push(text) },
    });
    try {
      const copy = $(chat, '[part~="copy-button"]');
      expect(copy.getAttribute('aria-label')).to.equal('Copy code');
      copy.click();
      await waitFor(() => copy.getAttribute('aria-label') === 'Copied', 'the copied state');
      expect(written).to.deep.equal(['SELECT * FROM users;']);
    } finally {
      delete (navigator as unknown as Record<string, unknown>).clipboard;
      if (original && !('clipboard' in navigator))
        Object.defineProperty(Navigator.prototype, 'clipboard', original);
    }
  });

  it('applies the dark theme and --schema-chat-* custom properties set on the host page', async () => {
    const chat = await mountChat({ client: new FakeChatClient(), attributes: { theme: 'light' } });
    const panel = $(chat, '[part~="panel"]');
    const light = getComputedStyle(panel).backgroundColor;
    chat.theme = 'dark';
    await chat.updateComplete;
    expect(getComputedStyle(panel).backgroundColor).to.not.equal(light);
    document.documentElement.style.setProperty('--schema-chat-background', 'rgb(1, 2, 3)');
    try {
      expect(getComputedStyle(panel).backgroundColor).to.equal('rgb(1, 2, 3)');
    } finally {
      document.documentElement.style.removeProperty('--schema-chat-background');
    }
  });
});

describe('<schema-chat> with the client it creates from api-url', () => {
  const originalFetch = window.fetch;
  const API = 'https://api.example.test/api/v1/ai';
  beforeEach(() => localStorage.clear());
  afterEach(() => {
    window.fetch = originalFetch;
    unmountAll();
  });

  it('streams over POST /chat/stream with the bearer token and an idempotency key', async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    window.fetch = async (input: RequestInfo | URL, init: RequestInit = {}) => {
      calls.push({ url: String(input), init });
      const frames = [
        'retry: 1000\n\n',
        `id: r1:0\ndata: {"type":"conversationId","conversationId":"${CID}"}\n\n`,
        'id: r1:1\ndata: {"type":"token","content":"Hello"}\n\n',
        'id: r1:2\ndata: {"type":"token","content":" there"}\n\n',
        `id: r1:3\ndata: ${JSON.stringify(completeEvent(CID))}\n\n`,
      ];
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          for (const frame of frames) controller.enqueue(new TextEncoder().encode(frame));
          controller.close();
        },
      });
      return new Response(body, {
        status: 200,
        headers: {
          'Content-Type': 'text/event-stream; charset=utf-8',
          'X-Schema-Chat-Protocol': '1',
        },
      });
    };
    const token = fakeJwt({ sub: 'u1' });
    const chat = await mountChat({ attributes: { 'api-url': API, token } });
    expect(await chat.send('Hi')).to.equal(true);
    expect(answers(chat)).to.deep.equal(['Hello there']);
    expect(calls).to.have.length(1);
    const [call] = calls;
    expect(call?.url).to.equal(`${API}/chat/stream`);
    const headers = new Headers(call?.init.headers);
    expect(headers.get('authorization')).to.equal(`Bearer ${token}`);
    expect(headers.get('idempotency-key')).to.match(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(String(call?.init.body))).to.deep.equal({ projectId: 'p1', message: 'Hi' });
    expect(localStorage.getItem(conversationStorageKey(API, 'u1', 'p1'))).to.equal(CID);
  });

  it('keeps rendering with an unusable api-url and reports NOT_CONFIGURED when sending', async () => {
    const logged: unknown[] = [];
    const originalError = console.error;
    console.error = (...args: unknown[]) => void logged.push(args[0]);
    try {
      const chat = await mountChat({ attributes: { 'api-url': '   ' } });
      expect(has(chat, 'textarea')).to.equal(true);
      expect(await chat.send('Hi')).to.equal(false);
      await chat.updateComplete;
      expect($(chat, '[part~="error"] code').textContent).to.equal('NOT_CONFIGURED');
      expect(String(logged[0])).to.contain('api-url');
    } finally {
      console.error = originalError;
    }
  });
});
