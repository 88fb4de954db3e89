// The Postgres tables of PostgresChatStore and their migrations (run by migratePostgresSchema).

/**
 * Each entry upgrades the chat tables by one version and gets the quoted schema to prefix them;
 * append, never edit a shipped entry. Times are bigint milliseconds since the epoch, as in the
 * SQLite store (exact, and the keyset cursors are the same integers); `seq` is the insertion
 * order every ordering relies on. A conversation is named by (user_id, id).
 */
export const POSTGRES_CHAT_MIGRATIONS: readonly ((s: string) => string)[] = [
  (s) => `
  CREATE TABLE ${s}.conversations (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id text NOT NULL,
    id text NOT NULL,
    project_id text NOT NULL,
    title text NOT NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL,
    CONSTRAINT conversations_user_id_id_key UNIQUE (user_id, id)
  );
  -- listConversations: one user's conversations in a project, most recently updated first.
  CREATE INDEX conversations_by_user_project_updated
    ON ${s}.conversations (user_id, project_id, updated_at DESC, seq DESC);

  CREATE TABLE ${s}.messages (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id text NOT NULL CONSTRAINT messages_id_key UNIQUE,
    -- The conversation's owner: part of its name, and every write checks it in one statement.
    user_id text NOT NULL,
    conversation_id text NOT NULL,
    role text NOT NULL CHECK (role IN ('user', 'assistant')),
    content text NOT NULL,
    status text NOT NULL
      CHECK (status IN ('streaming', 'complete', 'stopped', 'interrupted', 'failed')),
    created_at bigint NOT NULL,
    model text,
    finish_reason text
      CHECK (finish_reason IN ('stop', 'length', 'content_filter', 'stopped', 'interrupted', 'error')),
    prompt_tokens bigint,
    completion_tokens bigint,
    total_tokens bigint,
    idempotency_key text,
    FOREIGN KEY (user_id, conversation_id)
      REFERENCES ${s}.conversations (user_id, id) ON DELETE CASCADE
  );
  -- listMessages, getHistory and the cascade of deleteConversation.
  CREATE INDEX messages_by_conversation ON ${s}.messages (user_id, conversation_id, seq);
  -- beginTurn / findTurn: a key names one turn (its user and assistant message) per user.
  CREATE UNIQUE INDEX messages_by_idempotency_key
    ON ${s}.messages (user_id, idempotency_key, role) WHERE idempotency_key IS NOT NULL;
  -- tokensUsedSince (quotas): covering, so the sum never touches the table.
  CREATE INDEX messages_usage_by_user_created
    ON ${s}.messages (user_id, created_at) INCLUDE (total_tokens) WHERE role = 'assistant';
  -- One streaming answer per conversation, whichever instance starts the turn: a second one
  -- violates this index (beginTurn answers busy). Also the few rows recoverInterrupted reads.
  CREATE UNIQUE INDEX messages_one_streaming_per_conversation
    ON ${s}.messages (user_id, conversation_id) WHERE status = 'streaming';

  -- Token usage of deleted conversations: deleting a conversation must not reset a quota.
  CREATE TABLE ${s}.deleted_usage (
    user_id text NOT NULL,
    created_at bigint NOT NULL,
    total_tokens bigint NOT NULL
  );
  CREATE INDEX deleted_usage_by_user_created
    ON ${s}.deleted_usage (user_id, created_at) INCLUDE (total_tokens);
  `,
  (s) => `
  -- The SQL check of an answer (JSON of SqlCheck), stored with it and returned with the history.
  ALTER TABLE ${s}.messages ADD COLUMN sql_check text;
  `,
  // Version 3: versions of an answer (Regenerate), feedback, and the turns that regenerate or
  // continue an answer without a new question. Added columns only: existing rows are first
  // versions, not replaced, without feedback.
  (s) => `
  ALTER TABLE ${s}.messages
    ADD COLUMN version_of text,
    ADD COLUMN replaced boolean NOT NULL DEFAULT false,
    ADD COLUMN feedback_rating text CHECK (feedback_rating IN ('up', 'down')),
    ADD COLUMN feedback_comment text,
    ADD COLUMN feedback_at bigint;
  -- listMessages: the replaced versions of the answers of a page.
  CREATE INDEX messages_replaced_by_group
    ON ${s}.messages (user_id, conversation_id, (coalesce(version_of, id))) WHERE replaced;

  -- A Regenerate or Continue turn: its key, what it named and what it wrote. The question's turn
  -- keeps its key on its messages; these have none of their own.
  CREATE TABLE ${s}.answer_turns (
    seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id text NOT NULL CONSTRAINT answer_turns_id_key UNIQUE,
    user_id text NOT NULL,
    conversation_id text NOT NULL,
    idempotency_key text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('regenerate', 'continue')),
    target_id text NOT NULL,
    message_id text NOT NULL,
    question_id text NOT NULL,
    start_offset bigint NOT NULL,
    created_at bigint NOT NULL,
    -- A Continue's own tokens once finished (the message's usage includes them): quotas count
    -- them at created_at.
    total_tokens bigint,
    FOREIGN KEY (user_id, conversation_id)
      REFERENCES ${s}.conversations (user_id, id) ON DELETE CASCADE
  );
  CREATE UNIQUE INDEX answer_turns_by_key ON ${s}.answer_turns (user_id, idempotency_key);
  -- finishTurn (the latest Continue of a message) and the usage arithmetic of quotas.
  CREATE INDEX answer_turns_by_message ON ${s}.answer_turns (user_id, message_id, seq);
  CREATE INDEX answer_turns_by_conversation ON ${s}.answer_turns (user_id, conversation_id);
  CREATE INDEX answer_turns_usage_by_user_created
    ON ${s}.answer_turns (user_id, created_at) INCLUDE (total_tokens) WHERE kind = 'continue';
  `,
];
