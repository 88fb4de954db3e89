// A message as the element shows it, and how a stored message becomes one.

import type { ChatMessage, FeedbackRating, SqlCheck, Usage } from '../sdk/protocol.js';
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
  /** Answers: the stored message's id, once known (history, or the end of its turn). */
  answerId?: string;
  /** Answers: the user's rating. */
  feedback?: FeedbackRating;
  /** Answers: their tokens, once ended. */
  usage?: Usage;
  /** Answers: the earlier versions Regenerate replaced, oldest first. */
  versions?: ViewMessage[];
  /** Answers with `versions`: the one shown (an index into them); none shows this, the latest. */
  shownVersion?: number;
  /**
   * Answers stopped on screen: the text the server stored, which may go a little beyond what was
   * shown (the stop reached it a moment later). A Continue goes on from it.
   */
  stored?: string;
}

/**
 * A stored message as the view shows it. An answer still being written elsewhere (another tab,
 * another element) shows as in progress, with its text so far: it offers no Regenerate, Continue
 * or rating until it has ended.
 */
export function toViewMessage(message: ChatMessage): ViewMessage {
  const view: ViewMessage = {
    id: message.id,
    role: message.role,
    content: message.content,
    status: message.status,
  };
  const sqlCheck = readSqlCheck(message.sqlCheck);
  if (sqlCheck) view.sqlCheck = sqlCheck;
  if (message.role === 'assistant') view.answerId = message.id;
  const rating = message.feedback?.rating;
  if (rating === 'up' || rating === 'down') view.feedback = rating;
  if (message.usage) view.usage = message.usage;
  if (Array.isArray(message.previousVersions) && message.previousVersions.length > 0) {
    view.versions = message.previousVersions.map(toViewMessage);
  }
  return view;
}

/** The version of an answer on screen: the one paged to, or the answer itself (the latest). */
export function shownVersionOf(message: ViewMessage): ViewMessage {
  const index = message.shownVersion;
  return (index === undefined ? undefined : message.versions?.[index]) ?? message;
}

/**
 * A Regenerate's new answer, pending, in `old`'s place: `old` (as it was, without its own list)
 * becomes its newest earlier version.
 */
export function newVersionOf(old: ViewMessage, id: string): ViewMessage {
  const { versions = [], shownVersion: _shown, ...latest } = old;
  return { id, role: 'assistant', content: '', status: 'pending', versions: [...versions, latest] };
}
