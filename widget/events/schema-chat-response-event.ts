// The `schema-chat-response` event: an answer finished (completely, or stopped by the user).

import type { FinishReason, Usage } from '../../sdk/protocol.js';

/** Detail of {@link SchemaChatResponseEvent}. */
export interface SchemaChatResponseDetail {
  /** `undefined` only when the user stopped before the server named the conversation. */
  conversationId: string | undefined;
  /** The stored answer's id, when the server sent it. */
  messageId: string | undefined;
  /** The answer's markdown text (when stopped, the part shown before the stop). */
  content: string;
  status: 'complete' | 'stopped';
  /** `rest` when the answer came through `POST /chat` (chosen, or as fallback). */
  transport: 'sse' | 'rest';
  /** The model that wrote it; `undefined` only when a stop got no answer from the server in time. */
  model: string | undefined;
  finishReason: FinishReason | undefined;
  /** Tokens used (estimated by the server when the model reported none); as `model` for a stop. */
  usage: Usage | undefined;
  /**
   * Set when the answer came from Regenerate (a new version of the last answer) or Continue
   * (then `content` is the whole answer, the continued text included).
   */
  action?: 'regenerate' | 'continue';
}

/**
 * Fired when an answer finishes or is stopped (a stopped one once the server has answered the
 * stop, with what it stored). Bubbles and crosses the shadow boundary.
 */
export class SchemaChatResponseEvent extends Event {
  /** The finished answer. */
  readonly detail: SchemaChatResponseDetail;

  constructor(detail: SchemaChatResponseDetail) {
    super('schema-chat-response', { bubbles: true, composed: true });
    this.detail = detail;
  }
}

declare global {
  interface HTMLElementEventMap {
    'schema-chat-response': SchemaChatResponseEvent;
  }
}
