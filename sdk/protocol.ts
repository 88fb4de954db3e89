// The wire protocol (version 1) of schema-chat: the single home of every type that crosses HTTP.
// The backend imports these type-only; the sdk and the widget build on them. Spec: docs/protocol.md.

/** Version sent in the `X-Schema-Chat-Protocol` response header. */
export const PROTOCOL_VERSION = 1;

/** Response header that carries {@link PROTOCOL_VERSION}. */
export const PROTOCOL_HEADER = 'X-Schema-Chat-Protocol';

/** Request header that deduplicates a turn: a retry with the same key never generates twice. */
export const IDEMPOTENCY_KEY_HEADER = 'Idempotency-Key';

/** Request header (sent by EventSource and fetch-event-source on reconnect) that resumes a stream. */
export const LAST_EVENT_ID_HEADER = 'Last-Event-ID';

/** Who wrote a message. */
export type MessageRole = 'user' | 'assistant';

/**
 * Lifecycle of a stored message. User messages are always `complete`; an assistant message is
 * `streaming` while generated, then `complete`, `stopped` (by `POST /chat/stop`), `interrupted`
 * (client gone past the grace period, upstream fault mid-answer, server restart) or `failed`
 * (nothing was generated).
 */
export type MessageStatus = 'streaming' | 'complete' | 'stopped' | 'interrupted' | 'failed';

/**
 * Why the model stopped: the upstream's `finish_reason` (`stop`, `length`, `content_filter`), or
 * `stopped` / `interrupted` / `error` when schema-chat ended the generation itself.
 */
export type FinishReason =
  | 'stop'
  | 'length'
  | 'content_filter'
  | 'stopped'
  | 'interrupted'
  | 'error';

/** Token counts of one turn (from the upstream's usage chunk, counted locally when absent). */
export interface Usage {
  promptTokens: number;
  completionTokens: number;
  totalTokens: number;
}

/** Every error code the API returns, in HTTP bodies and in `error` events. */
export type ErrorCode =
  | 'VALIDATION_FAILED'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'MESSAGE_TOO_LONG'
  | 'PAYLOAD_TOO_LARGE'
  | 'AUTH_MISSING'
  | 'AUTH_MALFORMED'
  | 'AUTH_INVALID'
  | 'AUTH_EXPIRED'
  | 'AUTH_NOT_YET_VALID'
  | 'AUTH_NO_EXPIRY'
  | 'AUTH_NO_SUBJECT'
  | 'AUTH_WRONG_AUDIENCE'
  | 'AUTH_WRONG_ISSUER'
  | 'AUTH_TOO_OLD'
  | 'FORBIDDEN_ORIGIN'
  | 'NOT_FOUND'
  | 'PROJECT_NOT_FOUND'
  | 'CONVERSATION_NOT_FOUND'
  | 'MESSAGE_NOT_FOUND'
  | 'TURN_IN_PROGRESS'
  | 'ANSWER_NOT_LATEST'
  | 'ANSWER_NOT_CONTINUABLE'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'RATE_LIMITED'
  | 'CONCURRENT_STREAM_LIMIT'
  | 'QUOTA_EXCEEDED'
  | 'RESUME_UNAVAILABLE'
  | 'GENERATION_INTERRUPTED'
  | 'UPSTREAM_ERROR'
  | 'UPSTREAM_RATE_LIMITED'
  | 'UPSTREAM_TIMEOUT'
  | 'UPSTREAM_UNAVAILABLE'
  | 'UPSTREAM_BAD_RESPONSE'
  | 'CONTEXT_TOO_LONG'
  | 'SERVER_BUSY'
  | 'STORAGE_ERROR'
  | 'INTERNAL_ERROR';

/** The error object inside {@link ErrorBody} and {@link ErrorEvent}. */
export interface ErrorDetail {
  code: ErrorCode;
  /** Human-readable, safe to show; never provider or stack text. */
  message: string;
  /** Whether sending the same request again (same `Idempotency-Key`) may succeed. */
  retryable: boolean;
  /** Seconds to wait before retrying, when the server knows (429, 503). */
  retryAfter?: number;
}

/** The one JSON shape of every non-2xx response. */
export interface ErrorBody {
  error: ErrorDetail;
}

/** First event of every stream: the conversation this turn belongs to. */
export interface ConversationIdEvent {
  type: 'conversationId';
  conversationId: string;
}

/** A piece of the answer: one upstream token or several coalesced within one flush window. */
export interface TokenEvent {
  type: 'token';
  content: string;
}

/**
 * The user's daily token allowance (`limits.tokensPerDay`), as it stands after a turn: tokens used
 * today (UTC), the allowance, and when it renews (the next 00:00 UTC, ISO 8601).
 */
export interface Quota {
  used: number;
  limit: number;
  resetsAt: string;
}

/**
 * How one SQL code block fits the project's schema:
 * - `ok`: every table and column it names exists (or is created by the block itself);
 * - `unknown-identifiers`: it names tables or columns that do not exist (listed in `unknown`);
 * - `unparsed`: the checker could not read it, so it says nothing about it (never "wrong").
 */
export type SqlCheckStatus = 'ok' | 'unknown-identifiers' | 'unparsed';

/** A table or column a SQL block names that the schema does not have. */
export interface UnknownIdentifier {
  kind: 'table' | 'column';
  /** The name as the SQL wrote it, without quotes: `customer`, `a.ful_name`, `books.author_id`. */
  name: string;
  /**
   * For columns: the real table (or CTE / derived table) it was looked up in. Absent when an
   * unqualified column was looked up in several tables.
   */
  table?: string;
  /**
   * The closest real name: a table name for tables, a column name of `table` for columns, or
   * `other_table.column` when only another table has a column of that name.
   */
  suggestion?: string;
}

/** The check of one fenced SQL code block of an answer. */
export interface SqlCheckBlock {
  /** Position of the block among all fenced code blocks of the answer, from 0. */
  index: number;
  /** The block's language: the first word of its info string in lower case, `''` when none. */
  language: string;
  status: SqlCheckStatus;
  /** Unknown tables and columns in order of first appearance; empty unless `unknown-identifiers`. */
  unknown: UnknownIdentifier[];
}

/** The SQL check of one answer: one entry per SQL code block (other code blocks are left out). */
export interface SqlCheck {
  blocks: SqlCheckBlock[];
}

/** Metadata of a finished answer (`model` and `conversationId`, and more). */
export interface CompleteMetadata {
  model: string;
  conversationId: string;
  messageId: string;
  finishReason: FinishReason;
  /** `complete`, or `stopped` when `POST /chat/stop` ended the answer early. */
  status: 'complete' | 'stopped';
  /** This turn's tokens (a Continue: only the continuation's). */
  usage: Usage;
  /** A Continue: the length of the answer's text before this turn (its tokens carry the rest). */
  continuedFrom?: number;
  /** When the server has a daily allowance: the user's allowance after this turn. */
  quota?: Quota;
  /**
   * How the answer's SQL code blocks fit the project's schema (docs/protocol.md, Events). Present
   * when the answer has at least one SQL block.
   */
  sqlCheck?: SqlCheck;
}

/** Terminal event of a successful (or deliberately stopped) stream. */
export interface CompleteEvent {
  type: 'complete';
  /** ISO 8601 time the answer finished. */
  timestamp: string;
  metadata: CompleteMetadata;
}

/** Terminal event of a failed stream; any partial answer is stored as `interrupted`. */
export interface ErrorEvent {
  type: 'error';
  error: ErrorDetail;
}

/** Every event on the SSE stream, told apart by `type` (events are unnamed `data:` lines). */
export type ChatEvent = ConversationIdEvent | TokenEvent | CompleteEvent | ErrorEvent;

/** The events that end a stream; exactly one ends each stream. */
export type TerminalEvent = CompleteEvent | ErrorEvent;

/**
 * Body of `POST /chat` and `POST /chat/stream`; query of `GET /chat/stream`. A question names
 * `message`; a Regenerate or a Continue names instead the answer it acts on (`regenerate` or
 * `continue`, with its `conversationId`), and needs no `message`.
 */
export interface ChatRequest {
  projectId: string;
  /** The question. Not needed (and not read) with `regenerate` or `continue`. */
  message?: string;
  /**
   * UUID v4; created for the caller when unknown. Omit to start a new conversation. Required with
   * `regenerate` and `continue`.
   */
  conversationId?: string;
  /**
   * Regenerate: the id of the conversation's last answer (any of its versions). The question is
   * asked again; the new answer becomes the latest version of that answer.
   */
  regenerate?: string;
  /**
   * Continue: the id of the conversation's last answer, `stopped` or `interrupted`. The model goes
   * on where it ended; the text is appended to that same message.
   */
  continue?: string;
}

/** How a user rated an answer. */
export type FeedbackRating = 'up' | 'down';

/** A user's feedback on an answer, as the history returns it. */
export interface MessageFeedback {
  rating: FeedbackRating;
  /** What the user wrote, if anything. */
  comment?: string;
}

/** A stored message, as history and REST answers return it. */
export interface ChatMessage {
  id: string;
  role: MessageRole;
  content: string;
  status: MessageStatus;
  /** ISO 8601. */
  createdAt: string;
  /** Assistant messages only. */
  model?: string;
  finishReason?: FinishReason;
  /** The answer's tokens, every Continue of it included. */
  usage?: Usage;
  /** Assistant messages the user rated (`POST /messages/:id/feedback`). */
  feedback?: MessageFeedback;
  /**
   * History only: the earlier versions of this answer that Regenerate replaced, oldest first
   * (this message is the latest version, the one the model sees as context).
   */
  previousVersions?: ChatMessage[];
  /** Assistant messages with SQL code blocks: how they fit the project's schema. */
  sqlCheck?: SqlCheck;
}

/** 200 body of `POST /chat`. */
export interface ChatResponse {
  conversationId: string;
  /** The assistant message, as the history stores it (a Continue: its whole text). */
  message: ChatMessage;
  metadata: {
    model: string;
    finishReason: FinishReason;
    /** This turn's tokens (a Continue: only the continuation's). */
    usage: Usage;
    /** A Continue: the length of `message.content` before this turn. */
    continuedFrom?: number;
    /** When the server has a daily allowance: the user's allowance after this turn. */
    quota?: Quota;
    /** As in the `complete` event. */
    sqlCheck?: SqlCheck;
  };
}

/** Body of `PATCH /conversations/:id`. */
export interface RenameConversationRequest {
  /** 1–200 characters, not blank, no control characters. */
  title: string;
}

/** Body of `POST /messages/:id/feedback`. */
export interface FeedbackRequest {
  /** `up`, `down`, or `null` to take the feedback back. */
  rating: FeedbackRating | null;
  /** Optional, at most 2000 characters. */
  comment?: string;
}

/** 200 body of `POST /messages/:id/feedback`: the feedback now stored (none once taken back). */
export interface FeedbackResponse {
  messageId: string;
  feedback?: MessageFeedback;
}

/**
 * 200 body of `GET /usage`: the user's tokens today (UTC) and when the day renews; `limit` when the
 * server has a daily allowance.
 */
export interface UsageResponse {
  used: number;
  limit?: number;
  resetsAt: string;
}

/** Body of `POST /chat/stop`. */
export interface StopRequest {
  conversationId: string;
}

/** 200 body of `POST /chat/stop`: whether a running answer was stopped. */
export interface StopResponse {
  stopped: boolean;
  /** The stopped assistant message, when one was running. */
  messageId?: string;
}

/** A conversation in `GET /conversations`. */
export interface ConversationSummary {
  id: string;
  projectId: string;
  /** The start of the first question. */
  title: string;
  createdAt: string;
  updatedAt: string;
}

/** A page of a list; pass `nextCursor` as `cursor` to get the next one. */
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}

/** A project in `GET /projects` (offered when the project resolver can list). */
export interface ProjectSummary {
  id: string;
  name: string;
}

/** Whether an event ends the stream. */
export function isTerminalEvent(event: ChatEvent): event is TerminalEvent {
  return event.type === 'complete' || event.type === 'error';
}
