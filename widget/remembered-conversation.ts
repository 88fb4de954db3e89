// The conversation's identity and memory: which user of which API is chatting about which project
// (the storage key), and the conversation remembered for them, so a reload resumes it.

import type { ChatClient } from '../sdk/chat-client.js';
import {
  type ConversationMemory,
  conversationStorageKey,
  readJwtSubject,
} from './conversation-memory.js';

/** Who is chatting about what, as the element knows it when asked. */
export interface ConversationOwner {
  /** Where the API lives; part of the key. */
  apiUrl: string | undefined;
  projectId: string | undefined;
  /** The JWT, if the host set one: its `sub` is the user. */
  token: string | undefined;
  /** Asked for a JWT when no `token` is set, only to learn the user's `sub`. */
  getToken: (() => string | Promise<string>) | undefined;
  /** A client the host handed over: asked (`currentToken()`) when neither of the above says. */
  client: ChatClient | undefined;
}

/**
 * The storage key of the current owner (found once, until {@link reset}) and the conversation
 * remembered under it. `recalledId` is what this element last read or wrote there: while it shows
 * that conversation it shows the remembered one, not one the host picked.
 */
export class RememberedConversation {
  /** The id remembered for this owner when this element last read or wrote it. */
  recalledId: string | undefined;
  readonly #memory: ConversationMemory;
  readonly #getOwner: () => ConversationOwner;
  #key: Promise<string | undefined> | undefined;

  constructor(memory: ConversationMemory, getOwner: () => ConversationOwner) {
    this.#memory = memory;
    this.#getOwner = getOwner;
  }

  /** Finds the owner again on the next {@link key} (the user, project or API may have changed). */
  reset(): void {
    this.#key = undefined;
  }

  /**
   * The storage key of this user's conversation in this project of this API; `undefined` without
   * a project. Finding the user may take a while (`getToken`, a client's `currentToken`).
   */
  key(): Promise<string | undefined> {
    this.#key ??= (async () => {
      const owner = this.#getOwner();
      if (!owner.projectId) return undefined;
      // A host that hands over a ready client sets no token here: ask the client who it is for
      // (duck-typed: the client may come from another copy of the sdk, or be the host's own).
      const client = owner.client as Partial<ChatClient> | undefined;
      const token =
        owner.token ||
        (await askForToken(owner.getToken)) ||
        (await askForToken(
          typeof client?.currentToken === 'function' ? client.currentToken.bind(client) : undefined,
        ));
      return conversationStorageKey(owner.apiUrl, readJwtSubject(token), owner.projectId);
    })();
    return this.#key;
  }

  /** Reads the conversation remembered under `key` (none without a key) and notes it as recalled. */
  recall(key: string | undefined): string | undefined {
    this.recalledId = key ? this.#memory.recall(key) : undefined;
    return this.recalledId;
  }

  /** Remembers `conversationId` under `key` and notes it as recalled. */
  remember(key: string, conversationId: string): void {
    this.#memory.remember(key, conversationId);
    this.recalledId = conversationId;
  }

  /** Forgets the conversation remembered under `key` (new conversation, logout, or gone). */
  forget(key: string | undefined): void {
    this.recalledId = undefined;
    if (key) this.#memory.forget(key);
  }
}

/** What `get` (a `getToken` or a client's `currentToken`) gives; `undefined` when it fails or is absent. */
async function askForToken(
  get: (() => string | undefined | Promise<string | undefined>) | undefined,
): Promise<string | undefined> {
  if (!get) return undefined;
  try {
    return await get();
  } catch {
    return undefined;
  }
}
