// Entry `schema-chat/express`: the Express router and its plug points.

export {
  type BuildChatContextInput,
  buildChatContext,
  type ChatContext,
  type ChatHistoryMessage,
} from './context/build-chat-context.js';
export { estimateTokens } from './context/estimate-tokens.js';
export * from './errors.js';
export type * from './models/chat-model.js';
export { OfflineChatModel, type OfflineChatModelOptions } from './models/offline-chat-model.js';
export { OpenAIChatModel, type OpenAIChatModelOptions } from './models/openai-chat-model.js';
export * from './projects/project-resolver.js';
export {
  SqliteProjectStore,
  type SqliteProjectStoreOptions,
} from './projects/sqlite-project-store.js';
export { formatSchema } from './schema/format-schema.js';
export { parseSchema } from './schema/parse-schema.js';
export type * from './schema/parsed-schema.js';
export type * from './stores/chat-store.js';
export { deriveConversationTitle } from './stores/conversation-title.js';
export { MemoryChatStore } from './stores/memory-chat-store.js';
export { SqliteChatStore, type SqliteChatStoreOptions } from './stores/sqlite-chat-store.js';
