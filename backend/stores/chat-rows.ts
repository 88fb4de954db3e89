// Rows of the SQL chat stores (SQLite and Postgres share the columns) and their mapping to the
// ChatStore's objects: times are epoch milliseconds in the database, ISO 8601 strings outside.

import type {
  FeedbackRating,
  FinishReason,
  MessageRole,
  MessageStatus,
  SqlCheck,
} from '../../sdk/protocol.js';
import type {
  AnswerAction,
  StoredConversation,
  StoredMessage,
  StoredTurnAction,
} from './chat-store.js';

/** A row of `conversations`. */
export interface ConversationRow {
  seq: number;
  id: string;
  user_id: string;
  project_id: string;
  title: string;
  created_at: number;
  updated_at: number;
}

/** A row of `messages`. */
export interface MessageRow {
  seq: number;
  id: string;
  conversation_id: string;
  user_id: string;
  role: MessageRole;
  content: string;
  status: MessageStatus;
  created_at: number;
  model: string | null;
  finish_reason: FinishReason | null;
  prompt_tokens: number | null;
  completion_tokens: number | null;
  total_tokens: number | null;
  idempotency_key: string | null;
  /** JSON of the message's SqlCheck. */
  sql_check: string | null;
  version_of: string | null;
  /** 0/1 in SQLite, a boolean in Postgres. */
  replaced: number | boolean;
  feedback_rating: FeedbackRating | null;
  feedback_comment: string | null;
  feedback_at: number | null;
}

/** A row of `answer_turns`: a Regenerate or Continue turn. */
export interface AnswerTurnRow {
  seq: number;
  id: string;
  user_id: string;
  conversation_id: string;
  idempotency_key: string;
  kind: AnswerAction;
  target_id: string;
  message_id: string;
  question_id: string;
  start_offset: number;
  created_at: number;
  total_tokens: number | null;
}

/** An epoch-milliseconds time as ISO 8601. */
export function toIso(time: number): string {
  return new Date(time).toISOString();
}

/** The stored conversation of a row. */
export function toConversation(row: ConversationRow): StoredConversation {
  return {
    id: row.id,
    userId: row.user_id,
    projectId: row.project_id,
    title: row.title,
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}

/** The stored message of a row (optional fields only when set). */
export function toMessage(row: MessageRow): StoredMessage {
  const message: StoredMessage = {
    id: row.id,
    conversationId: row.conversation_id,
    role: row.role,
    content: row.content,
    status: row.status,
    createdAt: toIso(row.created_at),
  };
  if (row.model !== null) message.model = row.model;
  if (row.finish_reason !== null) message.finishReason = row.finish_reason;
  if (row.total_tokens !== null) {
    message.usage = {
      promptTokens: row.prompt_tokens ?? 0,
      completionTokens: row.completion_tokens ?? 0,
      totalTokens: row.total_tokens,
    };
  }
  if (row.idempotency_key !== null) message.idempotencyKey = row.idempotency_key;
  if (row.sql_check !== null) message.sqlCheck = JSON.parse(row.sql_check) as SqlCheck;
  if (row.version_of !== null) message.versionOf = row.version_of;
  if (row.replaced === true || row.replaced === 1) message.replaced = true;
  if (row.feedback_rating !== null) {
    message.feedback = {
      rating: row.feedback_rating,
      ...(row.feedback_comment === null ? {} : { comment: row.feedback_comment }),
      updatedAt: toIso(row.feedback_at ?? 0),
    };
  }
  return message;
}

/** What an answer turn's row says it did. */
export function toTurnAction(row: AnswerTurnRow): StoredTurnAction {
  return {
    kind: row.kind,
    targetId: row.target_id,
    turnId: row.id,
    startOffset: row.start_offset,
  };
}

/**
 * Groups the replaced versions `rows` (oldest first) under the page items whose version group
 * they belong to, as `previousVersions`.
 */
export function attachPreviousVersions(
  items: StoredMessage[],
  rows: readonly MessageRow[],
): StoredMessage[] {
  if (rows.length === 0) return items;
  const byGroup = new Map<string, StoredMessage[]>();
  for (const row of rows) {
    const group = row.version_of ?? row.id;
    const versions = byGroup.get(group) ?? [];
    versions.push(toMessage(row));
    byGroup.set(group, versions);
  }
  for (const item of items) {
    const versions = item.versionOf === undefined ? undefined : byGroup.get(item.versionOf);
    if (versions !== undefined) item.previousVersions = versions;
  }
  return items;
}
