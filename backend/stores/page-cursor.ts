// Pure helpers of list paging shared by the ChatStore implementations: opaque cursors and limits.

import { ChatError } from '../errors.js';

/** Smallest and largest `limit` of a list page (see `ListOptions`). */
export const PAGE_LIMIT_RANGE = { min: 1, max: 100 } as const;

/**
 * Encodes a keyset position as an opaque, URL-safe cursor. `kind` names the list so that a cursor
 * of one list is refused by another.
 */
export function encodePageCursor(kind: string, position: readonly number[]): string {
  return Buffer.from(JSON.stringify([kind, ...position]), 'utf8').toString('base64url');
}

/**
 * Decodes a cursor made by {@link encodePageCursor} for the list `kind` with `arity` integers.
 * Throws `VALIDATION_FAILED` (400) for anything else: the cursor comes from the client's query.
 */
export function decodePageCursor(cursor: string, kind: string, arity: number): number[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length !== arity + 1 ||
    parsed[0] !== kind ||
    !parsed.slice(1).every((value) => Number.isSafeInteger(value))
  ) {
    throw new ChatError(
      'VALIDATION_FAILED',
      'The cursor is not valid: pass the nextCursor of a previous page unchanged.',
      { status: 400 },
    );
  }
  return parsed.slice(1) as number[];
}

/** Checks a page `limit`: an integer from 1 to 100, else `VALIDATION_FAILED` (400). */
export function checkPageLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < PAGE_LIMIT_RANGE.min || limit > PAGE_LIMIT_RANGE.max) {
    throw new ChatError(
      'VALIDATION_FAILED',
      `The page limit must be an integer from ${PAGE_LIMIT_RANGE.min} to ${PAGE_LIMIT_RANGE.max}.`,
      { status: 400 },
    );
  }
  return limit;
}

/** Checks the `limit` of `getHistory`: a non-negative integer (0 gives no history). */
export function checkHistoryLimit(limit: number): number {
  if (!Number.isInteger(limit) || limit < 0) {
    throw new TypeError(`getHistory: limit must be a non-negative integer, got ${String(limit)}.`);
  }
  return limit;
}
