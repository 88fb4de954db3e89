// Pages a conversation's history: the latest page when a conversation opens, then older pages on
// request, each above the messages shown. Holds the cursor and whether an older page is loading.

import type { ChatClient } from '../sdk/chat-client.js';
import { linkAbortSignal } from '../sdk/link-abort-signal.js';
import { toViewMessage, type ViewMessage } from './view-message.js';

/** The latest page and the older pages of one conversation at a time. */
export class HistoryPager {
  /** Cursor of the page before the oldest message shown; `undefined` when that is the first. */
  olderCursor: string | undefined;
  /** Whether an older page is being loaded. */
  loadingOlder = false;
  #latest: AbortController | undefined;
  #older: AbortController | undefined;

  /**
   * The latest page of `conversationId`, oldest first, and its cursor; a latest load still running
   * is aborted. Resolves `undefined` when aborted meanwhile (by `signal`, {@link clear} or a newer
   * load); throws what the client throws.
   */
  async latest(
    client: ChatClient,
    conversationId: string,
    signal: AbortSignal,
  ): Promise<ViewMessage[] | undefined> {
    this.#latest?.abort();
    const abort = new AbortController();
    this.#latest = abort;
    const unlink = linkAbortSignal(signal, abort);
    try {
      const page = await client.getMessages(conversationId, { signal: abort.signal });
      if (abort.signal.aborted) return undefined;
      this.olderCursor = page.nextCursor;
      return page.items.map(toViewMessage);
    } catch (error) {
      if (abort.signal.aborted) return undefined;
      throw error;
    } finally {
      unlink();
      if (this.#latest === abort) this.#latest = undefined;
    }
  }

  /**
   * The page before the oldest message shown, without the messages `shown()` gives once it has
   * arrived (a turn may have been written meanwhile: never show a message twice). Resolves
   * `undefined` when there is no older page, one is loading already, or the load was aborted;
   * throws what the client throws.
   */
  async older(
    client: ChatClient,
    conversationId: string,
    shown: () => readonly ViewMessage[],
    signal: AbortSignal,
  ): Promise<ViewMessage[] | undefined> {
    const cursor = this.olderCursor;
    if (!cursor || this.loadingOlder) return undefined;
    const abort = new AbortController();
    this.#older = abort;
    this.loadingOlder = true;
    const unlink = linkAbortSignal(signal, abort);
    try {
      const page = await client.getMessages(conversationId, { cursor, signal: abort.signal });
      if (abort.signal.aborted) return undefined;
      const ids = new Set(shown().map((message) => message.id));
      this.olderCursor = page.nextCursor;
      return page.items.filter((message) => !ids.has(message.id)).map(toViewMessage);
    } catch (error) {
      if (abort.signal.aborted) return undefined;
      throw error;
    } finally {
      unlink();
      if (this.#older === abort) {
        this.#older = undefined;
        this.loadingOlder = false;
      }
    }
  }

  /** Aborts both loads. */
  abort(): void {
    this.#latest?.abort();
    this.#latest = undefined;
    this.#older?.abort();
    this.#older = undefined;
    this.loadingOlder = false;
  }

  /** Aborts both loads and forgets the cursor (another conversation is shown). */
  clear(): void {
    this.abort();
    this.olderCursor = undefined;
  }
}
