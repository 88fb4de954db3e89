// What ChatController applies and when, seen through <schema-chat> in Chromium with a scripted
// client: retries re-send the turn that failed, results of a view the element has left are
// dropped, a stopped turn ends with its user, the allowance survives reloads, focus stays put.
/// <reference types="mocha" />

import { expect } from 'chai';
import type { ChatEvent, ChatMessage, ConversationSummary, SqlCheck } from '../sdk/protocol.js';
import { conversationStorageKey } from './conversation-memory.js';
import type { SchemaChatErrorEvent } from './events/schema-chat-error-event.js';
import type { SchemaChatFeedbackEvent } from './events/schema-chat-feedback-event.js';
import type { SchemaChatResponseEvent } from './events/schema-chat-response-event.js';
import type { SchemaChat } from './schema-chat.component.js';
import {
  answerSteps,
  clientError,
  completeEvent,
  FakeChatClient,
  type StreamStep,
  storedMessage,
} from './test-helpers/fake-chat-client.js';
import {
  $,
  $$,
  answers,
  has,
  mountChat,
  nextFrame,
  unmountAll,
  waitFor,
} from './test-helpers/mount-chat.js';

const CID = '0b6f3a52-1c2d-4e5f-8a9b-0c1d2e3f4a5b';
const OTHER_CID = '7c1e2d3f-4a5b-4c6d-9e8f-0a1b2c3d4e5f';

const part = (name: string) => `[part~="${name}"]`;
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const focused = (chat: SchemaChat) => chat.shadowRoot?.activeElement ?? null;

/** An unsigned JWT of user `sub` (the widget only reads `sub`; the server verifies). */
function fakeJwt(sub: string): string {
  const encode = (value: unknown) =>
    btoa(JSON.stringify(value)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  return `${encode({ alg: 'HS256', typ: 'JWT' })}.${encode({ sub })}.signature`;
}

function collect<T extends Event>(target: EventTarget, type: string): T[] {
  const events: T[] = [];
  target.addEventListener(type, (event) => events.push(event as T));
  return events;
}

function storedAnswer(id: string, content: string, extra: Partial<ChatMessage> = {}): ChatMessage {
  return { ...storedMessage('assistant', content, id), ...extra };
}

/** Mounts the chat on conversation CID with `history`, and waits for it to show. */
async function openWith(client: FakeChatClient, history: ChatMessage[], attributes = {}) {
  client.setHistory(CID, history);
  const chat = await mountChat({ client, attributes: { 'conversation-id': CID, ...attributes } });
  await waitFor(() => $$(chat, '.message').length === history.length, 'the history');
  return chat;
}

/** A `complete` event of answer `messageId` in CID, with `extra` metadata. */
function complete(messageId: string, extra: Record<string, unknown> = {}): StreamStep {
  const event = completeEvent(CID);
  if (event.type !== 'complete') throw new Error('complete expected');
  return { event: { ...event, metadata: { ...event.metadata, messageId, ...extra } } as ChatEvent };
}

const conversationIdStep: StreamStep = { event: { type: 'conversationId', conversationId: CID } };
const token = (content: string): StreamStep => ({ event: { type: 'token', content } });
const failsRetryably: StreamStep = {
  fail: clientError('UPSTREAM_UNAVAILABLE', { status: 0, retryable: true }),
};

function summary(id: string, title: string): ConversationSummary {
  const at = '2026-03-01T10:00:00.000Z';
  return { id, projectId: 'p1', title, createdAt: at, updatedAt: at };
}

describe('ChatController: Retry', () => {
  afterEach(() => unmountAll());

  it('offers no Retry for a failed rating shown over a failed question, and sends nothing again', async () => {
    const client = new FakeChatClient().queueStream([failsRetryably]);
    const chat = await openWith(client, [storedMessage('user', 'Q'), storedAnswer('a-1', 'A.')]);
    await chat.send('Next?');
    await waitFor(() => has(chat, part('retry-button')), 'the retry of the question');

    client.feedbackError = clientError('SERVER_BUSY', { status: 503, retryable: true });
    $(chat, part('feedback-up')).click();
    await waitFor(() => $(chat, '.error-text').textContent?.includes('rating'), 'the rating error');
    expect(has(chat, part('retry-button'))).to.equal(false);
    expect(client.streamCalls).to.have.length(1);
  });

  it('offers no Retry of an earlier failed question once a later one was sent', async () => {
    const client = new FakeChatClient()
      .queueStream([failsRetryably])
      .queueStream(answerSteps(CID, ['Fine.']));
    const chat = await openWith(client, [storedMessage('user', 'Q'), storedAnswer('a-1', 'A.')]);
    await chat.send('First?');
    expect(await chat.send('Second?')).to.equal(true);

    client.feedbackError = clientError('SERVER_BUSY', { status: 503, retryable: true });
    $(chat, part('feedback-up')).click();
    await waitFor(() => has(chat, part('error')), 'the rating error');
    expect(has(chat, part('retry-button'))).to.equal(false);
  });

  it('retries a failed Regenerate with the same request and key, the old answer back in place', async () => {
    const client = new FakeChatClient()
      .queueStream([conversationIdStep, token('Part'), failsRetryably])
      .queueStream([conversationIdStep, token('Better.'), complete('a-2')]);
    const chat = await openWith(client, [
      storedMessage('user', 'Q'),
      storedAnswer('a-1', 'First.'),
    ]);
    // The server stored the partial new version (its id is learnt from the history).
    client.setHistory(CID, [
      storedMessage('user', 'Q'),
      storedAnswer('a-2', 'Part', {
        status: 'interrupted',
        previousVersions: [storedAnswer('a-1', 'First.')],
      }),
    ]);

    await chat.regenerate();
    await waitFor(() => has(chat, part('retry-button')), 'the retry');
    await waitFor(() => client.historyCalls.length === 2, 'the partial answer’s id');
    $(chat, part('retry-button')).click();
    await waitFor(() => answers(chat)[0] === 'Better.', 'the new version');

    expect(client.streamCalls).to.have.length(2);
    expect(client.streamCalls[1]?.request).to.deep.equal(client.streamCalls[0]?.request);
    expect(client.streamCalls[1]?.idempotencyKey).to.equal(client.streamCalls[0]?.idempotencyKey);
    expect($(chat, part('version-switcher')).textContent?.replace(/\s/g, '')).to.equal('‹2/2›');
  });

  it('retries a failed Continue from the text it went on from, with the same request and key', async () => {
    const client = new FakeChatClient()
      .queueStream([conversationIdStep, token(' many'), failsRetryably])
      .queueStream([
        conversationIdStep,
        token(' many'),
        token(' authors.'),
        complete('a-1', { continuedFrom: 10 }),
      ]);
    const chat = await openWith(client, [
      storedMessage('user', 'Q'),
      storedAnswer('a-1', 'Books have', { status: 'stopped' }),
    ]);

    await chat.continueAnswer();
    await waitFor(() => has(chat, part('retry-button')), 'the retry');
    expect(answers(chat)).to.deep.equal(['Books have many']);
    $(chat, part('retry-button')).click();
    await waitFor(() => answers(chat)[0]?.endsWith('authors.'), 'the continuation');

    expect(answers(chat)).to.deep.equal(['Books have many authors.']);
    expect(client.streamCalls[1]?.request).to.deep.equal(client.streamCalls[0]?.request);
    expect(client.streamCalls[1]?.idempotencyKey).to.equal(client.streamCalls[0]?.idempotencyKey);
  });
});

describe('ChatController: Continue', () => {
  afterEach(() => unmountAll());

  it('reloads the answer when the server went on from other text than the one shown', async () => {
    const client = new FakeChatClient().queueStream([
      conversationIdStep,
      token(' authors.'),
      complete('a-1', { continuedFrom: 15 }),
    ]);
    const chat = await openWith(client, [
      storedMessage('user', 'Q'),
      storedAnswer('a-1', 'Books have', { status: 'stopped' }),
    ]);
    // The stop reached the server a moment after the screen stopped: it stored five more characters.
    client.setHistory(CID, [
      storedMessage('user', 'Q'),
      storedAnswer('a-1', 'Books have many authors.'),
    ]);

    expect(await chat.continueAnswer()).to.equal(true);
    await waitFor(() => answers(chat)[0] === 'Books have many authors.', 'the stored answer');
    expect(client.historyCalls).to.deep.equal([CID, CID]);
  });

  it('keeps the SQL verdicts of an answer whose Continue is refused', async () => {
    const check: SqlCheck = { blocks: [{ index: 0, language: 'sql', status: 'ok', unknown: [] }] };
    const client = new FakeChatClient().queueStream([
      { fail: clientError('ANSWER_NOT_CONTINUABLE', { status: 409 }) },
    ]);
    const chat = await openWith(client, [
      storedMessage('user', 'Q'),
      storedAnswer('a-1', 'Try:\n\n```sql\nselect 1;\n```\n\nThen', {
        status: 'stopped',
        sqlCheck: check,
      }),
    ]);
    expect(has(chat, part('sql-check'))).to.equal(true);

    expect(await chat.continueAnswer()).to.equal(false);
    await chat.updateComplete;
    expect(has(chat, part('sql-check'))).to.equal(true);
  });
});

describe('ChatController: results of a view the element has left', () => {
  afterEach(() => unmountAll());

  it('drops a stopped turn at logout: no response event, no allowance of the old user', async () => {
    const client = new FakeChatClient().queueStream([
      conversationIdStep,
      token('Par'),
      { wait: 100 },
      complete('a-1', {
        status: 'stopped',
        finishReason: 'stopped',
        quota: { used: 10, limit: 100, resetsAt: '2026-03-02T00:00:00.000Z' },
      }),
    ]);
    const chat = await mountChat({ client, attributes: { 'show-usage': '' } });
    const responses = collect<SchemaChatResponseEvent>(chat, 'schema-chat-response');
    void chat.send('Hi');
    await waitFor(() => answers(chat)[0] === 'Par', 'the partial answer');

    chat.stop();
    chat.reset();
    await pause(250);
    await chat.updateComplete;
    expect(responses).to.have.length(0);
    expect(has(chat, part('usage'))).to.equal(false);
    expect(client.aborted).to.equal(1);
  });

  it('fires no error for a conversation list aborted by a switch of project', async () => {
    const client = new FakeChatClient()
      .setConversations([summary(CID, 'Orders')])
      .setHistory(OTHER_CID, [], 50);
    const chat = await mountChat({ client });
    const errors = collect<SchemaChatErrorEvent>(chat, 'schema-chat-error');
    $(chat, part('conversations-button')).click();
    await waitFor(() => client.listCalls.length === 1, 'the list request');

    chat.projectId = 'p2';
    await pause(100);
    await chat.updateComplete;
    expect(errors.map((event) => event.detail.code)).to.deep.equal([]);
    expect(has(chat, part('error'))).to.equal(false);
  });

  it('says which conversation a rating was for, and shows no error of it in another one', async () => {
    const client = new FakeChatClient();
    const chat = await openWith(client, [storedMessage('user', 'Q'), storedAnswer('a-1', 'A.')]);
    client.setHistory(OTHER_CID, [storedMessage('user', 'Q2'), storedAnswer('b-1', 'B.')]);
    const ratings = collect<SchemaChatFeedbackEvent>(chat, 'schema-chat-feedback');
    const errors = collect<SchemaChatErrorEvent>(chat, 'schema-chat-error');

    client.feedbackReplies.push({ delay: 50 });
    $(chat, part('feedback-up')).click();
    chat.conversationId = OTHER_CID;
    await waitFor(() => ratings.length === 1, 'the feedback event');
    expect(ratings[0]?.detail.conversationId).to.equal(CID);

    client.feedbackReplies.push({
      delay: 50,
      error: clientError('SERVER_BUSY', { status: 503, retryable: true }),
    });
    $(chat, part('feedback-up')).click();
    chat.conversationId = CID;
    await waitFor(() => answers(chat)[0] === 'A.', 'the first conversation again');
    await pause(100);
    await chat.updateComplete;
    expect(errors).to.have.length(0);
    expect(has(chat, part('error'))).to.equal(false);
  });

  it('ends with the last rating pressed when an earlier one fails after it', async () => {
    const client = new FakeChatClient();
    const chat = await openWith(client, [storedMessage('user', 'Q'), storedAnswer('a-1', 'A.')]);
    const ratings = collect<SchemaChatFeedbackEvent>(chat, 'schema-chat-feedback');
    client.feedbackReplies.push(
      { delay: 40, error: clientError('SERVER_BUSY', { status: 503, retryable: true }) },
      { delay: 5 },
    );

    $(chat, part('feedback-up')).click();
    $(chat, part('feedback-down')).click();
    await waitFor(() => ratings.length === 1, 'the stored rating');
    await pause(60);
    await chat.updateComplete;

    expect(client.feedbackCalls.map((call) => call.feedback?.rating)).to.deep.equal(['up', 'down']);
    expect(ratings[0]?.detail.rating).to.equal('down');
    expect($(chat, part('feedback-down')).getAttribute('aria-pressed')).to.equal('true');
    expect($(chat, part('feedback-up')).getAttribute('aria-pressed')).to.equal('false');
  });

  it('shows no error of a deletion in the project it switched to', async () => {
    const client = new FakeChatClient().setConversations([summary(CID, 'Orders')]);
    client.deleteError = clientError('SERVER_BUSY', { status: 503, retryable: true });
    const chat = await mountChat({ client });
    const errors = collect<SchemaChatErrorEvent>(chat, 'schema-chat-error');
    $(chat, part('conversations-button')).click();
    await waitFor(() => has(chat, part('conversation-delete')), 'the list');
    $(chat, part('conversation-delete')).click();
    await chat.updateComplete;
    $(chat, part('conversation-delete')).click();

    chat.projectId = 'p2';
    await pause(50);
    await chat.updateComplete;
    expect(client.deleteCalls).to.deep.equal([CID]);
    expect(errors).to.have.length(0);
    expect(has(chat, part('error'))).to.equal(false);
  });

  it('leaves the conversation list at its top', async () => {
    const many = Array.from({ length: 40 }, (_, index) =>
      summary(
        `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`,
        `Conversation ${index}`,
      ),
    );
    const client = new FakeChatClient().setConversations(many, 40);
    const chat = await mountChat({ client });
    $(chat, part('conversations-button')).click();
    await waitFor(() => $$(chat, part('conversation-item')).length === 40, 'the list');
    await nextFrame();
    await nextFrame();

    const list = $(chat, part('conversation-list'));
    expect(list.scrollHeight > list.clientHeight).to.equal(true);
    expect(list.scrollTop).to.equal(0);
  });

  it('opens the new user’s remembered conversation, not the one pinned for the previous user', async () => {
    localStorage.setItem(conversationStorageKey(undefined, 'bob', 'p1'), CID);
    const client = new FakeChatClient()
      .setHistory(OTHER_CID, [storedMessage('assistant', 'Pinned for alice.')])
      .setHistory(CID, [storedMessage('assistant', 'For bob.')]);
    const chat = await mountChat({
      client,
      attributes: { token: fakeJwt('alice'), 'conversation-id': OTHER_CID },
    });
    await waitFor(() => answers(chat)[0] === 'Pinned for alice.', 'the pinned conversation');
    // Conversations are the user's: the server has no OTHER_CID for bob.
    client.setHistory(OTHER_CID, clientError('CONVERSATION_NOT_FOUND', { status: 404 }));

    chat.token = fakeJwt('bob');
    await waitFor(() => answers(chat)[0] === 'For bob.', "bob's conversation");
    expect(chat.conversationId).to.equal(CID);
    expect(has(chat, part('error'))).to.equal(false);
  });
});

describe('ChatController: the allowance', () => {
  afterEach(() => unmountAll());

  it('keeps the allowance when the project changes while it is being asked for', async () => {
    const client = new FakeChatClient();
    client.usage = { used: 1000, limit: 5000, resetsAt: '2026-03-02T00:00:00.000Z' };
    client.usageDelay = 50;
    const chat = await mountChat({
      client,
      attributes: { token: fakeJwt('alice'), 'show-usage': '' },
    });
    chat.projectId = 'p2';
    await waitFor(
      () => $$(chat, part('usage'))[0]?.textContent?.includes('4,000 of 5,000'),
      'the allowance',
    );
  });

  it('asks for the allowance when show-usage is turned on', async () => {
    const client = new FakeChatClient();
    client.usage = { used: 1000, limit: 5000, resetsAt: '2026-03-02T00:00:00.000Z' };
    const chat = await mountChat({ client });
    await chat.updateComplete;
    expect(client.usageCalls).to.equal(0);

    chat.showUsage = true;
    await waitFor(
      () => $$(chat, part('usage'))[0]?.textContent?.includes('4,000 of 5,000'),
      'the allowance',
    );
    expect(client.usageCalls).to.equal(1);
  });
});

describe('ChatController: answers being written elsewhere', () => {
  afterEach(() => unmountAll());

  it('shows a stored answer still being generated in progress, without Regenerate or rating', async () => {
    const client = new FakeChatClient();
    const chat = await openWith(client, [
      storedMessage('user', 'Q'),
      storedAnswer('a-1', 'Being written', { status: 'streaming' }),
    ]);
    expect(has(chat, '.bubble.streaming')).to.equal(true);
    expect(has(chat, part('regenerate-button'))).to.equal(false);
    expect(has(chat, part('feedback-up'))).to.equal(false);
  });
});

describe('ChatController: what send() resolves with', () => {
  afterEach(() => unmountAll());

  it('resolves true for an answer that arrived, whatever else failed meanwhile', async () => {
    const client = new FakeChatClient().queueStream(answerSteps(CID, ['One', ' two.'], 30));
    const chat = await openWith(client, [storedMessage('user', 'Q'), storedAnswer('a-1', 'A.')]);
    client.feedbackError = clientError('SERVER_BUSY', { status: 503, retryable: true });
    const sent = chat.send('Next?');
    $(chat, part('feedback-up')).click();
    expect(await sent).to.equal(true);
    expect(has(chat, part('error'))).to.equal(true);
  });
});

describe('ChatController: focus', () => {
  afterEach(() => unmountAll());

  for (const name of ['regenerate-button', 'continue-button']) {
    it(`moves the focus to the message box when ${name} is pressed (the button goes away)`, async () => {
      const client = new FakeChatClient().queueStream(answerSteps(CID, ['More.'], 20));
      const chat = await openWith(client, [
        storedMessage('user', 'Q'),
        storedAnswer('a-1', 'Cut', { status: 'stopped' }),
      ]);
      const button = $(chat, part(name));
      button.focus();
      button.click();
      await chat.updateComplete;
      expect(has(chat, part(name))).to.equal(false);
      expect(focused(chat) === $(chat, 'textarea')).to.equal(true);
      chat.stop();
    });
  }

  it('moves the focus to the other version button when one becomes disabled', async () => {
    const client = new FakeChatClient();
    const chat = await openWith(client, [
      storedMessage('user', 'Q'),
      storedAnswer('a-2', 'Second.', { previousVersions: [storedAnswer('a-1', 'First.')] }),
    ]);
    const previous = $(chat, part('version-previous'));
    previous.focus();
    previous.click();
    await waitFor(() => focused(chat) === $(chat, part('version-next')), 'the focus on ›');
    $(chat, part('version-next')).click();
    await waitFor(() => focused(chat) === $(chat, part('version-previous')), 'the focus on ‹');
  });

  it('gives the focus back to the conversations button when Escape closes the list', async () => {
    const client = new FakeChatClient().setConversations([summary(CID, 'Orders')]);
    const chat = await mountChat({ client });
    $(chat, part('conversations-button')).click();
    await waitFor(() => has(chat, part('conversation-item')), 'the list');
    const item = $(chat, part('conversation-item'));
    item.focus();
    item.dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }),
    );
    await waitFor(() => !has(chat, part('conversation-list')), 'the list to close');
    await waitFor(
      () => focused(chat) === $(chat, part('conversations-button')),
      'the focus on the conversations button',
    );
  });
});

describe('ChatController: work it does not repeat', () => {
  afterEach(() => unmountAll());

  it('asks a new getToken once to find out who is signed in', async () => {
    const client = new FakeChatClient();
    const chat = await mountChat({ client, properties: { getToken: () => fakeJwt('alice') } });
    await chat.updateComplete;
    let asked = 0;
    chat.getToken = () => {
      asked += 1;
      return fakeJwt('bob');
    };
    await pause(50);
    expect(asked).to.equal(1);
  });

  it('stops observing a log the conversation list replaced, and observes the new one', async () => {
    const observing = new Set<Element>();
    const { observe, unobserve } = ResizeObserver.prototype;
    ResizeObserver.prototype.observe = function (target, options) {
      observing.add(target);
      observe.call(this, target, options);
    };
    ResizeObserver.prototype.unobserve = function (target) {
      observing.delete(target);
      unobserve.call(this, target);
    };
    try {
      const client = new FakeChatClient().setConversations([summary(CID, 'Orders')]);
      const chat = await mountChat({ client });
      const before = $(chat, part('log'));
      $(chat, part('conversations-button')).click();
      await waitFor(() => has(chat, part('conversation-item')), 'the list');
      $(chat, part('conversations-button')).click();
      await waitFor(() => has(chat, part('log')), 'the log again');
      await chat.updateComplete;
      const log = $(chat, part('log'));
      expect(log === before).to.equal(false);
      expect([...observing]).to.deep.equal([log, log.querySelector('.messages')]);
    } finally {
      ResizeObserver.prototype.observe = observe;
      ResizeObserver.prototype.unobserve = unobserve;
    }
  });

  it('observes the sizes of the log and its messages’ container only, once', async () => {
    const observed: Element[] = [];
    const observe = ResizeObserver.prototype.observe;
    ResizeObserver.prototype.observe = function (target, options) {
      observed.push(target);
      observe.call(this, target, options);
    };
    try {
      const client = new FakeChatClient()
        .queueStream(answerSteps(CID, ['One', ' two', ' three.']))
        .queueStream(answerSteps(CID, ['Four.']));
      const chat = await mountChat({ client });
      await chat.send('First');
      await chat.send('Second');
      expect(observed).to.have.length(2);
      expect(observed[0]?.matches(part('log'))).to.equal(true);
    } finally {
      ResizeObserver.prototype.observe = observe;
    }
  });
});
