// Reads the `sqlCheck` of a `complete` event, a REST answer or a stored message (docs/protocol.md,
// The SQL check), keeping only well-formed entries: a server that sends something else (or an
// older one that sends nothing) never breaks a turn.

import type { SqlCheck, SqlCheckBlock, SqlCheckStatus, UnknownIdentifier } from './protocol.js';

const STATUSES: ReadonlySet<string> = new Set<SqlCheckStatus>([
  'ok',
  'unknown-identifiers',
  'unparsed',
]);

/** The SQL check in `value`, or `undefined` when there is none or it is not one. */
export function readSqlCheck(value: unknown): SqlCheck | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const blocks = (value as { blocks?: unknown }).blocks;
  if (!Array.isArray(blocks)) return undefined;
  return { blocks: blocks.flatMap((block) => readBlock(block) ?? []) };
}

function readBlock(value: unknown): SqlCheckBlock | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const block = value as Record<string, unknown>;
  if (
    !Number.isSafeInteger(block.index) ||
    typeof block.language !== 'string' ||
    typeof block.status !== 'string' ||
    !STATUSES.has(block.status)
  ) {
    return undefined;
  }
  const unknown = Array.isArray(block.unknown)
    ? block.unknown.flatMap((u) => readUnknown(u) ?? [])
    : [];
  return {
    index: block.index as number,
    language: block.language,
    status: block.status as SqlCheckStatus,
    unknown,
  };
}

function readUnknown(value: unknown): UnknownIdentifier | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const item = value as Record<string, unknown>;
  if ((item.kind !== 'table' && item.kind !== 'column') || typeof item.name !== 'string') {
    return undefined;
  }
  const unknown: UnknownIdentifier = { kind: item.kind, name: item.name };
  if (typeof item.table === 'string') unknown.table = item.table;
  if (typeof item.suggestion === 'string') unknown.suggestion = item.suggestion;
  return unknown;
}
