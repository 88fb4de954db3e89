// The one entry point to schema understanding: either schema form in, a resolved schema out,
// cached because the same schema is read again on every chat turn.

import type { ProjectSchema } from '../projects/project-resolver.js';
import { normalizeStructuredSchema } from './normalize-structured-schema.js';
import { parseDdl } from './parse-ddl.js';
import type { ParsedSchema } from './parsed-schema.js';

/** How many distinct DDL texts stay cached (one per active project is typical). */
const DDL_CACHE_SIZE = 64;

const ddlCache = new Map<string, ParsedSchema>();
const objectCache = new WeakMap<object, ParsedSchema>();
const EMPTY: ParsedSchema = Object.freeze({ tables: Object.freeze([]) as unknown as [] });

/**
 * Normalises a project schema into a {@link ParsedSchema}.
 *
 * - SQL DDL text is parsed by `parseDdl` (a string holding JSON `{ "tables": … }` is read as the
 *   structured form); a parser that never throws: what it cannot read is skipped.
 * - A structured `{ tables }` object is checked and completed by `normalizeStructuredSchema`.
 * - Anything else gives an empty schema.
 *
 * Results are cached: DDL by its text (the {@link DDL_CACHE_SIZE} most recently used), objects by
 * identity in a `WeakMap` — so replace a structured schema object, rather than mutate it in place,
 * when it changes. The result is shared and deep-frozen.
 */
export function parseSchema(schema: ProjectSchema): ParsedSchema {
  if (typeof schema === 'string') {
    const cached = ddlCache.get(schema);
    if (cached) {
      // Refresh recency: a Map iterates in insertion order, so the first key is the least recent.
      ddlCache.delete(schema);
      ddlCache.set(schema, cached);
      return cached;
    }
    const parsed = deepFreeze(parseText(schema));
    ddlCache.set(schema, parsed);
    if (ddlCache.size > DDL_CACHE_SIZE) {
      const oldest = ddlCache.keys().next().value;
      if (oldest !== undefined) ddlCache.delete(oldest);
    }
    return parsed;
  }
  if (typeof schema !== 'object' || schema === null) return EMPTY;
  const cached = objectCache.get(schema);
  if (cached) return cached;
  const parsed = deepFreeze(normalizeStructuredSchema(schema));
  objectCache.set(schema, parsed);
  return parsed;
}

function parseText(text: string): ParsedSchema {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('{')) {
    try {
      return normalizeStructuredSchema(JSON.parse(trimmed));
    } catch {
      // Not JSON after all: fall through to DDL (which will find nothing it knows, safely).
    }
  }
  return parseDdl(text);
}

function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  for (const child of Object.values(value)) deepFreeze(child);
  return Object.freeze(value);
}
