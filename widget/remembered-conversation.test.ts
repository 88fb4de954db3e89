// The conversation's identity (API, user, project) and the conversation remembered for it.
/// <reference types="mocha" />

import { expect } from 'chai';
import { conversationStorageKey, createConversationMemory } from './conversation-memory.js';
import { type ConversationOwner, RememberedConversation } from './remembered-conversation.js';
import { FakeChatClient } from './test-helpers/fake-chat-client.js';

const API = 'https://api.example.test/ai';
const CID = '0b6f3a52-1c2d-4e5f-8a9b-0c1d2e3f4a5b';

function fakeJwt(sub: string): string {
  const encode = (value: unknown) => btoa(JSON.stringify(value)).replace(/=+$/, '');
  return `${encode({ alg: 'HS256' })}.${encode({ sub })}.signature`;
}

function owner(patch: Partial<ConversationOwner> = {}): ConversationOwner {
  return {
    apiUrl: API,
    projectId: 'p1',
    token: undefined,
    getToken: undefined,
    client: undefined,
    ...patch,
  };
}

/** A memory over a plain map, so tests see exactly what was stored. */
function mapMemory() {
  const map = new Map<string, string>();
  const storage = {
    getItem: (key: string) => map.get(key) ?? null,
    setItem: (key: string, value: string) => void map.set(key, value),
    removeItem: (key: string) => void map.delete(key),
  } as Storage;
  return { map, memory: createConversationMemory(() => storage) };
}

describe('RememberedConversation', () => {
  it('keys the conversation by API, the user of the token, getToken or client, and project', async () => {
    const { memory } = mapMemory();
    let current = owner({ token: fakeJwt('alice') });
    const remembered = new RememberedConversation(memory, () => current);
    expect(await remembered.key()).to.equal(conversationStorageKey(API, 'alice', 'p1'));

    current = owner({ getToken: () => fakeJwt('bob'), projectId: 'p2' });
    // Found once, until reset().
    expect(await remembered.key()).to.equal(conversationStorageKey(API, 'alice', 'p1'));
    remembered.reset();
    expect(await remembered.key()).to.equal(conversationStorageKey(API, 'bob', 'p2'));

    const client = new FakeChatClient();
    client.token = fakeJwt('carol');
    current = owner({ client, getToken: () => Promise.reject(new Error('signed out')) });
    remembered.reset();
    expect(await remembered.key()).to.equal(conversationStorageKey(API, 'carol', 'p1'));

    current = owner({ projectId: undefined });
    remembered.reset();
    expect(await remembered.key()).to.equal(undefined);
  });

  it('recalls, remembers and forgets the id, noting what it last read or wrote', async () => {
    const { map, memory } = mapMemory();
    const remembered = new RememberedConversation(memory, () => owner({ token: fakeJwt('u') }));
    const key = (await remembered.key()) ?? '';
    expect(remembered.recall(key)).to.equal(undefined);
    remembered.remember(key, CID);
    expect(map.get(key)).to.equal(CID);
    expect(remembered.recalledId).to.equal(CID);
    remembered.recalledId = undefined;
    expect(remembered.recall(key)).to.equal(CID);
    expect(remembered.recalledId).to.equal(CID);
    expect(remembered.recall(undefined)).to.equal(undefined);
    remembered.recall(key);
    remembered.forget(key);
    expect(map.has(key)).to.equal(false);
    expect(remembered.recalledId).to.equal(undefined);
  });
});
