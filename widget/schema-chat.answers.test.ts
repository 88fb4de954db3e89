// The conversation features of <schema-chat> in Chromium with a scripted client: Regenerate and the
// versions of an answer, Continue, feedback, the conversation list, usage, right-to-left text.
/// <reference types="mocha" />

import { expect } from 'chai';
import type { ChatMessage, ConversationSummary } from '../sdk/protocol.js';
import type { SchemaChatFeedbackEvent } from './events/schema-chat-feedback-event.js';
import type { SchemaChatResponseEvent } from './events/schema-chat-response-event.js';
import type { SchemaChat } from './schema-chat.component.js';
import {
  answerSteps,
  clientError,
  completeEvent,
  FakeChatClient,
  storedMessage,
} from './test-helpers/fake-chat-client.js';
import { $, $$, answers, has, mountChat, unmountAll, waitFor } from './test-helpers/mount-chat.js';

const CID = '0b6f3a52-1c2d-4e5f-8a9b-0c1d2e3f4a5b';
const OTHER_CID = '7c1e2d3f-4a5b-4c6d-9e8f-0a1b2c3d4e5f';

/** An answer as the history returns it. */
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

const part = (name: string) => `[part~="${name}"]`;
const click = async (chat: SchemaChat, name: string) => {
  $(chat, part(name)).click();
  await chat.updateComplete;
};

describe('<schema-chat> Regenerate and versions', () => {
  afterEach(() => unmountAll());

  it('regenerates the last answer: the new one takes its place, the old one stays a version', async () => {
    const client = new FakeChatClient().queueStream(answerSteps(CID, ['Better ', 'answer.']));
    const chat = await openWith(client, [
      storedMessage('user', 'How are books linked?'),
      storedAnswer('a-1', 'First answer.'),
    ]);
    const responses: SchemaChatResponseEvent[] = [];
    chat.addEventListener('schema-chat-response', (event) => responses.push(event));

    expect($$(chat, part('regenerate-button'))).to.have.length(1);
    expect($(chat, part('regenerate-button')).getAttribute('aria-label')).to.equal('Regenerate');
    await click(chat, 'regenerate-button');
    expect(has(chat, part('regenerate-button'))).to.equal(false);
    await waitFor(() => answers(chat)[0] === 'Better answer.', 'the new version');

    expect(client.streamCalls[0]?.request).to.deep.equal({
      projectId: 'p1',
      conversationId: CID,
      regenerate: 'a-1',
    });
    expect($$(chat, '.message.assistant')).to.have.length(1);
    expect($(chat, part('version-switcher')).textContent?.replace(/\s/g, '')).to.equal('‹2/2›');
    expect(responses[0]?.detail.action).to.equal('regenerate');

    await click(chat, 'version-previous');
    expect(answers(chat)).to.deep.equal(['First answer.']);
    await waitFor(
      () => $(chat, '[role="status"]').textContent === 'Version 1 of 2',
      'the announcement',
    );
    expect(($(chat, part('version-previous')) as HTMLButtonElement).disabled).to.equal(true);
    // Regenerate stays on the last answer (it asks the question again, whichever is shown).
    expect(has(chat, part('regenerate-button'))).to.equal(true);
    await click(chat, 'version-next');
    expect(answers(chat)).to.deep.equal(['Better answer.']);
  });

  it('pages between the versions the history lists, oldest first', async () => {
    const client = new FakeChatClient();
    const chat = await openWith(client, [
      storedMessage('user', 'Q'),
      storedAnswer('a-3', 'Third.', {
        previousVersions: [storedAnswer('a-1', 'First.'), storedAnswer('a-2', 'Second.')],
      }),
    ]);

    expect(answers(chat)).to.deep.equal(['Third.']);
    await click(chat, 'version-previous');
    await click(chat, 'version-previous');
    expect(answers(chat)).to.deep.equal(['First.']);
    expect($(chat, part('version-switcher')).textContent?.replace(/\s/g, '')).to.equal('‹1/3›');
  });

  it('offers Regenerate on the last answer only, and none while an answer is written', async () => {
    const client = new FakeChatClient().queueStream([
      { event: { type: 'conversationId', conversationId: CID } },
      { hold: true },
    ]);
    const chat = await openWith(client, [
      storedMessage('user', 'Q1'),
      storedAnswer('a-1', 'A1.'),
      storedMessage('user', 'Q2'),
      storedAnswer('a-2', 'A2.'),
    ]);
    const regenerate = $$(chat, part('regenerate-button'));
    expect(regenerate).to.have.length(1);
    expect(regenerate[0]?.closest('.message')?.textContent).to.contain('A2.');

    void chat.send('Q3');
    await waitFor(() => !has(chat, part('regenerate-button')), 'no Regenerate while writing');
    chat.stop();
    // The held answer ends stopped; only then may it be regenerated (its id came with complete).
    await waitFor(() => has(chat, part('regenerate-button')), 'Regenerate once stopped');
    expect($$(chat, part('regenerate-button'))).to.have.length(1);
  });

  it('gives the old answer its place back when the Regenerate writes nothing', async () => {
    const client = new FakeChatClient().queueStream([
      { fail: clientError('ANSWER_NOT_LATEST', { status: 409 }) },
    ]);
    const chat = await openWith(client, [storedMessage('user', 'Q'), storedAnswer('a-1', 'Kept.')]);

    await chat.regenerate();
    await chat.updateComplete;

    expect(answers(chat)).to.deep.equal(['Kept.']);
    expect(has(chat, part('version-switcher'))).to.equal(false);
    expect(has(chat, '[part~="error"]')).to.equal(true);
  });
});

describe('<schema-chat> Continue', () => {
  afterEach(() => unmountAll());

  it('continues a stopped answer into the same bubble', async () => {
    const client = new FakeChatClient().queueStream([
      { event: { type: 'conversationId', conversationId: CID } },
      { event: { type: 'token', content: ' authors' } },
      { event: { type: 'token', content: '.' } },
      {
        event: {
          type: 'complete',
          timestamp: new Date().toISOString(),
          metadata: { ...completeMetadata('a-1'), continuedFrom: 10 },
        },
      },
    ]);
    const chat = await openWith(client, [
      storedMessage('user', 'Q'),
      storedAnswer('a-1', 'Books have', { status: 'stopped' }),
    ]);
    expect($(chat, '.mark').textContent).to.equal('Stopped');
    expect($(chat, part('continue-button')).getAttribute('aria-label')).to.equal('Continue');

    expect(await chat.continueAnswer()).to.equal(true);

    expect(client.streamCalls[0]?.request).to.deep.equal({
      projectId: 'p1',
      conversationId: CID,
      continue: 'a-1',
    });
    expect(answers(chat)).to.deep.equal(['Books have authors.']);
    expect($$(chat, '.message.assistant')).to.have.length(1);
    expect(has(chat, '.mark')).to.equal(false);
    expect(has(chat, part('continue-button'))).to.equal(false);
  });

  it('offers Continue on an interrupted live answer once it learned the answer’s id', async () => {
    const client = new FakeChatClient().queueStream([
      { event: { type: 'conversationId', conversationId: CID } },
      { event: { type: 'token', content: 'Partial' } },
      { fail: clientError('GENERATION_INTERRUPTED', { status: 0 }) },
    ]);
    client.setHistory(CID, [storedMessage('user', 'Q'), storedAnswer('a-9', 'Partial')]);
    const chat = await mountChat({ client });
    await chat.send('Q');
    await waitFor(() => has(chat, part('continue-button')), 'Continue on the interrupted answer');

    expect(client.historyCalls).to.deep.equal([CID]);
    expect($(chat, '.mark').textContent).to.equal('Interrupted');
  });

  it('keeps the answer as it was when the Continue is refused', async () => {
    const client = new FakeChatClient().queueStream([
      { fail: clientError('ANSWER_NOT_CONTINUABLE', { status: 409 }) },
    ]);
    const chat = await openWith(client, [
      storedMessage('user', 'Q'),
      storedAnswer('a-1', 'Cut', { status: 'interrupted' }),
    ]);

    await chat.continueAnswer();
    await chat.updateComplete;

    expect(answers(chat)).to.deep.equal(['Cut']);
    expect($(chat, '.mark').textContent).to.equal('Interrupted');
  });
});

/** The metadata of a complete event of answer `messageId` in CID. */
function completeMetadata(messageId: string) {
  const event = completeEvent(CID);
  if (event.type !== 'complete') throw new Error('complete expected');
  return { ...event.metadata, messageId };
}

describe('<schema-chat> feedback', () => {
  afterEach(() => unmountAll());

  it('rates an answer as a pressed toggle, announces it and fires schema-chat-feedback', async () => {
    const client = new FakeChatClient();
    const chat = await openWith(client, [storedMessage('user', 'Q'), storedAnswer('a-1', 'A.')]);
    const events: SchemaChatFeedbackEvent[] = [];
    chat.addEventListener('schema-chat-feedback', (event) => events.push(event));
    const up = () => $(chat, part('feedback-up'));

    expect(up().getAttribute('aria-pressed')).to.equal('false');
    expect(up().getAttribute('aria-label')).to.equal('Good answer');
    up().click();
    await chat.updateComplete;
    expect(up().getAttribute('aria-pressed')).to.equal('true');
    await waitFor(() => events.length === 1, 'the feedback event');
    expect(events[0]?.detail).to.deep.equal({
      conversationId: CID,
      messageId: 'a-1',
      rating: 'up',
    });
    expect(client.feedbackCalls[0]).to.deep.equal({ messageId: 'a-1', feedback: { rating: 'up' } });
    await waitFor(
      () => $(chat, '[role="status"]').textContent === 'Thanks for the feedback',
      'the announcement',
    );

    // Pressed again, the rating is taken back.
    up().click();
    await waitFor(() => events.length === 2, 'the second feedback event');
    expect(events[1]?.detail.rating).to.equal(null);
    expect(up().getAttribute('aria-pressed')).to.equal('false');
    expect(client.feedbackCalls[1]?.feedback).to.equal(null);
  });

  it('shows the stored rating after a reload, and puts it back when the server refuses a change', async () => {
    const client = new FakeChatClient();
    const chat = await openWith(client, [
      storedMessage('user', 'Q'),
      storedAnswer('a-1', 'A.', { feedback: { rating: 'down' } }),
    ]);
    expect($(chat, part('feedback-down')).getAttribute('aria-pressed')).to.equal('true');

    client.feedbackError = clientError('MESSAGE_NOT_FOUND', { status: 404 });
    $(chat, part('feedback-up')).click();
    await waitFor(() => has(chat, '[part~="error"]'), 'the error');
    expect($(chat, part('feedback-down')).getAttribute('aria-pressed')).to.equal('true');
    expect($(chat, part('feedback-up')).getAttribute('aria-pressed')).to.equal('false');
    expect($(chat, '.error-text').textContent).to.contain('The rating could not be saved.');
  });

  it('rates every finished answer, and no answer being written', async () => {
    const client = new FakeChatClient().queueStream([
      { event: { type: 'conversationId', conversationId: CID } },
      { event: { type: 'token', content: 'Writing' } },
      { hold: true },
    ]);
    const chat = await openWith(client, [
      storedMessage('user', 'Q1'),
      storedAnswer('a-1', 'A1.'),
      storedMessage('user', 'Q2'),
      storedAnswer('a-2', 'A2.', { status: 'stopped' }),
    ]);
    expect($$(chat, part('feedback-up'))).to.have.length(2);
    void chat.send('Q3');
    await waitFor(() => answers(chat)[2] === 'Writing', 'the third answer');
    expect($$(chat, part('feedback-up'))).to.have.length(2);
    chat.stop();
  });
});

describe('<schema-chat> conversation list', () => {
  afterEach(() => unmountAll());

  const summary = (id: string, title: string, updatedAt: string): ConversationSummary => ({
    id,
    projectId: 'p1',
    title,
    createdAt: updatedAt,
    updatedAt,
  });

  it('lists the conversations newest first and opens one with its history', async () => {
    const client = new FakeChatClient()
      .setConversations([
        summary(OTHER_CID, 'Authors and books', '2026-03-02T10:00:00.000Z'),
        summary(CID, 'Orders', '2026-03-01T10:00:00.000Z'),
      ])
      .setHistory(OTHER_CID, [storedMessage('user', 'Who wrote it?'), storedAnswer('b', 'X.')]);
    const chat = await mountChat({ client });
    const button = () => $(chat, part('conversations-button'));
    expect(button().getAttribute('aria-expanded')).to.equal('false');

    button().click();
    await waitFor(() => $$(chat, part('conversation-item')).length === 2, 'the list');

    expect(button().getAttribute('aria-expanded')).to.equal('true');
    expect(has(chat, '.log[role="log"]')).to.equal(false);
    const items = $$(chat, part('conversation-item'));
    expect(items.map((item) => item.querySelector('span')?.textContent)).to.deep.equal([
      'Authors and books',
      'Orders',
    ]);
    expect(items[0]?.querySelector('time')?.getAttribute('datetime')).to.equal(
      '2026-03-02T10:00:00.000Z',
    );
    items[0]?.click();
    await waitFor(() => answers(chat)[0] === 'X.', 'the opened conversation');
    expect(chat.conversationId).to.equal(OTHER_CID);
    expect(has(chat, part('conversation-list'))).to.equal(false);
    expect(chat.shadowRoot?.activeElement?.localName).to.equal('textarea');
  });

  it('asks once before deleting, and deletes only the conversation chosen', async () => {
    const client = new FakeChatClient().setConversations([
      summary(OTHER_CID, 'Keep me', '2026-03-02T10:00:00.000Z'),
      summary(CID, 'Delete me', '2026-03-01T10:00:00.000Z'),
    ]);
    const chat = await mountChat({ client });
    await chat.updateComplete;
    $(chat, part('conversations-button')).click();
    await waitFor(() => $$(chat, part('conversation-delete')).length === 2, 'the list');
    const remove = () => $$(chat, part('conversation-delete'))[1] as HTMLElement;

    expect(remove().getAttribute('aria-label')).to.equal('Delete “Delete me”');
    remove().click();
    await chat.updateComplete;
    expect(remove().getAttribute('aria-label')).to.equal(
      'Delete “Delete me”? Press again to confirm',
    );
    expect(client.deleteCalls).to.deep.equal([]);
    remove().click();
    await waitFor(() => $$(chat, part('conversation-item')).length === 1, 'the deletion');

    expect(client.deleteCalls).to.deep.equal([CID]);
    expect($(chat, part('conversation-item')).textContent).to.contain('Keep me');
    await waitFor(
      () => $(chat, '[role="status"]').textContent === 'Conversation deleted',
      'the announcement',
    );
  });

  it('pages with Show more, and Escape closes the list', async () => {
    const many = Array.from({ length: 3 }, (_, i) =>
      summary(`0b6f3a52-1c2d-4e5f-8a9b-0c1d2e3f4a5${i}`, `Q${i}`, '2026-03-01T10:00:00.000Z'),
    );
    const client = new FakeChatClient().setConversations(many, 2);
    const chat = await mountChat({ client });
    $(chat, part('conversations-button')).click();
    await waitFor(() => has(chat, part('conversations-more')), 'Show more');
    $(chat, part('conversations-more')).click();
    await waitFor(() => $$(chat, part('conversation-item')).length === 3, 'the next page');
    expect(has(chat, part('conversations-more'))).to.equal(false);

    $(chat, part('conversation-item')).dispatchEvent(
      new KeyboardEvent('keydown', { key: 'Escape', bubbles: true, composed: true }),
    );
    await chat.updateComplete;
    expect(has(chat, part('conversation-list'))).to.equal(false);
  });
});

describe('<schema-chat> usage', () => {
  afterEach(() => unmountAll());

  it('shows the last answer’s tokens and what is left today with show-usage', async () => {
    const client = new FakeChatClient();
    client.usage = { used: 1200, limit: 5000, resetsAt: '2026-03-02T00:00:00.000Z' };
    const quota = { used: 1500, limit: 5000, resetsAt: '2026-03-02T00:00:00.000Z' };
    const chat = await mountChat({ client, attributes: { 'show-usage': '' } });
    await waitFor(() => has(chat, part('usage')), 'the usage line');
    expect($(chat, part('usage')).textContent).to.contain('3,800 of 5,000 tokens left today');

    client.queueStream([
      { event: { type: 'conversationId', conversationId: CID } },
      { event: { type: 'token', content: 'Hi.' } },
      {
        event: {
          type: 'complete',
          timestamp: new Date().toISOString(),
          metadata: {
            ...completeMetadata('a-1'),
            usage: { promptTokens: 280, completionTokens: 20, totalTokens: 300 },
            quota,
          },
        },
      },
    ]);
    await chat.send('Hello');

    const text = $(chat, part('usage')).textContent ?? '';
    expect(text).to.contain('Last answer: 300 tokens');
    expect(text).to.contain('3,500 of 5,000 tokens left today');
    expect(client.usageCalls).to.equal(1);
  });

  it('shows no usage without show-usage, and asks for none', async () => {
    const client = new FakeChatClient();
    client.usage = { used: 1, limit: 2, resetsAt: '2026-03-02T00:00:00.000Z' };
    const chat = await mountChat({ client });
    await chat.updateComplete;
    expect(has(chat, part('usage'))).to.equal(false);
    expect(client.usageCalls).to.equal(0);
  });
});

describe('<schema-chat> right-to-left text', () => {
  afterEach(() => {
    unmountAll();
    document.documentElement.removeAttribute('dir');
  });

  it('sets dir="auto" on every bubble and the input, and mirrors the layout on an rtl page', async () => {
    document.documentElement.setAttribute('dir', 'rtl');
    const client = new FakeChatClient();
    const chat = await openWith(client, [
      storedMessage('user', 'ما العلاقة بين الجداول؟'),
      storedAnswer('a-1', 'Orders reference customers.'),
    ]);

    for (const bubble of $$(chat, '.bubble')) expect(bubble.getAttribute('dir')).to.equal('auto');
    expect($(chat, 'textarea').getAttribute('dir')).to.equal('auto');
    const log = $(chat, '.log').getBoundingClientRect();
    const user = $(chat, '.message.user').getBoundingClientRect();
    const answer = $(chat, '.message.assistant').getBoundingClientRect();
    // Mirrored: the user's bubble sits at the left edge, the answer's at the right.
    expect(user.left - log.left).to.be.below(30);
    expect(log.right - answer.right).to.be.below(30);
    expect(getComputedStyle($(chat, '.bubble[dir="auto"]')).direction).to.equal('rtl');
  });
});

describe('<schema-chat> SQL highlighting', () => {
  afterEach(() => unmountAll());

  it('highlights a SQL block while it streams and once finished; the copy is the plain text', async () => {
    const client = new FakeChatClient().queueStream([
      { event: { type: 'conversationId', conversationId: CID } },
      { event: { type: 'token', content: 'Here:\n\n```sql\nSELECT title FROM books' } },
      { wait: 150 },
      { event: { type: 'token', content: " WHERE price > 10 AND title = 'x' -- cheap\n```\n" } },
      { event: completeEvent(CID) },
    ]);
    const chat = await mountChat({ client });
    void chat.send('SQL please');
    await waitFor(() => has(chat, '.code-block .sql-keyword'), 'highlighting while streaming');
    expect($$(chat, '.sql-keyword').map((node) => node.textContent)).to.deep.equal([
      'SELECT',
      'FROM',
    ]);
    await waitFor(() => has(chat, '.sql-comment'), 'the rest of the block');
    await chat.updateComplete;
    const code = $(chat, '.code-block code');
    expect($$(chat, '.sql-keyword').map((node) => node.textContent)).to.deep.equal([
      'SELECT',
      'FROM',
      'WHERE',
      'AND',
    ]);
    expect($(chat, '.sql-string').textContent).to.equal("'x'");
    expect($(chat, '.sql-number').textContent).to.equal('10');
    expect(code.textContent).to.equal(
      "SELECT title FROM books WHERE price > 10 AND title = 'x' -- cheap",
    );
  });

  it('highlights an unlabelled block that is a statement, and no other code', async () => {
    const client = new FakeChatClient();
    const chat = await openWith(client, [
      storedMessage('user', 'Q'),
      storedAnswer('a-1', '```\nselect id from users;\n```\n\n```js\nselect(1)\n```'),
    ]);
    const blocks = $$(chat, '.code-block');
    expect(blocks[0]?.querySelectorAll('.sql-keyword').length).to.equal(2);
    expect(blocks[1]?.querySelectorAll('[class^="sql-"]').length).to.equal(0);
  });
});
