// Entry `schema-chat/client`: the framework-agnostic client and the wire protocol types.

export * from './chat-client.js';
export * from './chat-client-error.js';
export { createChatClient } from './create-chat-client.js';
export * from './protocol.js';
