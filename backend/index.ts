// Entry `schema-chat/express`: the Express router and its plug points.

export type {
  AuthOptions,
  ChatRouterOptions,
  CorsOptions,
  JwtAlgorithm,
  LimitsOptions,
  TimeoutOptions,
} from './config/chat-router-options.js';
export { DEFAULT_LIMITS, DEFAULT_TIMEOUTS } from './config/resolve-chat-router-config.js';
export {
  type BuildChatContextInput,
  buildChatContext,
  type ChatContext,
  type ChatHistoryMessage,
} from './context/build-chat-context.js';
export { estimateTokens } from './context/estimate-tokens.js';
export { type ChatRouter, createChatRouter, defaultDatabasePath } from './create-chat-router.js';
export {
  TURN_STEP_CHANNEL,
  type TurnStep,
  type TurnStepMessage,
} from './diagnostics/turn-steps.js';
export * from './errors.js';
export {
  type ChatLogger,
  createConsoleLogger,
  type LogFields,
  silentLogger,
} from './logging/chat-logger.js';
export type * from './models/chat-model.js';
export { OfflineChatModel, type OfflineChatModelOptions } from './models/offline-chat-model.js';
export { OpenAIChatModel, type OpenAIChatModelOptions } from './models/openai-chat-model.js';
export * from './projects/project-resolver.js';
export {
  SqliteProjectStore,
  type SqliteProjectStoreOptions,
} from './projects/sqlite-project-store.js';
export type { FeedbackRecord } from './routes/answer-routes.js';
export type { ChatRun, RunSink, Subscription } from './runs/chat-run.js';
export type { LiveRunStats } from './runs/live-runs.js';
export { MemoryRunRegistry } from './runs/memory-run-registry.js';
export type {
  ClaimInput,
  ClaimResult,
  RegistryStart,
  RunEnd,
  RunEntry,
  RunIdentity,
  RunRecord,
  RunRegistry,
  RunRelay,
  TurnBudget,
} from './runs/run-registry.js';
export { formatSchema } from './schema/format-schema.js';
export { parseSchema } from './schema/parse-schema.js';
export type * from './schema/parsed-schema.js';
export type * from './stores/chat-store.js';
export { deriveConversationTitle } from './stores/conversation-title.js';
export { MemoryChatStore } from './stores/memory-chat-store.js';
export { SqliteChatStore, type SqliteChatStoreOptions } from './stores/sqlite-chat-store.js';
export type { SqliteDatabase, SqliteStatement } from './stores/sqlite-database.js';
export type { TurnRecord } from './turns/turn-record.js';
