// A dotted name as one string, for reports and lookups.

import type { Ident } from './sql-ast.js';

/** `public.books` for the parts `public` and `books`, without their quotes. */
export function joinName(parts: Ident[]): string {
  return parts.map((part) => part.value).join('.');
}
