// PostgresChatStore: the ChatStore of several instances, on a pg pool (`schema-chat/postgres`).

import type pg from 'pg';
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
import { answerTurnAction, newVersion, refuseAnswerTurn } from './decide-answer-turn.js';
import {
  checkHistoryLimit,
  checkPageLimit,
  decodePageCursor,
  encodePageCursor,
} from './page-cursor.js';
import { POSTGRES_CHAT_MIGRATIONS } from './postgres-chat-schema.js';
import {
  inTransaction,
  migratePostgresSchema,
  onceMigrated,
  openPostgresConnection,
  type PostgresConnectionOptions,
  type Queryable,
  queryRows,
} from './postgres-connection.js';

/** Options of {@link PostgresChatStore}: where the tables live (see each option's default). */
export type PostgresChatStoreOptions = PostgresConnectionOptions;

/** A checkpoint waiting for the end of the event-loop turn (see `saveProgress`). */
interface PendingProgress {
  userId: string;
  messageId: string;
  content: string;
  settle: { resolve(): void; reject(error: unknown): void }[];
}

/** A message row joined with its conversation's columns (findTurn). */
type TurnRow = MessageRow & {
  c_seq: number;
  c_project_id: string;
  c_title: string;
  c_created_at: number;
  c_updated_at: number;
};

const CONVERSATIONS_CURSOR = 'conversations';
const MESSAGES_CURSOR = 'messages';
// Postgres text cannot hold U+0000 (a model may still send one); it is stored as U+FFFD.
function storable(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '\uFFFD') : text;
}

function constraintOf(error: unknown): string | undefined {
  const { code, constraint } = (error ?? {}) as { code?: unknown; constraint?: unknown };
  return code === '23505' && typeof constraint === 'string' ? constraint : undefined;
}

/** Every statement of the store, given the quoted schema (exported for the query-plan test). */
export function postgresChatSql(s: string) {
  return {
    selectTurn: `SELECT m.*, c.seq AS c_seq, c.project_id AS c_project_id, c.title AS c_title,
        c.created_at AS c_created_at, c.updated_at AS c_updated_at
      FROM ${s}.messages m
      JOIN ${s}.conversations c ON c.user_id = m.user_id AND c.id = m.conversation_id
      WHERE m.user_id = $1 AND m.idempotency_key = $2`,
    selectAnswerTurn: `SELECT * FROM ${s}.answer_turns WHERE user_id = $1 AND idempotency_key = $2`,
    selectConversation: `SELECT * FROM ${s}.conversations WHERE user_id = $1 AND id = $2`,
    selectMessage: `SELECT * FROM ${s}.messages WHERE user_id = $1 AND id = $2`,
    selectLatestAnswer: `SELECT * FROM ${s}.messages
      WHERE user_id = $1 AND conversation_id = $2 AND role = 'assistant'
      ORDER BY seq DESC LIMIT 1`,
    selectQuestionBefore: `SELECT * FROM ${s}.messages
      WHERE user_id = $1 AND conversation_id = $2 AND role = 'user' AND seq < $3
      ORDER BY seq DESC LIMIT 1`,
    renameConversation: `UPDATE ${s}.conversations SET title = $3
      WHERE user_id = $1 AND id = $2 RETURNING *`,
    insertVersion: `INSERT INTO ${s}.messages
        (id, user_id, conversation_id, role, content, status, created_at, model, version_of)
      VALUES ($1, $2, $3, 'assistant', '', 'streaming', $4, $5, $6)`,
    markReplaced: `UPDATE ${s}.messages SET replaced = true WHERE id = $1 AND user_id = $2`,
    reopenAnswer: `UPDATE ${s}.messages SET status = 'streaming', finish_reason = NULL
      WHERE id = $1 AND user_id = $2`,
    insertAnswerTurn: `INSERT INTO ${s}.answer_turns (id, user_id, conversation_id, idempotency_key,
        kind, target_id, message_id, question_id, start_offset, created_at)
      VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    setFeedback: `UPDATE ${s}.messages
      SET feedback_rating = $3, feedback_comment = $4, feedback_at = $5
      WHERE id = $1 AND user_id = $2 AND role = 'assistant' RETURNING *`,
    insertConversation: `INSERT INTO ${s}.conversations
        (user_id, id, project_id, title, created_at, updated_at)
      VALUES ($1, $2, $3, $4, $5, $5)
      ON CONFLICT (user_id, id) DO NOTHING
      RETURNING *`,
    touchConversation: `UPDATE ${s}.conversations SET updated_at = $3
      WHERE user_id = $1 AND id = $2 RETURNING *`,
    insertMessages: `INSERT INTO ${s}.messages
        (id, user_id, conversation_id, role, content, status, created_at, model, idempotency_key)
      VALUES ($1, $3, $4, 'user', $5, 'complete', $6, NULL, $7),
        ($2, $3, $4, 'assistant', '', 'streaming', $6, $8, $7)`,
    pruneDeletedUsage: `DELETE FROM ${s}.deleted_usage WHERE user_id = $1 AND created_at < $2`,
    // One statement for every checkpoint of an event-loop turn (see saveProgress).
    saveProgress: `UPDATE ${s}.messages AS m SET content = v.content
      FROM unnest($1::text[], $2::text[], $3::text[]) AS v (id, user_id, content)
      WHERE m.id = v.id AND m.user_id = v.user_id AND m.status = 'streaming'`,
    // Usage adds up: a Continue's generation adds its tokens to the answer's, and the latest
    // Continue of the message (one generation at a time) keeps its own, in the same statement.
    finishTurn: `WITH finished AS (
        UPDATE ${s}.messages SET content = $3, status = $4, finish_reason = $5,
          prompt_tokens = coalesce(prompt_tokens, 0) + $6,
          completion_tokens = coalesce(completion_tokens, 0) + $7,
          total_tokens = coalesce(total_tokens, 0) + $8,
          sql_check = $9
        WHERE id = $1 AND user_id = $2 AND status = 'streaming'
        RETURNING id, user_id
      ), continued AS (
        UPDATE ${s}.answer_turns SET total_tokens = $8
        WHERE seq = (SELECT max(t.seq) FROM ${s}.answer_turns t
          JOIN finished f ON t.user_id = f.user_id AND t.message_id = f.id
          WHERE t.kind = 'continue')
      )
      SELECT count(*)::int AS finished FROM finished`,
    listConversations: `SELECT * FROM ${s}.conversations WHERE user_id = $1 AND project_id = $2
      ORDER BY updated_at DESC, seq DESC LIMIT $3`,
    listConversationsAfter: `SELECT * FROM ${s}.conversations
      WHERE user_id = $1 AND project_id = $2 AND (updated_at, seq) < ($4, $5)
      ORDER BY updated_at DESC, seq DESC LIMIT $3`,
    // No conversation: no row. Otherwise one row per message (a conversation always has some).
    listMessages: `SELECT m.* FROM ${s}.conversations c
      JOIN LATERAL (
        SELECT * FROM ${s}.messages
        WHERE user_id = c.user_id AND conversation_id = c.id AND NOT replaced
          AND ($4::bigint IS NULL OR seq < $4)
        ORDER BY seq DESC LIMIT $3
      ) m ON true
      WHERE c.user_id = $1 AND c.id = $2`,
    selectPreviousVersions: `SELECT * FROM ${s}.messages
      WHERE user_id = $1 AND conversation_id = $2 AND replaced
        AND coalesce(version_of, id) = ANY($3::text[])
      ORDER BY seq`,
    selectHistory: `SELECT * FROM ${s}.messages
      WHERE user_id = $1 AND conversation_id = $2
        AND seq < (SELECT seq FROM ${s}.messages
          WHERE id = $3 AND user_id = $1 AND conversation_id = $2)
        AND NOT replaced
        AND NOT (role = 'assistant' AND (status IN ('streaming', 'failed') OR content = ''))
      ORDER BY seq DESC LIMIT $4`,
    // FOR UPDATE: a finishTurn racing the delete either lands first (its usage is kept) or after
    // (it finds nothing to finish), never in between. Each answer's own tokens at its time, each
    // Continue's at the Continue's (see tokensUsedSince).
    keepDeletedUsage: `INSERT INTO ${s}.deleted_usage (user_id, created_at, total_tokens)
      SELECT user_id, created_at, own FROM (
        SELECT m.user_id, m.created_at, m.role, m.total_tokens - coalesce((
            SELECT sum(t.total_tokens) FROM ${s}.answer_turns t
            WHERE t.user_id = m.user_id AND t.message_id = m.id AND t.kind = 'continue'
          ), 0) AS own
        FROM (
          SELECT user_id, id, created_at, total_tokens, role FROM ${s}.messages
          WHERE user_id = $1 AND conversation_id = $2 FOR UPDATE
        ) m
      ) locked
      WHERE role = 'assistant' AND own > 0`,
    keepDeletedContinuedUsage: `INSERT INTO ${s}.deleted_usage (user_id, created_at, total_tokens)
      SELECT user_id, created_at, total_tokens FROM ${s}.answer_turns
      WHERE user_id = $1 AND conversation_id = $2 AND kind = 'continue' AND total_tokens > 0`,
    deleteConversation: `DELETE FROM ${s}.conversations WHERE user_id = $1 AND id = $2`,
    // A message's usage includes its Continues', which count at their own turn's time instead.
    tokensUsedSince: `SELECT
        (SELECT coalesce(sum(total_tokens), 0) FROM ${s}.messages
          WHERE user_id = $1 AND role = 'assistant' AND created_at >= $2)
        - (SELECT coalesce(sum(t.total_tokens), 0) FROM ${s}.answer_turns t
          JOIN ${s}.messages m ON m.id = t.message_id
          WHERE t.user_id = $1 AND t.kind = 'continue' AND m.created_at >= $2)
        + (SELECT coalesce(sum(total_tokens), 0) FROM ${s}.answer_turns
          WHERE user_id = $1 AND kind = 'continue' AND created_at >= $2)
        + (SELECT coalesce(sum(total_tokens), 0) FROM ${s}.deleted_usage
          WHERE user_id = $1 AND created_at >= $2) AS total`,
    recoverInterrupted: `UPDATE ${s}.messages
      SET status = CASE WHEN content = '' THEN 'failed' ELSE 'interrupted' END,
        finish_reason = 'interrupted'
      WHERE status = 'streaming'`,
    // SET expressions read the row as it was, so both uses of content see the checkpoint.
    interruptTurn: `UPDATE ${s}.messages
      SET content = coalesce($3::text, content),
        status = CASE WHEN coalesce($3::text, content) = '' THEN 'failed' ELSE 'interrupted' END,
        finish_reason = 'interrupted'
      WHERE id = $1 AND user_id = $2 AND status = 'streaming'`,
  } as const;
}

/**
 * A {@link ChatStore} in Postgres through node-postgres (`pg`), for running several instances of
 * the router on one database. Same behaviour as `SqliteChatStore` (both pass
 * `chat-store.contract.ts`), plus:
 *
 * - **Migrations** run on first use (or {@link PostgresChatStore.migrate} at startup), once per
 *   database however many instances start together: a transaction under an advisory lock, versions
 *   in `schema_chat_migrations`.
 * - **One streaming answer per conversation** is a partial unique index, so two instances starting
 *   a turn in the same conversation at once get one `started` and one `busy`.
 * - **Checkpoints** asked for in one event-loop turn (the router's checkpoint clock asks for every
 *   running answer at once) go to Postgres as one `UPDATE … FROM unnest(…)`, and never overtake
 *   each other: while one is in flight the next ones wait and are sent together.
 * - **Late saves are refused**: `saveProgress`, `finishTurn` and `interruptTurn` change a message
 *   only while it is `streaming`, so once another instance settled a dead owner's answer, the
 *   owner's late save changes nothing.
 * - **Faults**: Postgres down, restarting, out of connections or timing out rejects with
 *   `ChatError('STORAGE_ERROR')` (503, retryable); the pool reconnects by itself once the server
 *   is back.
 * - Postgres text cannot hold U+0000: a NUL in an answer is stored as U+FFFD.
 *
 * `pg` is an optional peer dependency: `npm install pg`.
 *
 * @example
 * import { PostgresChatStore } from 'schema-chat/postgres';
 * const store = new PostgresChatStore({ connectionString: process.env.DATABASE_URL });
 * await store.migrate(); // optional: fail fast at startup
 * app.use('/api/v1/ai', createChatRouter({ store, ... }));
 */
export class PostgresChatStore implements ChatStore {
  /** Every instance shares it: a router may pair it with a RedisRunRegistry. */
  readonly sharedAcrossInstances = true;
  /** The pool, opened here or given as `options.pool`. */
  readonly pool: pg.Pool;
  /** The Postgres schema holding the tables. */
  readonly schema: string;
  readonly #ownsPool: boolean;
  readonly #sql: ReturnType<typeof postgresChatSql>;
  readonly #migrate: () => Promise<void>;
  /** Checkpoints asked for since the last statement was sent, by (user, message). */
  #pendingProgress = new Map<string, PendingProgress>();
  #progressInFlight: Promise<void> | undefined;
  #progressScheduled = false;

  /** Checks the options (a `TypeError` naming the option) and opens or adopts the pool. */
  constructor(options: PostgresChatStoreOptions = {}) {
    const connection = openPostgresConnection('PostgresChatStore', options);
    this.pool = connection.pool;
    this.schema = connection.schema;
    this.#ownsPool = connection.owned;
    this.#sql = postgresChatSql(connection.quotedSchema);
    this.#migrate = onceMigrated(() =>
      migratePostgresSchema('PostgresChatStore', connection, 'chat', POSTGRES_CHAT_MIGRATIONS),
    );
  }

  /**
   * Creates or upgrades the tables (once; every method waits for it). Call it at startup to fail
   * fast on a wrong connection; a failure is retried by the next call.
   */
  migrate(): Promise<void> {
    return this.#migrate();
  }

  async beginTurn(userId: string, input: BeginTurnInput): Promise<BeginTurnResult> {
    const now = checkBeginTurnInput(userId, input);
    await this.#migrate();
    // A lost race (another instance deleted the conversation between two statements, or saved
    // the same key first) is decided by running the whole turn once more.
    for (let attempt = 1; ; attempt += 1) {
      const result = await this.#tryBeginTurn(userId, input, now);
      if (result !== 'retry') return result;
      if (attempt === 3) {
        throw new Error('PostgresChatStore: beginTurn kept losing races; this is a bug.');
      }
    }
  }

  async beginAnswerTurn(
    userId: string,
    input: BeginAnswerTurnInput,
  ): Promise<BeginAnswerTurnResult> {
    const now = checkBeginAnswerTurnInput(userId, input);
    await this.#migrate();
    for (let attempt = 1; ; attempt += 1) {
      const result = await this.#tryBeginAnswerTurn(userId, input, now);
      if (result !== 'retry') return result;
      if (attempt === 3) {
        throw new Error('PostgresChatStore: beginAnswerTurn kept losing races; this is a bug.');
      }
    }
  }

  /**
   * Checkpoints asked for in the same event-loop turn are sent as one statement at the end of that
   * turn (one round trip for every running answer, instead of one each). While a statement is in
   * flight, newer checkpoints wait and go together in the next one, so an older text never
   * overwrites a newer one. The promise settles with the statement that carried it.
   */
  async saveProgress(userId: string, messageId: string, content: string): Promise<void> {
    if (typeof content !== 'string') throw new TypeError('saveProgress: content must be a string.');
    return new Promise<void>((resolve, reject) => {
      const key = JSON.stringify([userId, messageId]);
      const pending = this.#pendingProgress.get(key);
      if (pending === undefined) {
        this.#pendingProgress.set(key, {
          userId,
          messageId,
          content,
          settle: [{ resolve, reject }],
        });
      } else {
        pending.content = content;
        pending.settle.push({ resolve, reject });
      }
      if (!this.#progressScheduled && this.#progressInFlight === undefined) {
        this.#progressScheduled = true;
        queueMicrotask(this.#flushProgress);
      }
    });
  }

  readonly #flushProgress = (): void => {
    this.#progressScheduled = false;
    const batch = [...this.#pendingProgress.values()];
    this.#pendingProgress = new Map();
    if (batch.length === 0) return;
    this.#progressInFlight = (async () => {
      try {
        await this.#migrate();
        await queryRows(this.pool, this.#sql.saveProgress, [
          batch.map((item) => item.messageId),
          batch.map((item) => item.userId),
          batch.map((item) => storable(item.content)),
        ]);
        for (const item of batch) for (const { resolve } of item.settle) resolve();
      } catch (error) {
        for (const item of batch) for (const { reject } of item.settle) reject(error);
      } finally {
        this.#progressInFlight = undefined;
        if (this.#pendingProgress.size > 0) this.#flushProgress();
      }
    })();
  };

  async finishTurn(userId: string, messageId: string, result: FinishTurnInput): Promise<boolean> {
    checkFinishTurnInput(result);
    await this.#migrate();
    const { rows } = await queryRows<{ finished: number }>(this.pool, this.#sql.finishTurn, [
      messageId,
      userId,
      storable(result.content),
      result.status,
      result.finishReason,
      result.usage.promptTokens,
      result.usage.completionTokens,
      result.usage.totalTokens,
      result.sqlCheck === undefined ? null : storable(JSON.stringify(result.sqlCheck)),
    ]);
    return rows[0]?.finished === 1;
  }

  async findTurn(userId: string, idempotencyKey: string): Promise<StoredTurn | undefined> {
    await this.#migrate();
    return this.#findTurn(this.pool, userId, idempotencyKey);
  }

  async getConversation(
    userId: string,
    conversationId: string,
  ): Promise<StoredConversation | undefined> {
    await this.#migrate();
    const { rows } = await queryRows<ConversationRow>(this.pool, this.#sql.selectConversation, [
      userId,
      conversationId,
    ]);
    return rows[0] === undefined ? undefined : toConversation(rows[0]);
  }

  async getMessage(userId: string, messageId: string): Promise<StoredMessage | undefined> {
    await this.#migrate();
    const { rows } = await queryRows<MessageRow>(this.pool, this.#sql.selectMessage, [
      userId,
      messageId,
    ]);
    return rows[0] === undefined ? undefined : toMessage(rows[0]);
  }

  async renameConversation(
    userId: string,
    conversationId: string,
    title: string,
  ): Promise<StoredConversation | undefined> {
    checkTitle(title);
    await this.#migrate();
    const { rows } = await queryRows<ConversationRow>(this.pool, this.#sql.renameConversation, [
      userId,
      conversationId,
      storable(title),
    ]);
    return rows[0] === undefined ? undefined : toConversation(rows[0]);
  }

  async setFeedback(
    userId: string,
    messageId: string,
    feedback: { rating: FeedbackRating; comment?: string } | null,
    now: Date,
  ): Promise<StoredMessage | undefined> {
    const time = checkFeedbackInput(feedback, now);
    await this.#migrate();
    const { rows } = await queryRows<MessageRow>(this.pool, this.#sql.setFeedback, [
      messageId,
      userId,
      feedback?.rating ?? null,
      feedback?.comment === undefined ? null : storable(feedback.comment),
      feedback === null ? null : time,
    ]);
    return rows[0] === undefined ? undefined : toMessage(rows[0]);
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
    await this.#migrate();
    // One row more than asked tells whether another page exists.
    const { rows } = await queryRows<ConversationRow>(
      this.pool,
      after === undefined ? this.#sql.listConversations : this.#sql.listConversationsAfter,
      after === undefined
        ? [userId, projectId, limit + 1]
        : [userId, projectId, limit + 1, after[0], after[1]],
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
        : decodePageCursor(options.cursor, MESSAGES_CURSOR, 1)[0];
    await this.#migrate();
    const { rows } = await queryRows<MessageRow>(this.pool, this.#sql.listMessages, [
      userId,
      conversationId,
      limit + 1,
      before ?? null,
    ]);
    if (rows.length === 0) return undefined;
    const kept = rows.slice(0, limit).reverse();
    const groups = [...new Set(kept.flatMap((row) => row.version_of ?? []))];
    const versions =
      groups.length === 0
        ? []
        : (
            await queryRows<MessageRow>(this.pool, this.#sql.selectPreviousVersions, [
              userId,
              conversationId,
              groups,
            ])
          ).rows;
    const page: StoredPage<StoredMessage> = {
      items: attachPreviousVersions(kept.map(toMessage), versions),
    };
    const oldest = rows[limit - 1];
    if (rows.length > limit && oldest !== undefined) {
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
    if (limit === 0) return [];
    await this.#migrate();
    const { rows } = await queryRows<MessageRow>(this.pool, this.#sql.selectHistory, [
      userId,
      conversationId,
      beforeMessageId,
      limit,
    ]);
    return rows.reverse().map(toMessage);
  }

  async deleteConversation(userId: string, conversationId: string): Promise<boolean> {
    await this.#migrate();
    return inTransaction(this.pool, async (client) => {
      await queryRows(client, this.#sql.keepDeletedUsage, [userId, conversationId]);
      await queryRows(client, this.#sql.keepDeletedContinuedUsage, [userId, conversationId]);
      // Messages go with it: ON DELETE CASCADE.
      const { rowCount } = await queryRows(client, this.#sql.deleteConversation, [
        userId,
        conversationId,
      ]);
      return { value: rowCount === 1 };
    });
  }

  async tokensUsedSince(userId: string, since: Date): Promise<number> {
    const time = since instanceof Date ? since.getTime() : Number.NaN;
    if (!Number.isFinite(time)) throw new TypeError('tokensUsedSince: since must be a valid Date.');
    await this.#migrate();
    const { rows } = await queryRows<{ total: string | number }>(
      this.pool,
      this.#sql.tokensUsedSince,
      [userId, time],
    );
    // sum(bigint) is numeric, which comes back as text.
    return Number(rows[0]?.total ?? 0);
  }

  async recoverInterrupted(): Promise<number> {
    await this.#migrate();
    return (await queryRows(this.pool, this.#sql.recoverInterrupted)).rowCount;
  }

  async interruptTurn(userId: string, messageId: string, content?: string): Promise<boolean> {
    checkInterruptContent(content);
    await this.#migrate();
    const { rowCount } = await queryRows(this.pool, this.#sql.interruptTurn, [
      messageId,
      userId,
      content === undefined ? null : storable(content),
    ]);
    return rowCount === 1;
  }

  /**
   * Waits for the checkpoints already asked for, then ends the pool when the store opened it; a
   * given `pool` stays open.
   */
  async close(): Promise<void> {
    while (this.#progressScheduled || this.#progressInFlight !== undefined) {
      if (this.#progressScheduled) await Promise.resolve();
      else await this.#progressInFlight;
    }
    if (this.#ownsPool && !this.pool.ended) await this.pool.end();
  }

  async #findTurn(
    client: Queryable,
    userId: string,
    idempotencyKey: string,
  ): Promise<StoredTurn | undefined> {
    const { rows } = await queryRows<TurnRow>(client, this.#sql.selectTurn, [
      userId,
      idempotencyKey,
    ]);
    const userRow = rows.find((row) => row.role === 'user');
    const assistantRow = rows.find((row) => row.role === 'assistant');
    if (userRow === undefined || assistantRow === undefined) {
      return this.#findAnswerTurn(client, userId, idempotencyKey);
    }
    return {
      conversation: toConversation({
        seq: userRow.c_seq,
        id: userRow.conversation_id,
        user_id: userRow.user_id,
        project_id: userRow.c_project_id,
        title: userRow.c_title,
        created_at: userRow.c_created_at,
        updated_at: userRow.c_updated_at,
      }),
      userMessage: toMessage(userRow),
      assistantMessage: toMessage(assistantRow),
    };
  }

  /** A Regenerate or Continue turn: its key lives with its turn, not on the messages. */
  async #findAnswerTurn(
    client: Queryable,
    userId: string,
    idempotencyKey: string,
  ): Promise<StoredTurn | undefined> {
    const sql = this.#sql;
    const turn = (
      await queryRows<AnswerTurnRow>(client, sql.selectAnswerTurn, [userId, idempotencyKey])
    ).rows[0];
    if (turn === undefined) return undefined;
    const [conversation, question, answer] = await Promise.all([
      queryRows<ConversationRow>(client, sql.selectConversation, [userId, turn.conversation_id]),
      queryRows<MessageRow>(client, sql.selectMessage, [userId, turn.question_id]),
      queryRows<MessageRow>(client, sql.selectMessage, [userId, turn.message_id]),
    ]);
    const [conversationRow, userRow, assistantRow] = [
      conversation.rows[0],
      question.rows[0],
      answer.rows[0],
    ];
    if (!conversationRow || !userRow || !assistantRow) return undefined;
    return {
      conversation: toConversation(conversationRow),
      userMessage: toMessage(userRow),
      assistantMessage: toMessage(assistantRow),
      action: toTurnAction(turn),
    };
  }

  // One transaction, with the checks in the order of BeginAnswerTurnResult. Moving the
  // conversation's updatedAt first locks its row (rolled back unless started), so turns of one
  // conversation take their turn; the unique index on streaming answers still decides busy, and
  // the one on keys a lost race.
  async #tryBeginAnswerTurn(
    userId: string,
    input: BeginAnswerTurnInput,
    now: number,
  ): Promise<BeginAnswerTurnResult | 'retry'> {
    const sql = this.#sql;
    const { conversationId } = input;
    return inTransaction<BeginAnswerTurnResult | 'retry'>(this.pool, async (client) => {
      const rollback = (value: BeginAnswerTurnResult) => ({ value, rollback: true });
      const conversation = (
        await queryRows<ConversationRow>(client, sql.touchConversation, [
          userId,
          conversationId,
          now,
        ])
      ).rows[0];
      // Looked up once the conversation is locked: a turn with the same key that held the lock
      // before is committed now, and found.
      const duplicate = await this.#findTurn(client, userId, input.idempotencyKey);
      if (duplicate !== undefined) return rollback({ kind: 'duplicate', ...duplicate });
      if (conversation === undefined || conversation.project_id !== input.projectId) {
        return rollback({ kind: 'not-found' });
      }
      const [latestRow, targetRow] = await Promise.all([
        queryRows<MessageRow>(client, sql.selectLatestAnswer, [userId, conversationId]),
        queryRows<MessageRow>(client, sql.selectMessage, [userId, input.targetMessageId]),
      ]).then((results) => results.map(({ rows }) => rows[0]));
      const latest = latestRow && toMessage(latestRow);
      const refusal = refuseAnswerTurn(input, latest, targetRow && toMessage(targetRow));
      if (refusal === 'busy') return rollback({ kind: 'busy', conversationId });
      if (refusal !== undefined) return rollback({ kind: refusal });
      const question = (
        await queryRows<MessageRow>(client, sql.selectQuestionBefore, [
          userId,
          conversationId,
          targetRow?.seq,
        ])
      ).rows[0];
      if (latest === undefined || question === undefined) {
        return rollback({ kind: 'message-not-found' });
      }

      let answer: StoredMessage;
      try {
        if (input.action === 'regenerate') {
          answer = newVersion(input, latest, now);
          await queryRows(client, sql.markReplaced, [latest.id, userId]);
          await queryRows(client, sql.insertVersion, [
            answer.id,
            userId,
            conversationId,
            now,
            input.model,
            answer.versionOf,
          ]);
        } else {
          await queryRows(client, sql.reopenAnswer, [latest.id, userId]);
          answer = { ...latest, status: 'streaming' };
          delete answer.finishReason;
        }
        const action = answerTurnAction(input, latest);
        await queryRows(client, sql.insertAnswerTurn, [
          input.turnId,
          userId,
          conversationId,
          input.idempotencyKey,
          input.action,
          input.targetMessageId,
          answer.id,
          question.id,
          action.startOffset,
          now,
        ]);
        return {
          value: {
            kind: 'started',
            conversation: toConversation(conversation),
            userMessage: toMessage(question),
            assistantMessage: answer,
            action,
          },
        };
      } catch (error) {
        const constraint = constraintOf(error);
        if (constraint === 'messages_one_streaming_per_conversation') {
          throw new BusyConversation();
        }
        if (constraint === 'answer_turns_by_key') throw new LostKeyRace();
        if (constraint === 'messages_id_key' || constraint === 'answer_turns_id_key') {
          throw new TypeError('beginAnswerTurn: a message with this id already exists.');
        }
        throw error;
      }
    }).catch((error: unknown) => {
      if (error instanceof BusyConversation) {
        return { kind: 'busy', conversationId } as const;
      }
      if (error instanceof LostKeyRace) return 'retry' as const;
      throw error;
    });
  }

  // One transaction. The checks go from the most specific to the least, as in the other stores:
  // the key (duplicate), the user's conversation with this id (not-found when another project's),
  // then busy — which the partial unique index on streaming answers decides, so two instances
  // cannot both start a turn in one conversation. Anything but `started` rolls back.
  async #tryBeginTurn(
    userId: string,
    input: BeginTurnInput,
    now: number,
  ): Promise<BeginTurnResult | 'retry'> {
    const sql = this.#sql;
    return inTransaction<BeginTurnResult | 'retry'>(this.pool, async (client) => {
      const duplicate = await this.#findTurn(client, userId, input.idempotencyKey);
      if (duplicate !== undefined) return { value: { kind: 'duplicate', ...duplicate } };

      const title = deriveConversationTitle(input.userMessage.content);
      // ON CONFLICT waits for another transaction inserting the same conversation, then skips.
      const inserted = await queryRows<ConversationRow>(client, sql.insertConversation, [
        userId,
        input.conversationId,
        input.projectId,
        storable(title),
        now,
      ]);
      let conversation = inserted.rows[0];
      const conversationCreated = conversation !== undefined;
      if (conversation === undefined) {
        // A new statement sees the committed row; the UPDATE also locks it until we commit.
        conversation = (
          await queryRows<ConversationRow>(client, sql.touchConversation, [
            userId,
            input.conversationId,
            now,
          ])
        ).rows[0];
        if (conversation === undefined) return { value: 'retry', rollback: true };
        if (conversation.project_id !== input.projectId) {
          return { value: { kind: 'not-found' }, rollback: true };
        }
      }

      try {
        await queryRows(client, sql.insertMessages, [
          input.userMessage.id,
          input.assistantMessage.id,
          userId,
          input.conversationId,
          storable(input.userMessage.content),
          now,
          input.idempotencyKey,
          input.assistantMessage.model,
        ]);
      } catch (error) {
        const constraint = constraintOf(error);
        if (constraint === 'messages_one_streaming_per_conversation') {
          throw new BusyConversation();
        }
        // Another transaction saved this key first: the next attempt finds it as a duplicate.
        if (constraint === 'messages_by_idempotency_key') throw new LostKeyRace();
        if (constraint === 'messages_id_key') {
          throw new TypeError('beginTurn: a message with this id already exists.');
        }
        throw error;
      }
      // The user's old usage of deleted conversations no longer counts for any quota.
      await queryRows(client, sql.pruneDeletedUsage, [userId, now - DELETED_USAGE_RETENTION_MS]);
      return {
        value: {
          kind: 'started',
          conversationCreated,
          conversation: toConversation(conversation),
          userMessage: {
            id: input.userMessage.id,
            conversationId: input.conversationId,
            role: 'user',
            content: storable(input.userMessage.content),
            status: 'complete',
            createdAt: toIso(now),
            idempotencyKey: input.idempotencyKey,
          },
          assistantMessage: {
            id: input.assistantMessage.id,
            conversationId: input.conversationId,
            role: 'assistant',
            content: '',
            status: 'streaming',
            createdAt: toIso(now),
            model: input.assistantMessage.model,
            idempotencyKey: input.idempotencyKey,
          },
        },
      };
    }).catch((error: unknown) => {
      if (error instanceof BusyConversation) {
        return { kind: 'busy', conversationId: input.conversationId } as const;
      }
      if (error instanceof LostKeyRace) return 'retry' as const;
      throw error;
    });
  }
}

/** Thrown inside the beginTurn transaction to roll it back and answer `busy`. */
class BusyConversation extends Error {}
/** Thrown inside the beginTurn transaction to roll it back and try the turn again. */
class LostKeyRace extends Error {}
