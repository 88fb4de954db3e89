// Reads messages straight from a server's SQLite file (read-only, beside the running server:
// WAL lets a reader in while it writes), to compare what was stored with what was streamed.

import Database from 'better-sqlite3';

/** A stored message as the checks need it. */
export interface StoredRow {
  seq: number;
  id: string;
  conversationId: string;
  userId: string;
  role: 'user' | 'assistant';
  content: string;
  status: string;
  finishReason: string | null;
  idempotencyKey: string | null;
}

/** Every message of the given conversations, grouped by conversation, in insertion order. */
export function readStoredMessages(
  path: string,
  conversationIds: Iterable<string>,
): Map<string, StoredRow[]> {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const select = db.prepare(
      `SELECT seq, id, conversation_id AS conversationId, user_id AS userId, role, content, status,
        finish_reason AS finishReason, idempotency_key AS idempotencyKey
      FROM messages WHERE conversation_id = ? ORDER BY seq`,
    );
    const out = new Map<string, StoredRow[]>();
    for (const id of conversationIds) out.set(id, select.all(id) as StoredRow[]);
    return out;
  } finally {
    db.close();
  }
}

/** How many messages are still `streaming`, and the integrity check's verdict. */
export function checkStoredState(path: string): { streaming: number; integrity: string } {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const { n } = db
      .prepare(`SELECT count(*) AS n FROM messages WHERE status = 'streaming'`)
      .get() as { n: number };
    return { streaming: n, integrity: String(db.pragma('integrity_check', { simple: true })) };
  } finally {
    db.close();
  }
}
