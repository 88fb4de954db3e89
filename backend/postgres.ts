// Entry `schema-chat/postgres`: the Postgres stores for running several instances of the router
// on one database. Needs the optional peer dependency `pg` (`npm install pg`); the default entry
// `schema-chat/express` never loads it.

export {
  PostgresProjectStore,
  type PostgresProjectStoreOptions,
} from './projects/postgres-project-store.js';
export { PostgresChatStore, type PostgresChatStoreOptions } from './stores/postgres-chat-store.js';
export type { PostgresConnectionOptions } from './stores/postgres-connection.js';
