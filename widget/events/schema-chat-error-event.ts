// The `schema-chat-error` event: a turn or the history failed; the element shows it with a retry.

import type { ClientErrorCode } from '../../sdk/chat-client-error.js';
import type { ErrorCode } from '../../sdk/protocol.js';

/** Every code a `schema-chat-error` carries: the server's, the client's, or `NOT_CONFIGURED`. */
export type SchemaChatErrorCode = ErrorCode | ClientErrorCode | 'NOT_CONFIGURED';

/** Detail of {@link SchemaChatErrorEvent}. */
export interface SchemaChatErrorDetail {
  code: SchemaChatErrorCode;
  /**
   * HTTP status of the failed response; 0 when there was none (no response arrived, the error
   * came as an event on an open stream, or the element was not configured).
   */
  status: number;
  /** The text shown to the user (from `strings`), never server internals. */
  message: string;
  /** Whether retrying may help. */
  retryable: boolean;
  /** Seconds the server asked to wait (429, 503). */
  retryAfter: number | undefined;
  /**
   * What failed: sending a message (a Regenerate or Continue too), loading the conversation's
   * history, listing or deleting conversations, or storing a rating.
   */
  operation: 'send' | 'history' | 'conversations' | 'feedback';
}

/** Fired when an operation of the element fails. Bubbles and crosses the shadow boundary. */
export class SchemaChatErrorEvent extends Event {
  /** What went wrong. */
  readonly detail: SchemaChatErrorDetail;

  constructor(detail: SchemaChatErrorDetail) {
    super('schema-chat-error', { bubbles: true, composed: true });
    this.detail = detail;
  }
}

declare global {
  interface HTMLElementEventMap {
    'schema-chat-error': SchemaChatErrorEvent;
  }
}
