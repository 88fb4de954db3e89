// The foreign-key graph of a schema: neighbours of a table and join paths between two tables.

import type { ParsedSchema, ParsedTable } from './parsed-schema.js';

/** One foreign key seen as an edge: `from(fromColumns)` references `to(toColumns)`. */
export interface SchemaEdge {
  from: string;
  fromColumns: string[];
  to: string;
  toColumns: string[];
}

/** One hop of a join path: the table reached and the foreign key used to reach it. */
export interface JoinStep {
  table: string;
  edge: SchemaEdge;
}

/** Foreign keys indexed both ways, by table name. */
export interface SchemaGraph {
  /** Tables by name, in schema order. */
  tables: Map<string, ParsedTable>;
  /** Foreign keys a table declares. */
  outgoing: Map<string, SchemaEdge[]>;
  /** Foreign keys other tables declare towards it. */
  incoming: Map<string, SchemaEdge[]>;
}

const graphCache = new WeakMap<ParsedSchema, SchemaGraph>();

/**
 * Builds the foreign-key graph of a parsed schema (cached per frozen schema). Keys whose target is
 * not a table of the schema are left out.
 */
export function buildSchemaGraph(schema: ParsedSchema): SchemaGraph {
  const cached = graphCache.get(schema);
  if (cached) return cached;
  const tables = new Map<string, ParsedTable>();
  const outgoing = new Map<string, SchemaEdge[]>();
  const incoming = new Map<string, SchemaEdge[]>();
  for (const table of schema.tables) {
    tables.set(table.name, table);
    outgoing.set(table.name, []);
    incoming.set(table.name, []);
  }
  for (const table of schema.tables) {
    for (const fk of table.foreignKeys) {
      if (!tables.has(fk.references.table)) continue;
      const edge: SchemaEdge = {
        from: table.name,
        fromColumns: fk.columns,
        to: fk.references.table,
        toColumns: fk.references.columns,
      };
      outgoing.get(table.name)?.push(edge);
      incoming.get(edge.to)?.push(edge);
    }
  }
  const graph = { tables, outgoing, incoming };
  if (Object.isFrozen(schema)) graphCache.set(schema, graph);
  return graph;
}

/** Tables one foreign key away from `name`, either direction, without repeats or itself. */
export function findNeighbours(graph: SchemaGraph, name: string): string[] {
  const found = new Set<string>();
  for (const edge of graph.outgoing.get(name) ?? []) found.add(edge.to);
  for (const edge of graph.incoming.get(name) ?? []) found.add(edge.from);
  found.delete(name);
  return [...found];
}

/**
 * The shortest chain of foreign keys from `from` to `to` (breadth-first, edges usable in either
 * direction), as the steps after `from`; `[]` when they are the same table, `undefined` when no
 * chain connects them.
 */
export function findJoinPath(graph: SchemaGraph, from: string, to: string): JoinStep[] | undefined {
  if (!graph.tables.has(from) || !graph.tables.has(to)) return undefined;
  if (from === to) return [];
  const previous = new Map<string, JoinStep | null>([[from, null]]);
  const queue = [from];
  for (let head = 0; head < queue.length; head++) {
    const current = queue[head] as string;
    const steps: JoinStep[] = [
      ...(graph.outgoing.get(current) ?? []).map((edge) => ({ table: edge.to, edge })),
      ...(graph.incoming.get(current) ?? []).map((edge) => ({ table: edge.from, edge })),
    ];
    for (const step of steps) {
      if (previous.has(step.table)) continue;
      previous.set(step.table, step);
      if (step.table === to) return unwind(previous, to);
      queue.push(step.table);
    }
  }
  return undefined;
}

function unwind(previous: Map<string, JoinStep | null>, to: string): JoinStep[] {
  const path: JoinStep[] = [];
  let step = previous.get(to);
  while (step) {
    path.unshift(step);
    const edge: SchemaEdge = step.edge;
    // The table we came from is the edge's other end.
    const cameFrom: string = edge.from === step.table ? edge.to : edge.from;
    step = previous.get(cameFrom);
  }
  return path;
}
