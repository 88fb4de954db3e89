// The ChatStore plug point: conversations and messages, always scoped by the user id.
// Implementations: SqliteChatStore (default), MemoryChatStore (tests), PostgresChatStore
// (`schema-chat/postgres`, for several instances); all pass chat-store.contract.ts. Guide for
// writing another one: see that contract suite.

import type {
  FeedbackRating,
  FinishReason,
  MessageRole,
  MessageStatus,
  SqlCheck,
  Usage,
} from '../../sdk/protocol.js';

/**
 * A stored conversation. Times are ISO 8601 strings. It is named by `userId` and `id` together:
 * two users may each have a conversation with the same id (clients choose new ids themselves).
 */
export interface StoredConversation {
  id: string;
  userId: string;
  projectId: string;
  /** The start of the first question (at most 80 characters). */
  title: string;
  createdAt: string;
  updatedAt: string;
}

/** A user's rating of an answer. */
export interface StoredFeedback {
  rating: FeedbackRating;
  /** Present when the user wrote one. */
  comment?: string;
  /** ISO 8601 time it was given. */
  updatedAt: string;
}

/** A stored message. Times are ISO 8601 strings. */
export interface StoredMessage {
  id: string;
  conversationId: string;
  role: MessageRole;
  content: string;
  status: MessageStatus;
  createdAt: string;
  /** Assistant messages: the model that answered. */
  model?: string;
  /** Assistant messages, once finished. */
  finishReason?: FinishReason;
  /**
   * Assistant messages, once finished: the answer's tokens, every Continue of it added (each
   * `finishTurn` adds its usage to what the message had).
   */
  usage?: Usage;
  /** Assistant messages finished with SQL code blocks: their check against the schema. */
  sqlCheck?: SqlCheck;
  /** The turn's `Idempotency-Key`, on both messages of a question's turn (not on Regenerate's). */
  idempotencyKey?: string;
  /**
   * Versions made by Regenerate: the id of the first answer to the same question, which every
   * later version names (the first version names none).
   */
  versionOf?: string;
  /** An answer a newer version replaced: kept and listed, never context. Present only when true. */
  replaced?: boolean;
  /** The user's rating, when given. */
  feedback?: StoredFeedback;
  /**
   * `listMessages` only: the versions this answer replaced, oldest first (present when there are
   * some).
   */
  previousVersions?: StoredMessage[];
}

/** Regenerate (ask the question again) or Continue (go on with a cut answer). */
export type AnswerAction = 'regenerate' | 'continue';

/** What a Regenerate or Continue turn did, as {@link StoredTurn.action} says. */
export interface StoredTurnAction {
  kind: AnswerAction;
  /** The answer the request named. */
  targetId: string;
  /**
   * The generation's id, from which its run id derives: a Regenerate's is the new version's
   * message id, a Continue's a new id of its own (it writes into the existing message).
   */
  turnId: string;
  /** UTF-16 length of the answer's text before this turn wrote (0 for a Regenerate). */
  startOffset: number;
}

/** What {@link ChatStore.beginTurn} records. */
export interface BeginTurnInput {
  /** UUID v4; created when the user has none with this id (others' conversations do not count). */
  conversationId: string;
  projectId: string;
  /** The question, saved before any model call. */
  userMessage: { id: string; content: string };
  /** The answer placeholder, saved with status `streaming`. */
  assistantMessage: { id: string; model: string };
  /** Unique per user: a second turn with the same key is a duplicate, not a new turn. */
  idempotencyKey: string;
  /** The turn's time; the user message gets it, the assistant message a later sequence. */
  now: Date;
}

/**
 * The two messages of one turn and their conversation. For a Regenerate or Continue turn, the
 * question it answers again and the answer it writes, and `action`.
 */
export interface StoredTurn {
  conversation: StoredConversation;
  userMessage: StoredMessage;
  assistantMessage: StoredMessage;
  /** Present for Regenerate and Continue turns. */
  action?: StoredTurnAction;
}

/** Outcome of {@link ChatStore.beginTurn}. */
export type BeginTurnResult =
  /** Saved: the user message, a `streaming` assistant placeholder and, if new, the conversation. */
  | ({ kind: 'started'; conversationCreated: boolean } & StoredTurn)
  /** This user already has a turn with this idempotency key: nothing was written. */
  | ({ kind: 'duplicate' } & StoredTurn)
  /** The conversation has an assistant message still `streaming`: nothing was written. */
  | { kind: 'busy'; conversationId: string }
  /** The user's conversation with this id belongs to another project: nothing was written. */
  | { kind: 'not-found' };

/** What {@link ChatStore.beginAnswerTurn} records. */
export interface BeginAnswerTurnInput {
  action: AnswerAction;
  /** The user's conversation of the answer; never created here. */
  conversationId: string;
  projectId: string;
  /** The answer the request names. */
  targetMessageId: string;
  /** See {@link StoredTurnAction.turnId}; a fresh UUID (a Regenerate's new message id). */
  turnId: string;
  /** The model of a Regenerate's new version (a Continue keeps the message's own). */
  model: string;
  /** Unique per user, shared with questions' keys: a second turn with it is a duplicate. */
  idempotencyKey: string;
  /** The turn's time: the conversation's `updatedAt`, a new version's `createdAt`. */
  now: Date;
}

/** Outcome of {@link ChatStore.beginAnswerTurn}; nothing is written unless `started`. */
export type BeginAnswerTurnResult =
  /**
   * Saved. Regenerate: the answer's current version is `replaced` and a `streaming` new version
   * (same `versionOf` group) added. Continue: the answer is `streaming` again, its text kept.
   */
  | ({ kind: 'started'; action: StoredTurnAction } & StoredTurn)
  /** This user already has a turn (a question's or another action's) with this key. */
  | ({ kind: 'duplicate' } & StoredTurn)
  /** The conversation has an answer still `streaming`. */
  | { kind: 'busy'; conversationId: string }
  /** The user has no conversation with this id in this project. */
  | { kind: 'not-found' }
  /** The conversation has no assistant message with the target id. */
  | { kind: 'message-not-found' }
  /**
   * The target is not the conversation's last answer (Regenerate: not a version of it; Continue:
   * not its latest version).
   */
  | { kind: 'not-latest' }
  /** Continue: the last answer is not `stopped` or `interrupted`. */
  | { kind: 'not-continuable' };

/** How a turn ended, for {@link ChatStore.finishTurn}. */
export interface FinishTurnInput {
  content: string;
  status: Exclude<MessageStatus, 'streaming'>;
  finishReason: FinishReason;
  usage: Usage;
  /** How the answer's SQL code blocks fit the schema, when it has any; stored with the message. */
  sqlCheck?: SqlCheck;
}

/** Paging of list methods: `cursor` comes from a previous page's `nextCursor`. */
export interface ListOptions {
  /** 1–100. */
  limit: number;
  cursor?: string;
}

/** A page of results. */
export interface StoredPage<T> {
  items: T[];
  nextCursor?: string;
}

/**
 * How long a store keeps the token usage of deleted conversations, counted back from the user's
 * latest turn: two days, so a daily quota never loses a deleted conversation's tokens.
 */
export const DELETED_USAGE_RETENTION_MS = 2 * 24 * 60 * 60 * 1000;

/**
 * Storage of conversations and messages. Every method takes the user id first so that ownership
 * cannot be forgotten. A conversation is named by the user id *and* its id: another user's
 * conversation id is, for this user, an unused id — `beginTurn` creates the user's own
 * conversation with it, every other method finds nothing — so no answer tells whether someone
 * else has a conversation with that id. "Not found" is `undefined` or `false`, never an
 * exception. Methods throw only for storage faults (`ChatError` `STORAGE_ERROR`) and for a
 * malformed `cursor` or a `limit` outside 1–100 of a list method (`ChatError`
 * `VALIDATION_FAILED`, 400: the cursor comes from the client and only the store can read it).
 */
export interface ChatStore {
  /**
   * Whether every instance of the app can share this store (a client–server database such as
   * Postgres). A router with a shared run registry (several instances) refuses a store that is
   * not. Defaults to false (SQLite and the memory store belong to one process).
   */
  readonly sharedAcrossInstances?: boolean;

  /**
   * Atomically: checks the idempotency key, the user's conversation with this id (creating it when
   * the user has none; `not-found` when it belongs to another project) and that no answer is
   * streaming in it; then saves the user message and the `streaming` assistant placeholder.
   * Read-then-write, so implementations must serialise it (SQLite: `BEGIN IMMEDIATE`; Postgres:
   * unique indexes, one of them on the streaming answer of a conversation).
   */
  beginTurn(userId: string, input: BeginTurnInput): Promise<BeginTurnResult>;

  /**
   * Atomically, for a Regenerate or Continue of the conversation's last answer: checks the key
   * (against every turn of the user), the conversation, that nothing streams in it, the target
   * (an assistant message of it, the last answer, and for Continue `stopped` or `interrupted`),
   * then saves (see {@link BeginAnswerTurnResult}) and moves the conversation's `updatedAt`. The
   * question is the user message before the answer. Serialised like {@link beginTurn}.
   */
  beginAnswerTurn(userId: string, input: BeginAnswerTurnInput): Promise<BeginAnswerTurnResult>;

  /** Checkpoints the partial answer of a `streaming` message; ignored once it has finished. */
  saveProgress(userId: string, messageId: string, content: string): Promise<void>;

  /**
   * Saves the final state of an assistant message that is still `streaming`: its whole text, and
   * `result.usage` (this generation's) added to the message's usage; a Continue's own tokens are
   * also kept with its turn, for `tokensUsedSince`. Returns false (and changes nothing) when it is
   * unknown, not the user's, or already finished.
   */
  finishTurn(userId: string, messageId: string, result: FinishTurnInput): Promise<boolean>;

  /** The turn saved under an idempotency key, if any (a question's, or a Regenerate's or Continue's). */
  findTurn(userId: string, idempotencyKey: string): Promise<StoredTurn | undefined>;

  /** One of the user's conversations. */
  getConversation(userId: string, conversationId: string): Promise<StoredConversation | undefined>;

  /** One of the user's messages, by id, whatever its conversation (no `previousVersions`). */
  getMessage(userId: string, messageId: string): Promise<StoredMessage | undefined>;

  /**
   * Sets the title of one of the user's conversations (a non-empty string: the router checks it);
   * `updatedAt` stays. Returns the conversation, or `undefined` when it is not the user's.
   */
  renameConversation(
    userId: string,
    conversationId: string,
    title: string,
  ): Promise<StoredConversation | undefined>;

  /**
   * Sets (or with `null` removes) the user's feedback on one of their assistant messages, at
   * `now`. Returns the message, or `undefined` when it is not one of the user's answers.
   */
  setFeedback(
    userId: string,
    messageId: string,
    feedback: { rating: FeedbackRating; comment?: string } | null,
    now: Date,
  ): Promise<StoredMessage | undefined>;

  /** The user's conversations in a project, most recently updated first. */
  listConversations(
    userId: string,
    projectId: string,
    options: ListOptions,
  ): Promise<StoredPage<StoredConversation>>;

  /**
   * The latest `limit` messages of a conversation (before `cursor`), returned oldest first;
   * `nextCursor` pages to older messages. `undefined` when the conversation is not the user's.
   * Replaced versions of an answer are not items (nor counted in `limit`): each answer that has
   * some lists them, oldest first, as its `previousVersions`.
   */
  listMessages(
    userId: string,
    conversationId: string,
    options: ListOptions,
  ): Promise<StoredPage<StoredMessage> | undefined>;

  /**
   * Context for the model: up to `limit` messages stored before `beforeMessageId` (in insertion
   * order, which breaks ties of equal timestamps), oldest first, skipping assistant messages that
   * are `streaming` or `failed` or empty, and replaced versions (only an answer's latest version
   * is context).
   */
  getHistory(
    userId: string,
    conversationId: string,
    beforeMessageId: string,
    limit: number,
  ): Promise<StoredMessage[]>;

  /** Deletes one of the user's conversations and its messages; false when not the user's. */
  deleteConversation(userId: string, conversationId: string): Promise<boolean>;

  /**
   * Total tokens (prompt + completion) of the user's generations started at or after `since`: each
   * answer's own tokens at its `createdAt` (replaced versions included), each Continue's at the
   * time of its turn, including those of conversations deleted since (deleting must not reset a
   * quota).
   * The usage of deleted conversations may be forgotten once it is older than
   * {@link DELETED_USAGE_RETENTION_MS} before the user's latest `beginTurn` (quotas count one day),
   * so it does not pile up forever.
   */
  tokensUsedSince(userId: string, since: Date): Promise<number>;

  /**
   * After a crash or restart: marks every message still `streaming` as `interrupted` (or `failed`
   * when empty) and returns how many. Call once at startup, before serving.
   */
  recoverInterrupted(): Promise<number>;

  /**
   * Settles one answer whose generation is gone (its process died): when the message is still
   * `streaming`, saves `content` (or keeps the last checkpoint when omitted) with status
   * `interrupted` (`failed` when that text is empty) and finish reason `interrupted`, usage
   * unset. Returns false and changes nothing when it is unknown, not the user's or already
   * finished, so of two instances settling the same answer exactly one succeeds, and a late
   * `finishTurn` of the dead owner is refused afterwards.
   */
  interruptTurn(userId: string, messageId: string, content?: string): Promise<boolean>;

  /** Releases resources (closes the database). */
  close(): Promise<void>;
}
