// A message as the element shows it, and how a stored message becomes one.

import type { ChatMessage, SqlCheck } from '../sdk/protocol.js';
import { readSqlCheck } from '../sdk/read-sql-check.js';

/** How a message is shown: `pending` before the first token, `streaming` while tokens arrive. */
export type ViewMessageStatus =
  | 'pending'
  | 'streaming'
  | 'complete'
  | 'stopped'
  | 'interrupted'
  | 'failed';

/** A message as the element shows it. */
export interface ViewMessage {
  /** Local key (stable while the message lives). */
  readonly id: string;
  readonly role: 'user' | 'assistant';
  content: string;
  status: ViewMessageStatus;
  /** Answers: how their SQL blocks fit the schema, once they have ended. */
  sqlCheck?: SqlCheck;
}

/** A stored message as the view shows it; an answer still being written elsewhere shows as it is now. */
export function toViewMessage(message: ChatMessage): ViewMessage {
  const status: ViewMessageStatus =
    message.status === 'streaming' || message.status === 'complete' ? 'complete' : message.status;
  const view: ViewMessage = {
    id: message.id,
    role: message.role,
    content: message.content,
    status,
  };
  const sqlCheck = readSqlCheck(message.sqlCheck);
  if (sqlCheck) view.sqlCheck = sqlCheck;
  return view;
}
