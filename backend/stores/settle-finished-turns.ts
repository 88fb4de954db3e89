// Makes a turn's final save stick: when `finishTurn` fails with a storage fault (the database
// locked past busy_timeout, a full disk), the caller still hears at once (the run ends with
// STORAGE_ERROR), and the same save is tried again in the background until the storage is back,
// so the answer is not left `streaming` — which would block its conversation with 409
// TURN_IN_PROGRESS until the next restart's recovery.

import { isChatError } from '../errors.js';
import type { ChatLogger } from '../logging/chat-logger.js';
import type { ChatStore, FinishTurnInput } from './chat-store.js';

/** Options of {@link settleFinishedTurns}. */
export interface SettleFinishedTurnsOptions {
  logger: ChatLogger;
  /** Waits between the background attempts, in ms. Defaults to 0.25 s doubling up to 30 s, about 4 minutes in all. */
  retryDelaysMs?: readonly number[];
}

/** A store whose failed final saves are retried; `flush()` tries the pending ones once more, now. */
export interface SettlingChatStore extends ChatStore {
  /** Final saves still waiting for the storage. */
  readonly pendingFinishes: number;
  /** Tries every pending final save once more and stops retrying (call before closing the store). */
  flush(): Promise<void>;
}

const DEFAULT_DELAYS_MS = [
  250, 500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000, 30_000, 30_000, 30_000, 30_000,
  30_000,
];

interface PendingFinish {
  userId: string;
  messageId: string;
  result: FinishTurnInput;
  attempt: number;
  timer: NodeJS.Timeout | undefined;
}

/**
 * Wraps `store` so that a `finishTurn` rejected with `STORAGE_ERROR` is retried in the background
 * (the rejection still reaches the caller). Every other method is the store's own.
 */
export function settleFinishedTurns(
  store: ChatStore,
  options: SettleFinishedTurnsOptions,
): SettlingChatStore {
  const delays = options.retryDelaysMs ?? DEFAULT_DELAYS_MS;
  const pending = new Map<string, PendingFinish>();
  const isStorageFault = (error: unknown) => isChatError(error) && error.code === 'STORAGE_ERROR';

  const attempt = async (item: PendingFinish): Promise<void> => {
    item.timer = undefined;
    try {
      await store.finishTurn(item.userId, item.messageId, item.result);
      pending.delete(item.messageId);
      options.logger.warn(
        { messageId: item.messageId, attempts: item.attempt + 1 },
        'saved an answer whose first final save had failed',
      );
    } catch (error) {
      item.attempt++;
      const delay = delays[item.attempt - 1];
      if (!isStorageFault(error) || delay === undefined) {
        pending.delete(item.messageId);
        options.logger.error(
          { err: error, messageId: item.messageId },
          'an answer could not be saved; it stays streaming until the next start recovers it',
        );
        return;
      }
      schedule(item, delay);
    }
  };
  const schedule = (item: PendingFinish, delay: number) => {
    item.timer = setTimeout(() => void attempt(item), delay);
    // A retry alone must not keep a process alive; shutdown flushes what is left.
    item.timer.unref();
  };

  return {
    beginTurn: (userId, input) => store.beginTurn(userId, input),
    saveProgress: (userId, messageId, content) => store.saveProgress(userId, messageId, content),
    async finishTurn(userId, messageId, result) {
      try {
        return await store.finishTurn(userId, messageId, result);
      } catch (error) {
        if (isStorageFault(error) && !pending.has(messageId) && delays[0] !== undefined) {
          const item: PendingFinish = { userId, messageId, result, attempt: 1, timer: undefined };
          pending.set(messageId, item);
          schedule(item, delays[0]);
        }
        throw error;
      }
    },
    findTurn: (userId, key) => store.findTurn(userId, key),
    getConversation: (userId, id) => store.getConversation(userId, id),
    listConversations: (userId, projectId, list) =>
      store.listConversations(userId, projectId, list),
    listMessages: (userId, id, list) => store.listMessages(userId, id, list),
    getHistory: (userId, id, before, limit) => store.getHistory(userId, id, before, limit),
    deleteConversation: (userId, id) => store.deleteConversation(userId, id),
    tokensUsedSince: (userId, since) => store.tokensUsedSince(userId, since),
    recoverInterrupted: () => store.recoverInterrupted(),
    interruptTurn: (userId, id, content) => store.interruptTurn(userId, id, content),
    close: () => store.close(),
    get pendingFinishes() {
      return pending.size;
    },
    async flush() {
      const items = [...pending.values()];
      for (const item of items) clearTimeout(item.timer);
      pending.clear();
      await Promise.all(
        items.map((item) =>
          store
            .finishTurn(item.userId, item.messageId, item.result)
            .catch((error: unknown) =>
              options.logger.error(
                { err: error, messageId: item.messageId },
                'an answer could not be saved before closing; the next start recovers it',
              ),
            ),
        ),
      );
    },
  };
}
