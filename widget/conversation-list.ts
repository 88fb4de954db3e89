// The user's conversations in the project, for the element's list: pages loaded on request
// (newest first, as the server lists them), a deletion taken out at once, one load at a time.

import type { ChatClient } from '../sdk/chat-client.js';
import type { ConversationSummary } from '../sdk/protocol.js';

/** The list shown when the conversations button is pressed. */
export class ConversationList {
  /** Whether the list is shown (instead of the log). */
  open = false;
  /** The conversations loaded so far, newest first. */
  items: ConversationSummary[] = [];
  /** Cursor of the next (older) page; `undefined` once the last is loaded. */
  nextCursor: string | undefined;
  /** Whether a page is being loaded. */
  loading = false;
  #abort: AbortController | undefined;

  /**
   * Loads the first page (`more` false: replacing what was listed) or the next one. Resolves
   * false when aborted or already loading; throws what the client throws.
   */
  async load(client: ChatClient, projectId: string, more: boolean): Promise<boolean> {
    if (this.loading || (more && !this.nextCursor)) return false;
    const abort = new AbortController();
    this.#abort = abort;
    this.loading = true;
    try {
      const page = await client.listConversations(projectId, {
        signal: abort.signal,
        ...(more && this.nextCursor ? { cursor: this.nextCursor } : {}),
      });
      if (abort.signal.aborted) return false;
      const known = more ? new Set(this.items.map((item) => item.id)) : new Set<string>();
      const fresh = page.items.filter((item) => !known.has(item.id));
      this.items = more ? [...this.items, ...fresh] : fresh;
      this.nextCursor = page.nextCursor;
      return true;
    } finally {
      if (this.#abort === abort) {
        this.#abort = undefined;
        this.loading = false;
      }
    }
  }

  /** Takes a deleted conversation out of the list. */
  remove(id: string): void {
    this.items = this.items.filter((item) => item.id !== id);
  }

  /** Closes the list and forgets it (another user, project or API). */
  reset(): void {
    this.#abort?.abort();
    this.#abort = undefined;
    this.loading = false;
    this.open = false;
    this.items = [];
    this.nextCursor = undefined;
  }
}
