// Remembers the current conversation id per (api-url, user, project) in localStorage, so a reload
// resumes it. Only the id is stored — never the token — and a storage that throws is survived.

/** Where remembered conversation ids are kept. */
export interface ConversationMemory {
  /** The remembered conversation id for `key`, if any. */
  recall(key: string): string | undefined;
  /** Remembers `conversationId` for `key`. */
  remember(key: string, conversationId: string): void;
  /** Forgets the conversation of `key` (new conversation, logout, or the server no longer has it). */
  forget(key: string): void;
}

const KEY_PREFIX = 'schema-chat:conversation:';
/** Ids are UUIDs; anything else in storage was not written by us and is ignored. */
const ID_PATTERN = /^[A-Za-z0-9-]{1,64}$/;

/**
 * Reads the `sub` claim of a JWT without verifying it: the server verifies every request; here the
 * subject only separates users' remembered conversations on a shared browser. Returns `undefined`
 * for anything that is not a JWT with a string `sub`.
 */
export function readJwtSubject(token: string | undefined): string | undefined {
  const payload = token?.split('.')[1];
  if (!payload) return undefined;
  try {
    const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
    const bytes = Uint8Array.from(atob(base64), (char) => char.charCodeAt(0));
    const claims: unknown = JSON.parse(new TextDecoder().decode(bytes));
    const sub = (claims as { sub?: unknown } | null)?.sub;
    return typeof sub === 'string' && sub !== '' ? sub : undefined;
  } catch {
    return undefined;
  }
}

/** The storage key of the remembered conversation of one user in one project of one API. */
export function conversationStorageKey(
  apiUrl: string | undefined,
  subject: string | undefined,
  projectId: string,
): string {
  return KEY_PREFIX + [apiUrl ?? '', subject ?? '', projectId].map(encodeURIComponent).join('|');
}

/**
 * A {@link ConversationMemory} over `getStorage()` (defaults to `localStorage`). When storage is
 * unavailable or throws (sandboxed frames, blocked cookies, quota), ids live in memory for the
 * page's lifetime instead.
 */
export function createConversationMemory(
  getStorage: () => Storage | undefined = () => globalThis.localStorage,
): ConversationMemory {
  const fallback = new Map<string, string>();
  const storage = (): Storage | undefined => {
    try {
      return getStorage();
    } catch {
      return undefined;
    }
  };
  return {
    recall(key) {
      let value: string | null | undefined;
      try {
        value = storage()?.getItem(key);
      } catch {
        value = undefined;
      }
      value ??= fallback.get(key);
      return value && ID_PATTERN.test(value) ? value : undefined;
    },
    remember(key, conversationId) {
      fallback.set(key, conversationId);
      try {
        storage()?.setItem(key, conversationId);
      } catch {
        // Quota or privacy mode: the in-memory copy still serves this page.
      }
    },
    forget(key) {
      fallback.delete(key);
      try {
        storage()?.removeItem(key);
      } catch {
        // Nothing stored means nothing to forget.
      }
    },
  };
}
