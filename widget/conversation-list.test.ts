// The conversation list's paging: the first page, the next ones appended (never a conversation
// twice), a deletion taken out, one load at a time.
/// <reference types="mocha" />

import { expect } from 'chai';
import type { ConversationSummary } from '../sdk/protocol.js';
import { ConversationList } from './conversation-list.js';
import { FakeChatClient } from './test-helpers/fake-chat-client.js';

const conversation = (index: number): ConversationSummary => ({
  id: `conversation-${index}`,
  projectId: 'p1',
  title: `Question ${index}`,
  createdAt: '2026-01-01T10:00:00.000Z',
  updatedAt: '2026-01-01T10:00:00.000Z',
});

describe('ConversationList', () => {
  it('loads the first page, then appends the next ones until the last', async () => {
    const client = new FakeChatClient().setConversations(
      Array.from({ length: 5 }, (_, i) => conversation(i)),
      2,
    );
    const list = new ConversationList();
    expect(await list.load(client, 'p1', false)).to.equal(true);
    expect(list.items.map((item) => item.id)).to.deep.equal(['conversation-0', 'conversation-1']);
    await list.load(client, 'p1', true);
    await list.load(client, 'p1', true);
    expect(list.items).to.have.length(5);
    expect(list.nextCursor).to.equal(undefined);
    expect(await list.load(client, 'p1', true)).to.equal(false);
    expect(client.listCalls.map((call) => call.cursor)).to.deep.equal([undefined, '2', '4']);
  });

  it('loads one page at a time, takes a deletion out and starts over on reset', async () => {
    const client = new FakeChatClient().setConversations([conversation(1), conversation(2)]);
    const list = new ConversationList();
    const first = list.load(client, 'p1', false);
    expect(await list.load(client, 'p1', false)).to.equal(false);
    await first;
    list.remove('conversation-1');
    expect(list.items.map((item) => item.id)).to.deep.equal(['conversation-2']);
    list.open = true;
    list.reset();
    expect([list.open, list.items.length]).to.deep.equal([false, 0]);
  });
});
