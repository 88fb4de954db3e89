// The `schema-chat-conversation-change` event: the element moved to another (or a new) conversation.

/** Detail of {@link SchemaChatConversationChangeEvent}. */
export interface SchemaChatConversationChangeDetail {
  /** The current conversation; `undefined` after "new conversation" or `reset()`. */
  conversationId: string | undefined;
  previousConversationId: string | undefined;
}

/**
 * Fired when the server names a new conversation, when the user starts a new one, and on `reset()`.
 * Bubbles and crosses the shadow boundary.
 */
export class SchemaChatConversationChangeEvent extends Event {
  /** The conversation now shown. */
  readonly detail: SchemaChatConversationChangeDetail;

  constructor(detail: SchemaChatConversationChangeDetail) {
    super('schema-chat-conversation-change', { bubbles: true, composed: true });
    this.detail = detail;
  }
}

declare global {
  interface HTMLElementEventMap {
    'schema-chat-conversation-change': SchemaChatConversationChangeEvent;
  }
}
