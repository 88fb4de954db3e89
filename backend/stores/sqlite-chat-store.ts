// SqliteChatStore: the default ChatStore, on one better-sqlite3 connection (WAL, prepared statements).

import type Database from 'better-sqlite3';
import type { FeedbackRating } from '../../sdk/protocol.js';
import {
  type AnswerTurnRow,
  attachPreviousVersions,
  type ConversationRow,
  type MessageRow,
  toConversation,
  toIso,
  toMessage,
  toTurnAction,
} from './chat-rows.js';
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
import { claimSqliteFile, releaseSqliteFile } from './claim-sqlite-file.js';
import { deriveConversationTitle } from './conversation-title.js';
import { answerTurnAction, newVersion, refuseAnswerTurn } from './decide-answer-turn.js';
import { openSqliteDatabase } from './open-sqlite-database.js';
import {
  checkHistoryLimit,
  checkPageLimit,
  decodePageCursor,
  encodePageCursor,
} from './page-cursor.js';
import { migrateChatSchema } from './sqlite-chat-schema.js';
import type { SqliteDatabase } from './sqlite-database.js';
import { withStorageErrors } from './sqlite-storage-error.js';

/** Options of {@link SqliteChatStore}. */
export interface SqliteChatStoreOptions {
  /**
   * The database file, created when missing (with `-wal` and `-shm` files beside it).
   * Defaults to `:memory:`, which keeps nothing across restarts: pass a file in production (the
   * router does: `new SqliteChatStore({ path })`). Give either `path` or `database`.
   */
  path?: string;
  /**
   * An open better-sqlite3 connection to use instead of opening `path`, e.g. one shared with
   * `SqliteProjectStore` or the host app. The store applies its connection settings (WAL,
   * `synchronous = NORMAL`, foreign keys, `busy_timeout`) and migrations to it, owns its
   * `PRAGMA user_version`, and does not close it in {@link SqliteChatStore.close}. Defaults to none.
   */
  database?: SqliteDatabase;
  /**
   * How long a write waits for another connection's lock before failing with `STORAGE_ERROR`, in
   * milliseconds (SQLite `busy_timeout`). Defaults to 5000.
   */
  busyTimeoutMs?: number;
}

/** The SQL of every statement the store prepares, by name (exported for the query-plan test). */
export const CHAT_STORE_SQL = {
  selectTurnMessages: `SELECT * FROM messages WHERE user_id = ? AND idempotency_key = ?`,
  selectAnswerTurn: `SELECT * FROM answer_turns WHERE user_id = ? AND idempotency_key = ?`,
  selectConversation: `SELECT * FROM conversations WHERE user_id = ? AND id = ?`,
  selectMessage: `SELECT * FROM messages WHERE user_id = ? AND id = ?`,
  selectStreamingMessage: `SELECT 1 FROM messages
    WHERE user_id = ? AND conversation_id = ? AND status = 'streaming' LIMIT 1`,
  selectLatestAnswer: `SELECT * FROM messages
    WHERE user_id = ? AND conversation_id = ? AND role = 'assistant' ORDER BY seq DESC LIMIT 1`,
  selectQuestionBefore: `SELECT * FROM messages
    WHERE user_id = ? AND conversation_id = ? AND role = 'user' AND seq < ?
    ORDER BY seq DESC LIMIT 1`,
  insertConversation: `INSERT INTO conversations (id, user_id, project_id, title, created_at, updated_at)
    VALUES (@id, @userId, @projectId, @title, @now, @now)`,
  touchConversation: `UPDATE conversations SET updated_at = ? WHERE user_id = ? AND id = ?`,
  renameConversation: `UPDATE conversations SET title = ? WHERE user_id = ? AND id = ? RETURNING *`,
  insertMessage: `INSERT INTO messages
    (id, conversation_id, user_id, role, content, status, created_at, model, idempotency_key)
    VALUES (@id, @conversationId, @userId, @role, @content, @status, @createdAt, @model, @idempotencyKey)`,
  insertVersion: `INSERT INTO messages
    (id, conversation_id, user_id, role, content, status, created_at, model, version_of)
    VALUES (@id, @conversationId, @userId, 'assistant', '', 'streaming', @createdAt, @model, @versionOf)`,
  markReplaced: `UPDATE messages SET replaced = 1 WHERE id = ? AND user_id = ?`,
  reopenAnswer: `UPDATE messages SET status = 'streaming', finish_reason = NULL
    WHERE id = ? AND user_id = ?`,
  insertAnswerTurn: `INSERT INTO answer_turns (id, user_id, conversation_id, idempotency_key, kind,
      target_id, message_id, question_id, start_offset, created_at)
    VALUES (@id, @userId, @conversationId, @idempotencyKey, @kind, @targetId, @messageId,
      @questionId, @startOffset, @createdAt)`,
  saveProgress: `UPDATE messages SET content = ?
    WHERE id = ? AND user_id = ? AND status = 'streaming'`,
  // Usage adds up: a Continue's generation adds its tokens to the answer's.
  finishTurn: `UPDATE messages SET content = @content, status = @status, finish_reason = @finishReason,
      prompt_tokens = coalesce(prompt_tokens, 0) + @promptTokens,
      completion_tokens = coalesce(completion_tokens, 0) + @completionTokens,
      total_tokens = coalesce(total_tokens, 0) + @totalTokens,
      sql_check = @sqlCheck
    WHERE id = @id AND user_id = @userId AND status = 'streaming'`,
  // The latest Continue of the message is the one finishing (one generation at a time).
  recordContinuedTokens: `UPDATE answer_turns SET total_tokens = @totalTokens
    WHERE seq = (SELECT max(seq) FROM answer_turns
      WHERE user_id = @userId AND message_id = @id AND kind = 'continue')`,
  setFeedback: `UPDATE messages
    SET feedback_rating = @rating, feedback_comment = @comment, feedback_at = @at
    WHERE id = @id AND user_id = @userId AND role = 'assistant' RETURNING *`,
  listConversations: `SELECT * FROM conversations WHERE user_id = ? AND project_id = ?
    ORDER BY updated_at DESC, seq DESC LIMIT ?`,
  listConversationsAfter: `SELECT * FROM conversations WHERE user_id = ? AND project_id = ?
      AND (updated_at, seq) < (?, ?)
    ORDER BY updated_at DESC, seq DESC LIMIT ?`,
  listMessages: `SELECT * FROM messages WHERE user_id = ? AND conversation_id = ? AND replaced = 0
    ORDER BY seq DESC LIMIT ?`,
  listMessagesBefore: `SELECT * FROM messages
    WHERE user_id = ? AND conversation_id = ? AND replaced = 0 AND seq < ?
    ORDER BY seq DESC LIMIT ?`,
  // `@groups`: a JSON array of the version groups of a page's answers.
  selectPreviousVersions: `SELECT * FROM messages
    WHERE user_id = @userId AND conversation_id = @conversationId AND replaced = 1
      AND coalesce(version_of, id) IN (SELECT value FROM json_each(@groups))
    ORDER BY seq`,
  selectHistory: `SELECT * FROM messages
    WHERE user_id = @userId AND conversation_id = @conversationId
      AND seq < (SELECT seq FROM messages
        WHERE id = @beforeMessageId AND user_id = @userId AND conversation_id = @conversationId)
      AND replaced = 0
      AND NOT (role = 'assistant' AND (status IN ('streaming', 'failed') OR content = ''))
    ORDER BY seq DESC LIMIT @limit`,
  // Each answer's own tokens at its time, each Continue's at the Continue's (see tokensUsedSince).
  keepDeletedUsage: `INSERT INTO deleted_usage (user_id, created_at, total_tokens)
    SELECT user_id, created_at, own FROM (
      SELECT m.user_id, m.created_at, m.total_tokens - coalesce((SELECT sum(t.total_tokens)
          FROM answer_turns t
          WHERE t.user_id = m.user_id AND t.message_id = m.id AND t.kind = 'continue'), 0) AS own
      FROM messages m
      WHERE m.user_id = ? AND m.conversation_id = ? AND m.role = 'assistant'
    ) WHERE own > 0`,
  keepDeletedContinuedUsage: `INSERT INTO deleted_usage (user_id, created_at, total_tokens)
    SELECT user_id, created_at, total_tokens FROM answer_turns
    WHERE user_id = ? AND conversation_id = ? AND kind = 'continue' AND total_tokens > 0`,
  deleteConversation: `DELETE FROM conversations WHERE user_id = ? AND id = ?`,
  pruneDeletedUsage: `DELETE FROM deleted_usage WHERE user_id = ? AND created_at < ?`,
  // A message's usage includes its Continues', which count at their own turn's time instead.
  tokensUsedSince: `SELECT
      (SELECT coalesce(sum(total_tokens), 0) FROM messages
        WHERE user_id = @userId AND role = 'assistant' AND created_at >= @since)
      - (SELECT coalesce(sum(t.total_tokens), 0) FROM answer_turns t
        JOIN messages m ON m.id = t.message_id
        WHERE t.user_id = @userId AND t.kind = 'continue' AND m.created_at >= @since)
      + (SELECT coalesce(sum(total_tokens), 0) FROM answer_turns
        WHERE user_id = @userId AND kind = 'continue' AND created_at >= @since)
      + (SELECT coalesce(sum(total_tokens), 0) FROM deleted_usage
        WHERE user_id = @userId AND created_at >= @since) AS total`,
  recoverInterrupted: `UPDATE messages
    SET status = CASE WHEN content = '' THEN 'failed' ELSE 'interrupted' END,
      finish_reason = 'interrupted'
    WHERE status = 'streaming'`,
  // SET expressions read the row as it was, so both uses of content see the checkpoint.
  interruptTurn: `UPDATE messages
    SET content = coalesce(@content, content),
      status = CASE WHEN coalesce(@content, content) = '' THEN 'failed' ELSE 'interrupted' END,
      finish_reason = 'interrupted'
    WHERE id = @id AND user_id = @userId AND status = 'streaming'`,
} as const;

type StatementName = keyof typeof CHAT_STORE_SQL;

/** A checkpoint waiting for the end of the event-loop turn (see `saveProgress`). */
interface PendingProgress {
  userId: string;
  messageId: string;
  content: string;
  resolve(): void;
  reject(error: unknown): void;
}

const CONVERSATIONS_CURSOR = 'conversations';
const MESSAGES_CURSOR = 'messages';

/**
 * The default {@link ChatStore}: conversations and messages in SQLite through better-sqlite3.
 *
 * - **Ids** are given by the caller (UUID v4 strings); the store never invents one. A
 *   conversation is named by (user id, conversation id): another user's id is an unused one.
 * - **Order** is the insertion order (`seq`, the rowid), never a timestamp: messages saved in the
 *   same millisecond keep their order, and paging uses keyset cursors on it.
 * - **`updatedAt`** of a conversation moves to the turn's `now` on every new turn (not on progress
 *   or finish saves, which stay single cheap statements).
 * - **Idempotency keys** live on the turn's two messages: deleting a conversation frees the keys
 *   of its turns (a retry after a delete starts a new turn). The token usage of deleted
 *   conversations still counts in {@link SqliteChatStore.tokensUsedSince}.
 * - **Writes**: `beginTurn` and `deleteConversation` are `BEGIN IMMEDIATE` transactions, so
 *   another connection to the file (a backup, a script) never sees half a turn; `saveProgress`
 *   and `finishTurn` are one `UPDATE` each. Every statement is prepared once, in the
 *   constructor. One live server process serves a file (`claimSqliteFile` refuses a second):
 *   several instances need `PostgresChatStore`.
 * - **Durability**: WAL with `synchronous = NORMAL` — a committed turn survives the process being
 *   killed; see `openSqliteDatabase` for why not FULL.
 * - **Faults**: a lock held past `busyTimeoutMs`, a full disk or a corrupt file reject with
 *   `ChatError('STORAGE_ERROR')` (503, retryable), never with SQL text.
 *
 * @example
 * const chatStore = new SqliteChatStore({ path: './data/schema-chat.db' });
 * await chatStore.recoverInterrupted(); // once, before serving
 */
export class SqliteChatStore implements ChatStore {
  /** The connection, e.g. to share with `new SqliteProjectStore({ database: store.database })`. */
  readonly database: SqliteDatabase;
  readonly #ownsDatabase: boolean;
  readonly #statements: Record<StatementName, Database.Statement>;
  readonly #beginTurn: (userId: string, input: BeginTurnInput, now: number) => BeginTurnResult;
  readonly #beginAnswerTurn: (
    userId: string,
    input: BeginAnswerTurnInput,
    now: number,
  ) => BeginAnswerTurnResult;
  readonly #finishTurn: (userId: string, messageId: string, result: FinishTurnInput) => boolean;
  readonly #deleteConversation: (userId: string, conversationId: string) => boolean;
  readonly #saveProgressBatch: (batch: readonly PendingProgress[]) => void;
  /** Checkpoints asked for in this event-loop turn, saved together at its end. */
  #pendingProgress: PendingProgress[] = [];
  /** Whether this store claimed its file for this process (see claim-sqlite-file.ts). */
  readonly #claimed: boolean = false;

  /** Opens (or adopts) the database and migrates it to the current schema. */
  constructor(options: SqliteChatStoreOptions = {}) {
    const { database, owned } = openSqliteDatabase('SqliteChatStore', options);
    this.database = database;
    this.#ownsDatabase = owned;
    try {
      withStorageErrors(() => migrateChatSchema(database));
      this.#statements = Object.fromEntries(
        Object.entries(CHAT_STORE_SQL).map(([name, sql]) => [name, database.prepare(sql)]),
      ) as Record<StatementName, Database.Statement>;
      // `.immediate`: take the write lock before the first read, so the check-then-insert cannot
      // interleave with another connection's (https://sqlite.org/lang_transaction.html).
      this.#beginTurn = database.transaction(this.#beginTurnSync.bind(this)).immediate;
      this.#beginAnswerTurn = database.transaction(this.#beginAnswerTurnSync.bind(this)).immediate;
      this.#finishTurn = database.transaction(this.#finishTurnSync.bind(this)).immediate;
      this.#deleteConversation = database.transaction(
        this.#deleteConversationSync.bind(this),
      ).immediate;
      this.#saveProgressBatch = database.transaction((batch: readonly PendingProgress[]) => {
        for (const item of batch) {
          this.#statements.saveProgress.run(item.content, item.messageId, item.userId);
        }
      }).immediate;
      // A file on disk serves one process; an in-memory database is this connection's own.
      this.#claimed = database.name !== ':memory:' && database.name !== '';
      if (this.#claimed) withStorageErrors(() => claimSqliteFile(database));
    } catch (error) {
      if (owned) database.close();
      throw error;
    }
  }

  async beginTurn(userId: string, input: BeginTurnInput): Promise<BeginTurnResult> {
    const now = checkBeginTurnInput(userId, input);
    return withStorageErrors(() => this.#beginTurn(userId, input, now));
  }

  async beginAnswerTurn(
    userId: string,
    input: BeginAnswerTurnInput,
  ): Promise<BeginAnswerTurnResult> {
    const now = checkBeginAnswerTurnInput(userId, input);
    return withStorageErrors(() => this.#beginAnswerTurn(userId, input, now));
  }

  /**
   * Checkpoints asked for in the same event-loop turn (the router's checkpoint clock asks for every
   * running answer at once) are saved in one transaction at the end of that turn: one commit for
   * all of them instead of one each (a commit costs ~4× the UPDATE itself; bench S12). The promise
   * settles with that transaction.
   */
  async saveProgress(userId: string, messageId: string, content: string): Promise<void> {
    if (typeof content !== 'string') throw new TypeError('saveProgress: content must be a string.');
    return new Promise<void>((resolve, reject) => {
      if (this.#pendingProgress.push({ userId, messageId, content, resolve, reject }) === 1) {
        queueMicrotask(this.#flushProgress);
      }
    });
  }

  readonly #flushProgress = (): void => {
    const batch = this.#pendingProgress;
    this.#pendingProgress = [];
    try {
      withStorageErrors(() => this.#saveProgressBatch(batch));
    } catch (error) {
      for (const item of batch) item.reject(error);
      return;
    }
    for (const item of batch) item.resolve();
  };

  async finishTurn(userId: string, messageId: string, result: FinishTurnInput): Promise<boolean> {
    checkFinishTurnInput(result);
    return withStorageErrors(() => this.#finishTurn(userId, messageId, result));
  }

  async findTurn(userId: string, idempotencyKey: string): Promise<StoredTurn | undefined> {
    return withStorageErrors(() => this.#findTurnSync(userId, idempotencyKey));
  }

  async getConversation(
    userId: string,
    conversationId: string,
  ): Promise<StoredConversation | undefined> {
    const row = withStorageErrors(
      () =>
        this.#statements.selectConversation.get(userId, conversationId) as
          | ConversationRow
          | undefined,
    );
    return row === undefined ? undefined : toConversation(row);
  }

  async getMessage(userId: string, messageId: string): Promise<StoredMessage | undefined> {
    const row = withStorageErrors(
      () => this.#statements.selectMessage.get(userId, messageId) as MessageRow | undefined,
    );
    return row === undefined ? undefined : toMessage(row);
  }

  async renameConversation(
    userId: string,
    conversationId: string,
    title: string,
  ): Promise<StoredConversation | undefined> {
    checkTitle(title);
    const row = withStorageErrors(
      () =>
        this.#statements.renameConversation.get(title, userId, conversationId) as
          | ConversationRow
          | undefined,
    );
    return row === undefined ? undefined : toConversation(row);
  }

  async setFeedback(
    userId: string,
    messageId: string,
    feedback: { rating: FeedbackRating; comment?: string } | null,
    now: Date,
  ): Promise<StoredMessage | undefined> {
    const time = checkFeedbackInput(feedback, now);
    const row = withStorageErrors(
      () =>
        this.#statements.setFeedback.get({
          id: messageId,
          userId,
          rating: feedback?.rating ?? null,
          comment: feedback?.comment ?? null,
          at: feedback === null ? null : time,
        }) as MessageRow | undefined,
    );
    return row === undefined ? undefined : toMessage(row);
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
    // One row more than asked tells whether another page exists.
    const rows = withStorageErrors(
      () =>
        (after === undefined
          ? this.#statements.listConversations.all(userId, projectId, limit + 1)
          : this.#statements.listConversationsAfter.all(
              userId,
              projectId,
              after[0],
              after[1],
              limit + 1,
            )) as ConversationRow[],
    );
    const page: StoredPage<StoredConversation> = {
      items: rows.slice(0, limit).map(toConversation),
    };
    const last = rows[limit - 1];
    if (rows.length > limit && last !== undefined) {
      page.nextCursor = encodePageCursor(CONVERSATIONS_CURSOR, [last.updated_at, last.seq]);
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
        : decodePageCursor(options.cursor, MESSAGES_CURSOR, 1);
    return withStorageErrors(() => {
      if (this.#statements.selectConversation.get(userId, conversationId) === undefined) {
        return undefined;
      }
      const rows = (
        before === undefined
          ? this.#statements.listMessages.all(userId, conversationId, limit + 1)
          : this.#statements.listMessagesBefore.all(userId, conversationId, before[0], limit + 1)
      ) as MessageRow[];
      const kept = rows.slice(0, limit).reverse();
      const groups = [...new Set(kept.flatMap((row) => row.version_of ?? []))];
      const versions =
        groups.length === 0
          ? []
          : (this.#statements.selectPreviousVersions.all({
              userId,
              conversationId,
              groups: JSON.stringify(groups),
            }) as MessageRow[]);
      const page: StoredPage<StoredMessage> = {
        items: attachPreviousVersions(kept.map(toMessage), versions),
      };
      const oldest = rows[limit - 1];
      if (rows.length > limit && oldest !== undefined) {
        page.nextCursor = encodePageCursor(MESSAGES_CURSOR, [oldest.seq]);
      }
      return page;
    });
  }

  async getHistory(
    userId: string,
    conversationId: string,
    beforeMessageId: string,
    limit: number,
  ): Promise<StoredMessage[]> {
    checkHistoryLimit(limit);
    if (limit === 0) return [];
    const rows = withStorageErrors(
      () =>
        this.#statements.selectHistory.all({
          conversationId,
          userId,
          beforeMessageId,
          limit,
        }) as MessageRow[],
    );
    return rows.reverse().map(toMessage);
  }

  async deleteConversation(userId: string, conversationId: string): Promise<boolean> {
    return withStorageErrors(() => this.#deleteConversation(userId, conversationId));
  }

  async tokensUsedSince(userId: string, since: Date): Promise<number> {
    const time = since instanceof Date ? since.getTime() : Number.NaN;
    if (!Number.isFinite(time)) throw new TypeError('tokensUsedSince: since must be a valid Date.');
    const row = withStorageErrors(
      () => this.#statements.tokensUsedSince.get({ userId, since: time }) as { total: number },
    );
    return row.total;
  }

  async recoverInterrupted(): Promise<number> {
    return withStorageErrors(() => this.#statements.recoverInterrupted.run().changes);
  }

  async interruptTurn(userId: string, messageId: string, content?: string): Promise<boolean> {
    checkInterruptContent(content);
    const { changes } = withStorageErrors(() =>
      this.#statements.interruptTurn.run({ id: messageId, userId, content: content ?? null }),
    );
    return changes === 1;
  }

  /** Closes the connection when the store opened it; a shared `database` stays open. */
  async close(): Promise<void> {
    if (this.#claimed && this.database.open) {
      withStorageErrors(() => releaseSqliteFile(this.database as Database.Database));
    }
    if (this.#ownsDatabase && this.database.open) this.database.close();
  }

  #findTurnSync(userId: string, idempotencyKey: string): StoredTurn | undefined {
    const rows = this.#statements.selectTurnMessages.all(userId, idempotencyKey) as MessageRow[];
    let userRow = rows.find((row) => row.role === 'user');
    let assistantRow = rows.find((row) => row.role === 'assistant');
    let action: StoredTurnAction | undefined;
    if (userRow === undefined || assistantRow === undefined) {
      // A Regenerate or Continue: its key lives with its turn, not on the messages.
      const turn = this.#statements.selectAnswerTurn.get(userId, idempotencyKey) as
        | AnswerTurnRow
        | undefined;
      if (turn === undefined) return undefined;
      userRow = this.#statements.selectMessage.get(userId, turn.question_id) as MessageRow;
      assistantRow = this.#statements.selectMessage.get(userId, turn.message_id) as MessageRow;
      if (userRow === undefined || assistantRow === undefined) return undefined;
      action = toTurnAction(turn);
    }
    const conversation = this.#statements.selectConversation.get(userId, userRow.conversation_id) as
      | ConversationRow
      | undefined;
    if (conversation === undefined) return undefined;
    return {
      conversation: toConversation(conversation),
      userMessage: toMessage(userRow),
      assistantMessage: toMessage(assistantRow),
      ...(action === undefined ? {} : { action }),
    };
  }

  #finishTurnSync(userId: string, messageId: string, result: FinishTurnInput): boolean {
    const tokens = {
      promptTokens: result.usage.promptTokens,
      completionTokens: result.usage.completionTokens,
      totalTokens: result.usage.totalTokens,
    };
    const { changes } = this.#statements.finishTurn.run({
      id: messageId,
      userId,
      content: result.content,
      status: result.status,
      finishReason: result.finishReason,
      ...tokens,
      sqlCheck: result.sqlCheck === undefined ? null : JSON.stringify(result.sqlCheck),
    });
    if (changes !== 1) return false;
    this.#statements.recordContinuedTokens.run({
      id: messageId,
      userId,
      totalTokens: tokens.totalTokens,
    });
    return true;
  }

  // Runs inside BEGIN IMMEDIATE, like #beginTurnSync, with the checks in the order of
  // BeginAnswerTurnResult.
  #beginAnswerTurnSync(
    userId: string,
    input: BeginAnswerTurnInput,
    now: number,
  ): BeginAnswerTurnResult {
    const duplicate = this.#findTurnSync(userId, input.idempotencyKey);
    if (duplicate !== undefined) return { kind: 'duplicate', ...duplicate };
    const conversation = this.#statements.selectConversation.get(userId, input.conversationId) as
      | ConversationRow
      | undefined;
    if (conversation === undefined || conversation.project_id !== input.projectId) {
      return { kind: 'not-found' };
    }
    const latestRow = this.#statements.selectLatestAnswer.get(userId, input.conversationId) as
      | MessageRow
      | undefined;
    const targetRow = this.#statements.selectMessage.get(userId, input.targetMessageId) as
      | MessageRow
      | undefined;
    const latest = latestRow && toMessage(latestRow);
    const refusal = refuseAnswerTurn(input, latest, targetRow && toMessage(targetRow));
    if (refusal === 'busy') return { kind: 'busy', conversationId: input.conversationId };
    if (refusal !== undefined) return { kind: refusal };
    const question = this.#statements.selectQuestionBefore.get(
      userId,
      input.conversationId,
      targetRow?.seq,
    ) as MessageRow | undefined;
    if (latest === undefined || question === undefined) return { kind: 'message-not-found' };

    this.#statements.touchConversation.run(now, userId, input.conversationId);
    let answer: StoredMessage;
    if (input.action === 'regenerate') {
      answer = newVersion(input, latest, now);
      this.#statements.markReplaced.run(latest.id, userId);
      this.#statements.insertVersion.run({
        id: answer.id,
        conversationId: input.conversationId,
        userId,
        createdAt: now,
        model: input.model,
        versionOf: answer.versionOf,
      });
    } else {
      this.#statements.reopenAnswer.run(latest.id, userId);
      answer = { ...latest, status: 'streaming' };
      delete answer.finishReason;
    }
    const action = answerTurnAction(input, latest);
    this.#statements.insertAnswerTurn.run({
      id: input.turnId,
      userId,
      conversationId: input.conversationId,
      idempotencyKey: input.idempotencyKey,
      kind: input.action,
      targetId: input.targetMessageId,
      messageId: answer.id,
      questionId: question.id,
      startOffset: action.startOffset,
      createdAt: now,
    });
    return {
      kind: 'started',
      conversation: toConversation({ ...conversation, updated_at: now }),
      userMessage: toMessage(question),
      assistantMessage: answer,
      action,
    };
  }

  // Runs inside BEGIN IMMEDIATE (see the constructor). The checks go from the most specific to the
  // least: a retry of a turn is a duplicate even while its own answer streams. Only the user's own
  // conversations are looked at: another user's with the same id is not one of them.
  #beginTurnSync(userId: string, input: BeginTurnInput, now: number): BeginTurnResult {
    const duplicate = this.#findTurnSync(userId, input.idempotencyKey);
    if (duplicate !== undefined) return { kind: 'duplicate', ...duplicate };

    const existing = this.#statements.selectConversation.get(userId, input.conversationId) as
      | ConversationRow
      | undefined;
    if (existing !== undefined && existing.project_id !== input.projectId) {
      return { kind: 'not-found' };
    }
    if (
      existing !== undefined &&
      this.#statements.selectStreamingMessage.get(userId, input.conversationId) !== undefined
    ) {
      return { kind: 'busy', conversationId: input.conversationId };
    }

    // The user's old usage of deleted conversations no longer counts for any quota (index seek).
    this.#statements.pruneDeletedUsage.run(userId, now - DELETED_USAGE_RETENTION_MS);
    let conversation: ConversationRow;
    if (existing === undefined) {
      const title = deriveConversationTitle(input.userMessage.content);
      const { lastInsertRowid } = this.#statements.insertConversation.run({
        id: input.conversationId,
        userId,
        projectId: input.projectId,
        title,
        now,
      });
      conversation = {
        seq: Number(lastInsertRowid),
        id: input.conversationId,
        user_id: userId,
        project_id: input.projectId,
        title,
        created_at: now,
        updated_at: now,
      };
    } else {
      this.#statements.touchConversation.run(now, userId, input.conversationId);
      conversation = { ...existing, updated_at: now };
    }

    const userMessage: StoredMessage = {
      id: input.userMessage.id,
      conversationId: input.conversationId,
      role: 'user',
      content: input.userMessage.content,
      status: 'complete',
      createdAt: toIso(now),
      idempotencyKey: input.idempotencyKey,
    };
    const assistantMessage: StoredMessage = {
      id: input.assistantMessage.id,
      conversationId: input.conversationId,
      role: 'assistant',
      content: '',
      status: 'streaming',
      createdAt: toIso(now),
      model: input.assistantMessage.model,
      idempotencyKey: input.idempotencyKey,
    };
    for (const message of [userMessage, assistantMessage]) {
      this.#statements.insertMessage.run({
        id: message.id,
        conversationId: message.conversationId,
        userId,
        role: message.role,
        content: message.content,
        status: message.status,
        createdAt: now,
        model: message.model ?? null,
        idempotencyKey: input.idempotencyKey,
      });
    }
    return {
      kind: 'started',
      conversationCreated: existing === undefined,
      conversation: toConversation(conversation),
      userMessage,
      assistantMessage,
    };
  }

  #deleteConversationSync(userId: string, conversationId: string): boolean {
    if (this.#statements.selectConversation.get(userId, conversationId) === undefined) {
      return false;
    }
    this.#statements.keepDeletedUsage.run(userId, conversationId);
    this.#statements.keepDeletedContinuedUsage.run(userId, conversationId);
    // Messages go with it: ON DELETE CASCADE (foreign keys are on for every store connection).
    return this.#statements.deleteConversation.run(userId, conversationId).changes === 1;
  }
}
