// Entry `schema-chat/widget` (and the drop-in `dist/schema-chat.js`): defines <schema-chat> and
// exports its class, events and types.

import './schema-chat.js';

export type { ChatClient } from '../sdk/chat-client.js';
export { ChatClientError } from '../sdk/chat-client-error.js';
export { createChatClient } from '../sdk/create-chat-client.js';
export {
  type SchemaChatConversationChangeDetail,
  SchemaChatConversationChangeEvent,
} from './events/schema-chat-conversation-change-event.js';
export {
  type SchemaChatErrorCode,
  type SchemaChatErrorDetail,
  SchemaChatErrorEvent,
} from './events/schema-chat-error-event.js';
export {
  type SchemaChatFeedbackDetail,
  SchemaChatFeedbackEvent,
} from './events/schema-chat-feedback-event.js';
export {
  type SchemaChatResponseDetail,
  SchemaChatResponseEvent,
} from './events/schema-chat-response-event.js';
export { type SchemaChatSendDetail, SchemaChatSendEvent } from './events/schema-chat-send-event.js';
export {
  SchemaChat,
  type SchemaChatMode,
  type SchemaChatTheme,
  type SchemaChatTransport,
} from './schema-chat.component.js';
export { defaultStrings, type SchemaChatStrings } from './schema-chat-strings.js';
export type { ViewMessage, ViewMessageStatus } from './view-message.js';
