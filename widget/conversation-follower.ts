// Following the page's other elements: when one of them ends a turn or starts over in the
// conversation remembered for the same user and project, this element shows it too — if it is
// idle and shows the remembered conversation (not one its host picked).

import { announceConversation, onConversationAnnounced } from './conversation-sync.js';
import type { RememberedConversation } from './remembered-conversation.js';

/** What {@link ConversationFollower} reads from and tells its element. */
export interface FollowerOptions {
  /** Who announces (an element ignores its own announcements). */
  source: object;
  remembered: RememberedConversation;
  /** Whether the element is idle (nothing loading, nothing being written). */
  isIdle: () => boolean;
  /** The conversation the element shows. */
  shown: () => string | undefined;
  /** Show the remembered conversation as it is now: `id` (maybe the one shown), or none. */
  follow: (id: string | undefined) => void;
}

/** Listens for the page's announcements while connected, and makes this element's own. */
export class ConversationFollower {
  readonly #options: FollowerOptions;
  #unsubscribe: (() => void) | undefined;

  constructor(options: FollowerOptions) {
    this.#options = options;
  }

  /** Starts listening (once, however often called). */
  connect(): void {
    this.#unsubscribe ??= onConversationAnnounced((announcement) => {
      if (announcement.source !== this.#options.source) void this.#onAnnounced(announcement.key);
    });
  }

  /** Stops listening. */
  disconnect(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  /**
   * Tells the page's other elements of this user and project (or of `key`) that the conversation
   * changed.
   */
  async announce(key?: string): Promise<void> {
    key ??= await this.#options.remembered.key();
    if (key) announceConversation(key, this.#options.source);
  }

  async #onAnnounced(key: string): Promise<void> {
    const { remembered, isIdle, shown, follow } = this.#options;
    if (!isIdle()) return;
    const own = await remembered.key();
    // Still idle, the same user and project, and showing the remembered conversation.
    if (own !== key || !isIdle() || shown() !== remembered.recalledId) return;
    follow(remembered.recall(key));
  }
}
