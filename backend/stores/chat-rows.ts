// Rows of the SQL chat stores (SQLite and Postgres share the columns) and their mapping to the
// ChatStore's objects: times are epoch milliseconds in the database, ISO 8601 strings outside.

import type { FinishReason, MessageRole, MessageStatus, SqlCheck } from '../../sdk/protocol.js';
import type { StoredConversation, StoredMessage } from './chat-store.js';

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
  return message;
}
