// The cancelable `schema-chat-send` event: the user (or `send()`) is about to send a message.

/** Detail of {@link SchemaChatSendEvent}. */
export interface SchemaChatSendDetail {
  /** The message, trimmed. */
  message: string;
  projectId: string;
  /** `undefined` when the message starts a new conversation. */
  conversationId: string | undefined;
  /** How the answer will be requested. */
  transport: 'sse' | 'rest';
}

/**
 * Fired before a message is sent. Call `preventDefault()` to keep it from being sent (the text stays
 * in the composer). Bubbles and crosses the shadow boundary.
 */
export class SchemaChatSendEvent extends Event {
  /** What is about to be sent. */
  readonly detail: SchemaChatSendDetail;

  constructor(detail: SchemaChatSendDetail) {
    super('schema-chat-send', { bubbles: true, composed: true, cancelable: true });
    this.detail = detail;
  }
}

declare global {
  interface HTMLElementEventMap {
    'schema-chat-send': SchemaChatSendEvent;
  }
}
