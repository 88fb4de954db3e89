// Scopes of name resolution: the relations visible under a name at one level of a statement (one
// SELECT's FROM items, the CTEs of a WITH), and the parent level they fall back to.

import type { Ident } from './sql-ast.js';
import type { Relation } from './sql-schema-index.js';

/** A relation visible under a name in a scope. */
export interface Source {
  /** The alias, or the table's own (last) name. */
  alias: Ident;
  relation: Relation;
}

/** A level of name visibility: one SELECT's FROM items, or the CTEs of a WITH. */
export interface Scope {
  sources: Source[];
  parent: Scope | undefined;
  ctes: Map<string, Relation>;
  /** Output column names of the SELECT (usable in ORDER BY, GROUP BY, HAVING). */
  outputAliases: Set<string> | undefined;
}

/** An empty scope below `parent`, or a scope of `sources` only. */
export function createScope(parent: Scope | undefined, sources: Source[] = []): Scope {
  return { sources, parent, ctes: new Map(), outputAliases: undefined };
}

/** The scope of one table's own expressions (`CHECK`, `DEFAULT`, index items), under its name. */
export function tableScope(relation: Relation, name: Ident[]): Scope {
  return createScope(undefined, [{ alias: name[name.length - 1] as Ident, relation }]);
}

/** A relation whose columns are unknown (an unknown table, a DML statement without `RETURNING`). */
export function unknownRelation(name = ''): Relation {
  return { name, columns: undefined, open: true };
}
