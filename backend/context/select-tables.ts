// Chooses which tables of a large schema fit the prompt's schema budget, most relevant first.

import { scoreTableRelevance, type WeightedText } from '../schema/find-mentioned-tables.js';
import { formatIdentifier, formatTable } from '../schema/format-schema.js';
import type { ParsedSchema, ParsedTable } from '../schema/parsed-schema.js';
import { buildSchemaGraph, findNeighbours } from '../schema/schema-graph.js';
import { estimateTokens } from './estimate-tokens.js';

/** Share of a directly relevant table's score that its foreign-key neighbours get. */
const NEIGHBOUR_SHARE = 0.4;
/** Most of the budget kept for the list of omitted table names. */
const OMITTED_LIST_SHARE = 0.2;
/** Tokens of the omitted-list line around the names. */
const OMITTED_LINE_OVERHEAD = 16;

/** The tables chosen for the prompt. */
export interface TableSelection {
  /** Chosen tables, in schema order. */
  included: ParsedTable[];
  /** The other tables, in schema order. */
  omitted: ParsedTable[];
  /** Names of omitted tables that fit the budget, in schema order. */
  listedOmitted: string[];
  /** Estimated tokens of the chosen tables' text (without the omitted-list line). */
  tokens: number;
}

const costCache = new WeakMap<ParsedTable, number>();

/** Estimated tokens of a table's formatted text plus its line break (cached per frozen table). */
export function tableTokens(table: ParsedTable): number {
  let cost = costCache.get(table);
  if (cost === undefined) {
    cost = estimateTokens(formatTable(table)) + 1;
    if (Object.isFrozen(table)) costCache.set(table, cost);
  }
  return cost;
}

/**
 * Chooses tables within `budget` tokens: tables named in `texts` (see `scoreTableRelevance`)
 * first, then their foreign-key neighbours ({@link NEIGHBOUR_SHARE} of the naming table's score),
 * then the best-connected tables; each table is taken if it still fits, so smaller tables can
 * fill what a large one leaves. Up to {@link OMITTED_LIST_SHARE} of the budget is kept back for
 * the names of the tables left out. Callers check whether the whole schema fits first.
 */
export function selectTables(
  schema: ParsedSchema,
  budget: number,
  texts: readonly WeightedText[],
): TableSelection {
  const tables = schema.tables;
  const graph = buildSchemaGraph(schema);
  const direct = scoreTableRelevance(schema, texts);
  const scores = new Map(direct);
  for (const [name, score] of direct) {
    for (const neighbour of findNeighbours(graph, name)) {
      scores.set(neighbour, Math.max(scores.get(neighbour) ?? 0, score * NEIGHBOUR_SHARE));
    }
  }
  const position = new Map(tables.map((table, index) => [table, index]));
  const degree = (table: ParsedTable) =>
    (graph.outgoing.get(table.name)?.length ?? 0) + (graph.incoming.get(table.name)?.length ?? 0);
  const ranked = [...tables].sort(
    (a, b) =>
      (scores.get(b.name) ?? 0) - (scores.get(a.name) ?? 0) ||
      degree(b) - degree(a) ||
      (position.get(a) ?? 0) - (position.get(b) ?? 0),
  );

  const nameCost = (table: ParsedTable) => estimateTokens(formatIdentifier(table.name)) + 1;
  const allNamesCost = tables.reduce((sum, table) => sum + nameCost(table), 0);
  const reserve = Math.min(
    allNamesCost + OMITTED_LINE_OVERHEAD,
    Math.floor(budget * OMITTED_LIST_SHARE),
  );

  const chosen = new Set<ParsedTable>();
  let remaining = budget - reserve;
  let tokens = 0;
  for (const table of ranked) {
    const cost = tableTokens(table);
    if (cost > remaining) continue;
    chosen.add(table);
    remaining -= cost;
    tokens += cost;
  }

  const included = tables.filter((table) => chosen.has(table));
  const omitted = tables.filter((table) => !chosen.has(table));
  const listedOmitted: string[] = [];
  let listBudget = budget - tokens - OMITTED_LINE_OVERHEAD;
  for (const table of omitted) {
    const cost = nameCost(table);
    if (cost > listBudget) break;
    listedOmitted.push(table.name);
    listBudget -= cost;
  }
  return { included, omitted, listedOmitted, tokens };
}
