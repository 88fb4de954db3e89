// The `schema-chat-feedback` event: the user rated an answer (or took the rating back), and the
// server stored it.

import type { FeedbackRating } from '../../sdk/protocol.js';

/** Detail of {@link SchemaChatFeedbackEvent}. */
export interface SchemaChatFeedbackDetail {
  conversationId: string | undefined;
  /** The stored answer rated (a version's own id when an earlier version is shown). */
  messageId: string;
  /** `up`, `down`, or `null` when the user took the rating back. */
  rating: FeedbackRating | null;
}

/** Fired once the server stored a rating. Bubbles and crosses the shadow boundary. */
export class SchemaChatFeedbackEvent extends Event {
  /** The rating. */
  readonly detail: SchemaChatFeedbackDetail;

  constructor(detail: SchemaChatFeedbackDetail) {
    super('schema-chat-feedback', { bubbles: true, composed: true });
    this.detail = detail;
  }
}

declare global {
  interface HTMLElementEventMap {
    'schema-chat-feedback': SchemaChatFeedbackEvent;
  }
}
