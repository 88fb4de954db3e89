// MemoryChatStore: a ChatStore in plain Maps, for tests and examples (nothing survives a restart).

import type { FeedbackRating } from '../../sdk/protocol.js';
import {
  type BeginAnswerTurnInput,
  type BeginAnswerTurnResult,
  type BeginTurnInput,
  type BeginTurnResult,
  type ChatStore,
  DELETED_USAGE_RETENTION_MS,
  type FinishTurnInput,
  type ListOptions,
  type StoredConversation,
  type StoredMessage,
  type StoredPage,
  type StoredTurn,
  type StoredTurnAction,
} from './chat-store.js';
import {
  checkBeginAnswerTurnInput,
  checkBeginTurnInput,
  checkFeedbackInput,
  checkFinishTurnInput,
  checkInterruptContent,
  checkTitle,
} from './chat-store-input.js';
import { deriveConversationTitle } from './conversation-title.js';
import {
  answerTurnAction,
  newVersion,
  refuseAnswerTurn,
  versionGroupOf,
} from './decide-answer-turn.js';
import {
  checkHistoryLimit,
  checkPageLimit,
  decodePageCursor,
  encodePageCursor,
} from './page-cursor.js';

interface ConversationRecord {
  seq: number;
  /** Times in epoch milliseconds, as the SQLite store keeps them. */
  createdAt: number;
  updatedAt: number;
  conversation: StoredConversation;
  /** In insertion order. */
  messages: MessageRecord[];
}

interface MessageRecord {
  seq: number;
  userId: string;
  createdAt: number;
  message: StoredMessage;
}

interface TurnRecord {
  conversationId: string;
  userMessageId: string;
  assistantMessageId: string;
  /** Regenerate and Continue turns. */
  action?: StoredTurnAction;
  /** Epoch ms of the turn (a Continue's tokens count at this time). */
  createdAt: number;
  /** A Continue's own tokens, once it finished. */
  continuedTokens?: number;
}

const CONVERSATIONS_CURSOR = 'conversations';
const MESSAGES_CURSOR = 'messages';

function copyMessage(message: StoredMessage): StoredMessage {
  const copy = { ...message };
  if (message.usage !== undefined) copy.usage = { ...message.usage };
  if (message.feedback !== undefined) copy.feedback = { ...message.feedback };
  if (message.sqlCheck !== undefined) copy.sqlCheck = structuredClone(message.sqlCheck);
  return copy;
}

function isUsableHistory(message: StoredMessage): boolean {
  if (message.replaced) return false;
  return (
    message.role === 'user' ||
    (message.status !== 'streaming' && message.status !== 'failed' && message.content !== '')
  );
}

/**
 * A {@link ChatStore} kept in memory, with the same behaviour as `SqliteChatStore` (both pass
 * `chat-store.contract.ts`): caller-given ids, conversations named by (user id, conversation id),
 * insertion-order sequences, `updatedAt` moved by every new turn, idempotency keys freed by
 * deleting their conversation, usage of deleted conversations still counted. Every method
 * returns copies, never the stored objects. All work of a method happens synchronously, so
 * concurrent calls cannot interleave.
 *
 * @example
 * const router = createChatRouter({ store: new MemoryChatStore(), ... });
 */
export class MemoryChatStore implements ChatStore {
  #nextSeq = 1;
  /** User id → conversation id → record: a conversation is named by both (see `ChatStore`). */
  readonly #conversations = new Map<string, Map<string, ConversationRecord>>();
  /** Message id → its record. */
  readonly #messages = new Map<string, MessageRecord>();
  /** User id → idempotency key → turn. Nested maps: no separator can collide. */
  readonly #turns = new Map<string, Map<string, TurnRecord>>();
  /** User id → usage of deleted conversations: deleting must not reset a quota. */
  readonly #deletedUsage = new Map<string, { createdAt: number; totalTokens: number }[]>();

  async beginTurn(userId: string, input: BeginTurnInput): Promise<BeginTurnResult> {
    const now = checkBeginTurnInput(userId, input);
    // Same order of checks as SqliteChatStore: duplicate, then not-found, then busy.
    const duplicate = this.#findTurnSync(userId, input.idempotencyKey);
    if (duplicate !== undefined) return { kind: 'duplicate', ...duplicate };

    let record = this.#ownConversation(userId, input.conversationId);
    if (record !== undefined && record.conversation.projectId !== input.projectId) {
      return { kind: 'not-found' };
    }
    if (record?.messages.some(({ message }) => message.status === 'streaming')) {
      return { kind: 'busy', conversationId: input.conversationId };
    }
    if (this.#messages.has(input.userMessage.id) || this.#messages.has(input.assistantMessage.id)) {
      // The SQLite store's UNIQUE constraint fails the same way: ids must be fresh UUIDs.
      throw new TypeError('beginTurn: a message with this id already exists.');
    }

    // The user's old usage of deleted conversations no longer counts for any quota.
    const deleted = this.#deletedUsage.get(userId);
    if (deleted !== undefined) {
      const kept = deleted.filter(({ createdAt }) => createdAt >= now - DELETED_USAGE_RETENTION_MS);
      if (kept.length > 0) this.#deletedUsage.set(userId, kept);
      else this.#deletedUsage.delete(userId);
    }

    const conversationCreated = record === undefined;
    const iso = new Date(now).toISOString();
    if (record === undefined) {
      record = {
        seq: this.#nextSeq++,
        createdAt: now,
        updatedAt: now,
        conversation: {
          id: input.conversationId,
          userId,
          projectId: input.projectId,
          title: deriveConversationTitle(input.userMessage.content),
          createdAt: iso,
          updatedAt: iso,
        },
        messages: [],
      };
      let own = this.#conversations.get(userId);
      if (own === undefined) {
        own = new Map();
        this.#conversations.set(userId, own);
      }
      own.set(input.conversationId, record);
    } else {
      record.updatedAt = now;
      record.conversation.updatedAt = iso;
    }

    const common = {
      conversationId: input.conversationId,
      createdAt: iso,
      idempotencyKey: input.idempotencyKey,
    };
    const userMessage: StoredMessage = {
      id: input.userMessage.id,
      role: 'user',
      content: input.userMessage.content,
      status: 'complete',
      ...common,
    };
    const assistantMessage: StoredMessage = {
      id: input.assistantMessage.id,
      role: 'assistant',
      content: '',
      status: 'streaming',
      model: input.assistantMessage.model,
      ...common,
    };
    for (const message of [userMessage, assistantMessage]) {
      const messageRecord = { seq: this.#nextSeq++, userId, createdAt: now, message };
      record.messages.push(messageRecord);
      this.#messages.set(message.id, messageRecord);
    }
    this.#keysOf(userId).set(input.idempotencyKey, {
      conversationId: input.conversationId,
      userMessageId: userMessage.id,
      assistantMessageId: assistantMessage.id,
      createdAt: now,
    });
    return {
      kind: 'started',
      conversationCreated,
      conversation: { ...record.conversation },
      userMessage: copyMessage(userMessage),
      assistantMessage: copyMessage(assistantMessage),
    };
  }

  async beginAnswerTurn(
    userId: string,
    input: BeginAnswerTurnInput,
  ): Promise<BeginAnswerTurnResult> {
    const now = checkBeginAnswerTurnInput(userId, input);
    const duplicate = this.#findTurnSync(userId, input.idempotencyKey);
    if (duplicate !== undefined) return { kind: 'duplicate', ...duplicate };
    const record = this.#ownConversation(userId, input.conversationId);
    if (record === undefined || record.conversation.projectId !== input.projectId) {
      return { kind: 'not-found' };
    }
    const latest = record.messages.findLast(({ message }) => message.role === 'assistant')?.message;
    const targetIndex = record.messages.findIndex(
      ({ message }) => message.id === input.targetMessageId,
    );
    const target = record.messages[targetIndex]?.message;
    const refusal = refuseAnswerTurn(input, latest, target);
    if (refusal === 'busy') return { kind: 'busy', conversationId: input.conversationId };
    if (refusal !== undefined) return { kind: refusal };
    if (this.#messages.has(input.turnId)) {
      throw new TypeError('beginAnswerTurn: a message with this id already exists.');
    }
    const question = record.messages
      .slice(0, targetIndex)
      .findLast(({ message }) => message.role === 'user')?.message;
    if (latest === undefined || question === undefined) return { kind: 'message-not-found' };

    const iso = new Date(now).toISOString();
    record.updatedAt = now;
    record.conversation.updatedAt = iso;
    let answer = latest;
    if (input.action === 'regenerate') {
      latest.replaced = true;
      answer = newVersion(input, latest, now);
      const messageRecord = { seq: this.#nextSeq++, userId, createdAt: now, message: answer };
      record.messages.push(messageRecord);
      this.#messages.set(answer.id, messageRecord);
    } else {
      answer.status = 'streaming';
      delete answer.finishReason;
    }
    const action = answerTurnAction(input, latest);
    this.#keysOf(userId).set(input.idempotencyKey, {
      conversationId: input.conversationId,
      userMessageId: question.id,
      assistantMessageId: answer.id,
      action,
      createdAt: now,
    });
    return {
      kind: 'started',
      conversation: { ...record.conversation },
      userMessage: copyMessage(question),
      assistantMessage: copyMessage(answer),
      action: { ...action },
    };
  }

  async saveProgress(userId: string, messageId: string, content: string): Promise<void> {
    if (typeof content !== 'string') throw new TypeError('saveProgress: content must be a string.');
    const message = this.#streamingMessage(userId, messageId);
    if (message !== undefined) message.content = content;
  }

  async finishTurn(userId: string, messageId: string, result: FinishTurnInput): Promise<boolean> {
    checkFinishTurnInput(result);
    const message = this.#streamingMessage(userId, messageId);
    if (message === undefined) return false;
    message.content = result.content;
    message.status = result.status;
    message.finishReason = result.finishReason;
    const before = message.usage;
    message.usage = {
      promptTokens: (before?.promptTokens ?? 0) + result.usage.promptTokens,
      completionTokens: (before?.completionTokens ?? 0) + result.usage.completionTokens,
      totalTokens: (before?.totalTokens ?? 0) + result.usage.totalTokens,
    };
    // A Continue's tokens also count at the time of its own turn (tokensUsedSince).
    const continuation = this.#continuationsOf(userId, messageId).at(-1);
    if (continuation !== undefined) continuation.continuedTokens = result.usage.totalTokens;
    if (result.sqlCheck !== undefined) message.sqlCheck = structuredClone(result.sqlCheck);
    return true;
  }

  async findTurn(userId: string, idempotencyKey: string): Promise<StoredTurn | undefined> {
    return this.#findTurnSync(userId, idempotencyKey);
  }

  async getConversation(
    userId: string,
    conversationId: string,
  ): Promise<StoredConversation | undefined> {
    const record = this.#ownConversation(userId, conversationId);
    return record === undefined ? undefined : { ...record.conversation };
  }

  async getMessage(userId: string, messageId: string): Promise<StoredMessage | undefined> {
    const record = this.#messages.get(messageId);
    return record === undefined || record.userId !== userId
      ? undefined
      : copyMessage(record.message);
  }

  async renameConversation(
    userId: string,
    conversationId: string,
    title: string,
  ): Promise<StoredConversation | undefined> {
    checkTitle(title);
    const record = this.#ownConversation(userId, conversationId);
    if (record === undefined) return undefined;
    record.conversation.title = title;
    return { ...record.conversation };
  }

  async setFeedback(
    userId: string,
    messageId: string,
    feedback: { rating: FeedbackRating; comment?: string } | null,
    now: Date,
  ): Promise<StoredMessage | undefined> {
    const time = checkFeedbackInput(feedback, now);
    const record = this.#messages.get(messageId);
    if (record === undefined || record.userId !== userId || record.message.role !== 'assistant') {
      return undefined;
    }
    if (feedback === null) delete record.message.feedback;
    else {
      record.message.feedback = {
        rating: feedback.rating,
        ...(feedback.comment === undefined ? {} : { comment: feedback.comment }),
        updatedAt: new Date(time).toISOString(),
      };
    }
    return copyMessage(record.message);
  }

  async listConversations(
    userId: string,
    projectId: string,
    options: ListOptions,
  ): Promise<StoredPage<StoredConversation>> {
    const limit = checkPageLimit(options.limit);
    const after =
      options.cursor === undefined
        ? undefined
        : decodePageCursor(options.cursor, CONVERSATIONS_CURSOR, 2);
    const [afterUpdatedAt = 0, afterSeq = 0] = after ?? [];
    const matching = [...(this.#conversations.get(userId)?.values() ?? [])]
      .filter(
        (record) =>
          record.conversation.projectId === projectId &&
          (after === undefined ||
            record.updatedAt < afterUpdatedAt ||
            (record.updatedAt === afterUpdatedAt && record.seq < afterSeq)),
      )
      .sort((a, b) => b.updatedAt - a.updatedAt || b.seq - a.seq);
    const items = matching.slice(0, limit);
    const page: StoredPage<StoredConversation> = {
      items: items.map((record) => ({ ...record.conversation })),
    };
    const last = items.at(-1);
    if (matching.length > limit && last !== undefined) {
      page.nextCursor = encodePageCursor(CONVERSATIONS_CURSOR, [last.updatedAt, last.seq]);
    }
    return page;
  }

  async listMessages(
    userId: string,
    conversationId: string,
    options: ListOptions,
  ): Promise<StoredPage<StoredMessage> | undefined> {
    const limit = checkPageLimit(options.limit);
    const before =
      options.cursor === undefined
        ? undefined
        : decodePageCursor(options.cursor, MESSAGES_CURSOR, 1)[0];
    const record = this.#ownConversation(userId, conversationId);
    if (record === undefined) return undefined;
    const older = record.messages.filter(
      ({ message, seq }) => !message.replaced && (before === undefined || seq < before),
    );
    const items = older.slice(-limit);
    const page: StoredPage<StoredMessage> = {
      items: items.map(({ message }) => {
        const copy = copyMessage(message);
        if (message.versionOf === undefined) return copy;
        const previous = record.messages.filter(
          (other) => other.message.replaced && versionGroupOf(other.message) === message.versionOf,
        );
        if (previous.length > 0) {
          copy.previousVersions = previous.map((other) => copyMessage(other.message));
        }
        return copy;
      }),
    };
    const oldest = items[0];
    if (older.length > limit && oldest !== undefined) {
      page.nextCursor = encodePageCursor(MESSAGES_CURSOR, [oldest.seq]);
    }
    return page;
  }

  async getHistory(
    userId: string,
    conversationId: string,
    beforeMessageId: string,
    limit: number,
  ): Promise<StoredMessage[]> {
    checkHistoryLimit(limit);
    const record = this.#ownConversation(userId, conversationId);
    const end = record?.messages.findIndex(({ message }) => message.id === beforeMessageId) ?? -1;
    if (record === undefined || end < 0 || limit === 0) return [];
    return record.messages
      .slice(0, end)
      .filter(({ message }) => isUsableHistory(message))
      .slice(-limit)
      .map(({ message }) => copyMessage(message));
  }

  async deleteConversation(userId: string, conversationId: string): Promise<boolean> {
    const record = this.#ownConversation(userId, conversationId);
    if (record === undefined) return false;
    const keys = this.#turns.get(userId);
    const deleted = this.#deletedUsage.get(userId) ?? [];
    for (const { message, createdAt } of record.messages) {
      this.#messages.delete(message.id);
      const totalTokens = this.#ownTokens(userId, message);
      if (message.role === 'assistant' && totalTokens > 0) {
        deleted.push({ createdAt, totalTokens });
      }
    }
    for (const [key, turn] of keys ?? []) {
      if (turn.conversationId !== conversationId) continue;
      keys?.delete(key);
      if (turn.continuedTokens) {
        deleted.push({ createdAt: turn.createdAt, totalTokens: turn.continuedTokens });
      }
    }
    if (deleted.length > 0) this.#deletedUsage.set(userId, deleted);
    const own = this.#conversations.get(userId);
    own?.delete(conversationId);
    if (own?.size === 0) this.#conversations.delete(userId);
    return true;
  }

  async tokensUsedSince(userId: string, since: Date): Promise<number> {
    const time = since instanceof Date ? since.getTime() : Number.NaN;
    if (!Number.isFinite(time)) throw new TypeError('tokensUsedSince: since must be a valid Date.');
    let total = 0;
    for (const record of this.#messages.values()) {
      if (
        record.userId === userId &&
        record.message.role === 'assistant' &&
        record.createdAt >= time
      ) {
        total += this.#ownTokens(userId, record.message);
      }
    }
    for (const turn of this.#turns.get(userId)?.values() ?? []) {
      if (turn.createdAt >= time) total += turn.continuedTokens ?? 0;
    }
    for (const usage of this.#deletedUsage.get(userId) ?? []) {
      if (usage.createdAt >= time) total += usage.totalTokens;
    }
    return total;
  }

  async recoverInterrupted(): Promise<number> {
    let count = 0;
    for (const { message } of this.#messages.values()) {
      if (message.status !== 'streaming') continue;
      message.status = message.content === '' ? 'failed' : 'interrupted';
      message.finishReason = 'interrupted';
      count += 1;
    }
    return count;
  }

  async interruptTurn(userId: string, messageId: string, content?: string): Promise<boolean> {
    checkInterruptContent(content);
    const message = this.#streamingMessage(userId, messageId);
    if (message === undefined) return false;
    if (content !== undefined) message.content = content;
    message.status = message.content === '' ? 'failed' : 'interrupted';
    message.finishReason = 'interrupted';
    return true;
  }

  /** Nothing to release; kept for the interface. */
  async close(): Promise<void> {}

  /** The user's idempotency keys, created on their first turn. */
  #keysOf(userId: string): Map<string, TurnRecord> {
    let keys = this.#turns.get(userId);
    if (keys === undefined) {
      keys = new Map();
      this.#turns.set(userId, keys);
    }
    return keys;
  }

  #ownConversation(userId: string, conversationId: string): ConversationRecord | undefined {
    return this.#conversations.get(userId)?.get(conversationId);
  }

  #streamingMessage(userId: string, messageId: string): StoredMessage | undefined {
    const record = this.#messages.get(messageId);
    if (record === undefined || record.userId !== userId) return undefined;
    return record.message.status === 'streaming' ? record.message : undefined;
  }

  /** The Continue turns of a message, oldest first. */
  #continuationsOf(userId: string, messageId: string): TurnRecord[] {
    return [...(this.#turns.get(userId)?.values() ?? [])].filter(
      (turn) => turn.action?.kind === 'continue' && turn.assistantMessageId === messageId,
    );
  }

  /** An answer's tokens without its Continues' (those count at their own turn's time). */
  #ownTokens(userId: string, message: StoredMessage): number {
    let total = message.usage?.totalTokens ?? 0;
    for (const turn of this.#continuationsOf(userId, message.id)) {
      total -= turn.continuedTokens ?? 0;
    }
    return total;
  }

  #findTurnSync(userId: string, idempotencyKey: string): StoredTurn | undefined {
    const turn = this.#turns.get(userId)?.get(idempotencyKey);
    const record =
      turn === undefined ? undefined : this.#ownConversation(userId, turn.conversationId);
    if (turn === undefined || record === undefined) return undefined;
    const userMessage = this.#messages.get(turn.userMessageId)?.message;
    const assistantMessage = this.#messages.get(turn.assistantMessageId)?.message;
    if (userMessage === undefined || assistantMessage === undefined) return undefined;
    return {
      conversation: { ...record.conversation },
      userMessage: copyMessage(userMessage),
      assistantMessage: copyMessage(assistantMessage),
      ...(turn.action === undefined ? {} : { action: { ...turn.action } }),
    };
  }
}
