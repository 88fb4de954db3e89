// The SQLite schema of SqliteChatStore and its migrations, versioned by PRAGMA user_version.

import type Database from 'better-sqlite3';

/**
 * Each entry upgrades the schema by one version (exported for the migration tests); append, never
 * edit a shipped entry. Times are integer milliseconds since the epoch (compact, index-friendly,
 * exact); the store turns them into ISO 8601 strings. `seq` (the rowid) is the insertion order
 * that every ordering relies on.
 */
export const CHAT_SCHEMA_MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE conversations (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL,
    project_id TEXT NOT NULL,
    title TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  ) STRICT;
  -- listConversations: one user's conversations in a project, most recently updated first.
  CREATE INDEX conversations_by_user_project_updated
    ON conversations (user_id, project_id, updated_at DESC, seq DESC);

  CREATE TABLE messages (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    -- The conversation's owner, copied so that every write checks ownership in one statement.
    user_id TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
    content TEXT NOT NULL,
    status TEXT NOT NULL
      CHECK (status IN ('streaming', 'complete', 'stopped', 'interrupted', 'failed')),
    created_at INTEGER NOT NULL,
    model TEXT,
    finish_reason TEXT
      CHECK (finish_reason IN ('stop', 'length', 'content_filter', 'stopped', 'interrupted', 'error')),
    prompt_tokens INTEGER,
    completion_tokens INTEGER,
    total_tokens INTEGER,
    idempotency_key TEXT
  ) STRICT;
  -- listMessages, getHistory and the cascade of deleteConversation.
  CREATE INDEX messages_by_conversation ON messages (conversation_id, seq);
  -- beginTurn / findTurn: a key names one turn (its user and assistant message) per user.
  CREATE UNIQUE INDEX messages_by_idempotency_key
    ON messages (user_id, idempotency_key, role) WHERE idempotency_key IS NOT NULL;
  -- tokensUsedSince (quotas): covering, so the sum never touches the table.
  CREATE INDEX messages_usage_by_user_created
    ON messages (user_id, created_at, total_tokens) WHERE role = 'assistant';
  -- beginTurn's busy check and recoverInterrupted: only the few rows still streaming.
  CREATE INDEX messages_streaming ON messages (conversation_id) WHERE status = 'streaming';

  -- Token usage of deleted conversations: deleting a conversation must not reset a quota.
  CREATE TABLE deleted_usage (
    user_id TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    total_tokens INTEGER NOT NULL
  ) STRICT;
  CREATE INDEX deleted_usage_by_user_created ON deleted_usage (user_id, created_at, total_tokens);
  `,
  // Version 2: a conversation is named by (user_id, id), so that another user's conversation id
  // is, for this user, an unused one. SQLite cannot change a table's constraints in place: both
  // tables are rebuilt (https://sqlite.org/lang_altertable.html#otheralter) keeping every row and
  // its seq, the insertion order that cursors point at. The old messages go first so that
  // dropping the old conversations cascades to nothing; renaming conversations_v2 rewrites the
  // foreign key of messages_v2 to the new name.
  `
  CREATE TABLE conversations_v2 (
    seq INTEGER PRIMARY KEY,
    user_id TEXT NOT NULL,
    id TEXT NOT NULL,
    project_id TEXT NOT NULL,
    title TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    UNIQUE (user_id, id)
  ) STRICT;
  INSERT INTO conversations_v2 (seq, user_id, id, project_id, title, created_at, updated_at)
    SELECT seq, user_id, id, project_id, title, created_at, updated_at FROM conversations;

  CREATE TABLE messages_v2 (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
    content TEXT NOT NULL,
    status TEXT NOT NULL
      CHECK (status IN ('streaming', 'complete', 'stopped', 'interrupted', 'failed')),
    created_at INTEGER NOT NULL,
    model TEXT,
    finish_reason TEXT
      CHECK (finish_reason IN ('stop', 'length', 'content_filter', 'stopped', 'interrupted', 'error')),
    prompt_tokens INTEGER,
    completion_tokens INTEGER,
    total_tokens INTEGER,
    idempotency_key TEXT,
    FOREIGN KEY (user_id, conversation_id)
      REFERENCES conversations_v2 (user_id, id) ON DELETE CASCADE
  ) STRICT;
  INSERT INTO messages_v2 (seq, id, user_id, conversation_id, role, content, status, created_at,
      model, finish_reason, prompt_tokens, completion_tokens, total_tokens, idempotency_key)
    SELECT seq, id, user_id, conversation_id, role, content, status, created_at,
      model, finish_reason, prompt_tokens, completion_tokens, total_tokens, idempotency_key
    FROM messages;

  DROP TABLE messages;
  DROP TABLE conversations;
  ALTER TABLE conversations_v2 RENAME TO conversations;
  ALTER TABLE messages_v2 RENAME TO messages;

  CREATE INDEX conversations_by_user_project_updated
    ON conversations (user_id, project_id, updated_at DESC, seq DESC);
  CREATE INDEX messages_by_conversation ON messages (user_id, conversation_id, seq);
  CREATE UNIQUE INDEX messages_by_idempotency_key
    ON messages (user_id, idempotency_key, role) WHERE idempotency_key IS NOT NULL;
  CREATE INDEX messages_usage_by_user_created
    ON messages (user_id, created_at, total_tokens) WHERE role = 'assistant';
  CREATE INDEX messages_streaming ON messages (user_id, conversation_id) WHERE status = 'streaming';
  `,
  `
  -- The process serving this file (claim-sqlite-file.ts): one SQLite file serves one process.
  CREATE TABLE serving_process (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    pid INTEGER NOT NULL,
    host TEXT NOT NULL,
    started_at INTEGER NOT NULL
  ) STRICT;
  `,
  `
  -- The SQL check of an answer (JSON of SqlCheck), stored with it and returned with the history.
  ALTER TABLE messages ADD COLUMN sql_check TEXT;
  `,
  // Version 5: versions of an answer (Regenerate), feedback, and the turns that regenerate or
  // continue an answer without a new question. Added columns only: existing rows are first
  // versions, not replaced, without feedback.
  `
  ALTER TABLE messages ADD COLUMN version_of TEXT;
  ALTER TABLE messages ADD COLUMN replaced INTEGER NOT NULL DEFAULT 0 CHECK (replaced IN (0, 1));
  ALTER TABLE messages ADD COLUMN feedback_rating TEXT CHECK (feedback_rating IN ('up', 'down'));
  ALTER TABLE messages ADD COLUMN feedback_comment TEXT;
  ALTER TABLE messages ADD COLUMN feedback_at INTEGER;
  -- listMessages: the replaced versions of the answers of a page.
  CREATE INDEX messages_replaced_by_group
    ON messages (user_id, conversation_id, coalesce(version_of, id)) WHERE replaced = 1;

  -- A Regenerate or Continue turn: its key, what it named and what it wrote. The question's turn
  -- keeps its key on its messages; these have none of their own.
  CREATE TABLE answer_turns (
    seq INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    user_id TEXT NOT NULL,
    conversation_id TEXT NOT NULL,
    idempotency_key TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('regenerate', 'continue')),
    target_id TEXT NOT NULL,
    message_id TEXT NOT NULL,
    question_id TEXT NOT NULL,
    start_offset INTEGER NOT NULL,
    created_at INTEGER NOT NULL,
    -- A Continue's own tokens once finished (the message's usage includes them): quotas count
    -- them at created_at.
    total_tokens INTEGER,
    FOREIGN KEY (user_id, conversation_id)
      REFERENCES conversations (user_id, id) ON DELETE CASCADE
  ) STRICT;
  CREATE UNIQUE INDEX answer_turns_by_key ON answer_turns (user_id, idempotency_key);
  -- finishTurn (the latest Continue of a message) and the usage arithmetic of quotas.
  CREATE INDEX answer_turns_by_message ON answer_turns (user_id, message_id, seq);
  CREATE INDEX answer_turns_by_conversation ON answer_turns (user_id, conversation_id);
  CREATE INDEX answer_turns_usage_by_user_created
    ON answer_turns (user_id, created_at, total_tokens) WHERE kind = 'continue';
  `,
];

/** The schema version this code writes (`PRAGMA user_version` of an up-to-date database). */
export const CHAT_SCHEMA_VERSION = CHAT_SCHEMA_MIGRATIONS.length;

/**
 * Brings the database up to {@link CHAT_SCHEMA_VERSION} in one `BEGIN IMMEDIATE` transaction, so
 * two processes opening a new file at once migrate it once. Idempotent: an up-to-date database is
 * left alone. Throws when the file was written by a newer schema-chat (downgrades are refused).
 * The chat store owns `PRAGMA user_version` of its database.
 */
export function migrateChatSchema(db: Database.Database): void {
  // The common case, an up-to-date file, needs no write lock.
  if (db.pragma('user_version', { simple: true }) === CHAT_SCHEMA_VERSION) return;
  db.transaction(() => {
    const current = db.pragma('user_version', { simple: true }) as number;
    if (current > CHAT_SCHEMA_VERSION) {
      throw new Error(
        `SqliteChatStore: the database has chat schema version ${current}, newer than this ` +
          `schema-chat's ${CHAT_SCHEMA_VERSION}; upgrade schema-chat or point \`path\` at another file.`,
      );
    }
    for (let version = current; version < CHAT_SCHEMA_VERSION; version += 1) {
      db.exec(CHAT_SCHEMA_MIGRATIONS[version] as string);
    }
    if (current !== CHAT_SCHEMA_VERSION) db.pragma(`user_version = ${CHAT_SCHEMA_VERSION}`);
  }).immediate();
}
