// Pure validation of the body of `POST /messages/:id/feedback` (docs/protocol.md, Request fields).

import type { FeedbackRating } from '../../sdk/protocol.js';
import { invalid } from './parse-chat-request.js';

/** Longest feedback comment, in UTF-16 code units. */
export const MAX_FEEDBACK_COMMENT_CHARS = 2000;

/**
 * Validates `{ rating: 'up' | 'down' | null, comment? }`: the feedback to store, or `null` to take
 * it back. A blank comment counts as none; a comment comes only with a rating. Throws 400
 * `VALIDATION_FAILED` naming the field.
 */
export function parseFeedbackRequest(
  input: unknown,
): { rating: FeedbackRating; comment?: string } | null {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw invalid('The request must be a JSON object with rating.');
  }
  const fields = input as Record<string, unknown>;
  const rating = Object.hasOwn(fields, 'rating') ? fields.rating : undefined;
  const comment = Object.hasOwn(fields, 'comment') ? fields.comment : undefined;
  if (rating === null) {
    if (comment !== undefined && comment !== null && comment !== '') {
      throw invalid('A comment needs a rating (up or down).');
    }
    return null;
  }
  if (rating !== 'up' && rating !== 'down') {
    throw invalid('rating must be "up", "down" or null.');
  }
  if (comment === undefined || comment === null) return { rating };
  if (typeof comment !== 'string') throw invalid('comment must be a string.');
  if (comment.length > MAX_FEEDBACK_COMMENT_CHARS) {
    throw invalid(`comment must be at most ${MAX_FEEDBACK_COMMENT_CHARS} characters.`);
  }
  if (!comment.isWellFormed() || comment.includes('\u0000')) {
    throw invalid('comment must be well-formed text without NUL characters.');
  }
  return comment.trim() === '' ? { rating } : { rating, comment };
}
