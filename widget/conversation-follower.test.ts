// Following the page's other elements: an idle element showing the remembered conversation of the
// same user and project shows what another element left there.
/// <reference types="mocha" />

import { expect } from 'chai';
import { ConversationFollower } from './conversation-follower.js';
import { type ConversationMemory, createConversationMemory } from './conversation-memory.js';
import { type ConversationOwner, RememberedConversation } from './remembered-conversation.js';

const CID = '0b6f3a52-1c2d-4e5f-8a9b-0c1d2e3f4a5b';
const OTHER = '7c1e2d3f-4a5b-4c6d-9e8f-0a1b2c3d4e5f';

/** The page's storage, shared by its elements. */
let memory: ConversationMemory;

function setUp(projectId = 'p1') {
  const owner: ConversationOwner = {
    apiUrl: 'https://api.example.test',
    projectId,
    token: undefined,
    getToken: undefined,
    client: undefined,
  };
  const remembered = new RememberedConversation(memory, () => owner);
  const state = { idle: true, shown: undefined as string | undefined, followed: [] as unknown[] };
  const follower = new ConversationFollower({
    source: {},
    remembered,
    isIdle: () => state.idle,
    shown: () => state.shown,
    follow: (id) => {
      state.followed.push(id);
      state.shown = id;
    },
  });
  follower.connect();
  return { remembered, follower, state };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('ConversationFollower', () => {
  const followers: ConversationFollower[] = [];
  beforeEach(() => {
    memory = createConversationMemory(() => undefined);
  });
  afterEach(() => {
    for (const follower of followers.splice(0)) follower.disconnect();
  });

  it("follows the other element's conversation of the same user and project, and its new start", async () => {
    const a = setUp();
    const b = setUp();
    followers.push(a.follower, b.follower);
    const key = (await a.remembered.key()) ?? '';
    a.remembered.remember(key, CID);
    await a.follower.announce();
    await settle();
    expect(b.state.followed).to.deep.equal([CID]);
    expect(a.state.followed).to.deep.equal([]);
    a.remembered.forget(key);
    await a.follower.announce();
    await settle();
    expect(b.state.followed).to.deep.equal([CID, undefined]);
  });

  it('stays put while busy, in another project, or on a conversation its host picked', async () => {
    const a = setUp();
    const busy = setUp();
    const elsewhere = setUp('p2');
    const pinned = setUp();
    followers.push(a.follower, busy.follower, elsewhere.follower, pinned.follower);
    busy.state.idle = false;
    pinned.state.shown = OTHER;
    const key = (await a.remembered.key()) ?? '';
    a.remembered.remember(key, CID);
    await a.follower.announce();
    await settle();
    expect(busy.state.followed).to.deep.equal([]);
    expect(elsewhere.state.followed).to.deep.equal([]);
    expect(pinned.state.followed).to.deep.equal([]);
  });

  it('hears nothing once disconnected', async () => {
    const a = setUp();
    const b = setUp();
    followers.push(a.follower);
    b.follower.disconnect();
    await a.follower.announce();
    await settle();
    expect(b.state.followed).to.deep.equal([]);
  });
});
