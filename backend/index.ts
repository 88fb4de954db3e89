// Entry `schema-chat/express`: the Express router and its plug points.

export * from './errors.js';
export type * from './models/chat-model.js';
export * from './projects/project-resolver.js';
export type * from './stores/chat-store.js';
