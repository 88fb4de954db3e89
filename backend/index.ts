// Entry `schema-chat/express`: the Express router and its plug points.

export * from './errors.js';
export type * from './models/chat-model.js';
export * from './projects/project-resolver.js';
export {
  SqliteProjectStore,
  type SqliteProjectStoreOptions,
} from './projects/sqlite-project-store.js';
export type * from './stores/chat-store.js';
export { deriveConversationTitle } from './stores/conversation-title.js';
export { MemoryChatStore } from './stores/memory-chat-store.js';
export { SqliteChatStore, type SqliteChatStoreOptions } from './stores/sqlite-chat-store.js';
