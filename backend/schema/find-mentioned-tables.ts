// Finds which tables (and columns) a piece of text talks about, tolerant of singular/plural,
// snake_case, camelCase and spaced spellings: "order items", "orderItems" and "order_items" match.

import type { ParsedSchema, ParsedTable } from './parsed-schema.js';

/** A text to score and how much it counts (the question 1, older history less). */
export interface WeightedText {
  text: string;
  weight: number;
}

/** A table named in a text, where it was first named (in words) and how many words it spans. */
export interface TableMention {
  table: ParsedTable;
  position: number;
  length: number;
  /** `full`: the whole name; `partial`: only its last word (`items` for `order_items`). */
  kind: 'full' | 'partial';
}

/** Score of a full table-name mention. */
const FULL_NAME_SCORE = 10;
/** Score of a mention of a multi-word name's last word (`items` for `order_items`). */
const HEAD_WORD_SCORE = 3;
/** Score of each other word of a multi-word name. */
const OTHER_WORD_SCORE = 1;
/** Score of a column mention, divided by how many tables have a column of that name. */
const COLUMN_SCORE = 2;
/** Cap on what column mentions add to one table. */
const MAX_COLUMN_SCORE = 6;
/** Longest name, in words, matched as a phrase. */
const MAX_NGRAM = 4;

/** Words too generic to make a table relevant on their own. */
const GENERIC_WORDS = new Set([
  'id',
  'data',
  'info',
  'detail',
  'type',
  'status',
  'value',
  'record',
  'entry',
  'table',
  'list',
  'map',
  'link',
  'log',
  'meta',
  'the',
  'of',
  'and',
  'to',
  'tbl',
]);

const IRREGULAR_PLURALS: Record<string, string> = {
  people: 'person',
  children: 'child',
  men: 'man',
  women: 'woman',
  mice: 'mouse',
  geese: 'goose',
  feet: 'foot',
  teeth: 'tooth',
};

interface NameKeys {
  /** Words joined by spaces and joined without separator (`order item`, `orderitem`). */
  keys: string[];
  words: string[];
}

interface TableKeys {
  table: ParsedTable;
  name: NameKeys;
  columns: Array<{ keys: string[]; weight: number }>;
}

const keysCache = new WeakMap<ParsedSchema, TableKeys[]>();

/**
 * Splits a name or a sentence into lower-case singular words: on anything that is not a letter
 * or digit, on `camelCase` humps and on letter/digit boundaries.
 */
export function splitWords(text: string): string[] {
  const spaced = text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .replace(/([A-Za-z])([0-9])/g, '$1 $2')
    .replace(/([0-9])([A-Za-z])/g, '$1 $2')
    .toLowerCase();
  const words = spaced.split(/[^\p{L}\p{N}]+/u);
  const result: string[] = [];
  for (const word of words) if (word) result.push(singularize(word));
  return result;
}

/** A simple English singular: `categories` → `category`, `boxes` → `box`, `people` → `person`. */
export function singularize(word: string): string {
  const irregular = IRREGULAR_PLURALS[word];
  if (irregular) return irregular;
  if (word.length <= 3) return word;
  if (word.endsWith('ies') && word.length > 4) return `${word.slice(0, -3)}y`;
  if (word.endsWith('sses')) return word.slice(0, -2);
  if (/(x|z|ch|sh)es$/.test(word)) return word.slice(0, -2);
  if (word.endsWith('ss') || word.endsWith('us') || word.endsWith('is')) return word;
  if (word.endsWith('s')) return word.slice(0, -1);
  return word;
}

/**
 * Scores how relevant each table is to some texts: a full mention of its name counts
 * {@link FULL_NAME_SCORE}, a mention of a multi-word name's last word {@link HEAD_WORD_SCORE}
 * (plus {@link OTHER_WORD_SCORE} per other word), and column mentions up to
 * {@link MAX_COLUMN_SCORE} — a column name shared by many tables (`id`, `created_at`) counts
 * little. Each text's score is multiplied by its weight. Only tables scoring above 0 are returned.
 */
export function scoreTableRelevance(
  schema: ParsedSchema,
  texts: readonly WeightedText[],
): Map<string, number> {
  const scores = new Map<string, number>();
  const tables = tableKeys(schema);
  for (const { text, weight } of texts) {
    if (!text || weight <= 0) continue;
    const terms = collectTerms(splitWords(text));
    for (const entry of tables) {
      let score = 0;
      if (entry.name.keys.some((key) => terms.has(key))) {
        score += FULL_NAME_SCORE;
      } else if (entry.name.words.length > 1) {
        const words = entry.name.words;
        const head = words[words.length - 1] as string;
        if (!GENERIC_WORDS.has(head) && terms.has(head)) score += HEAD_WORD_SCORE;
        for (const word of words.slice(0, -1)) {
          if (word.length > 2 && !GENERIC_WORDS.has(word) && terms.has(word))
            score += OTHER_WORD_SCORE;
        }
      }
      let columnScore = 0;
      for (const column of entry.columns) {
        if (column.keys.some((key) => terms.has(key))) columnScore += column.weight;
      }
      score += Math.min(columnScore, MAX_COLUMN_SCORE);
      if (score > 0)
        scores.set(entry.table.name, (scores.get(entry.table.name) ?? 0) + score * weight);
    }
  }
  return scores;
}

/**
 * The tables a text names, in order of first mention. Full-name mentions win; a mention inside a
 * longer one (`order` inside `order items`) is dropped. When no table is named in full, tables
 * whose multi-word name's last word appears (`items` → `order_items`) are returned instead.
 */
export function findMentionedTables(schema: ParsedSchema, text: string): TableMention[] {
  const words = splitWords(text);
  const positions = collectTerms(words);
  const full: TableMention[] = [];
  const partial: TableMention[] = [];
  for (const entry of tableKeys(schema)) {
    let best: { position: number; length: number } | undefined;
    for (const key of entry.name.keys) {
      const position = positions.get(key);
      if (position === undefined) continue;
      const length = key.includes(' ') ? key.split(' ').length : 1;
      if (
        !best ||
        position < best.position ||
        (position === best.position && length > best.length)
      ) {
        best = { position, length };
      }
    }
    if (best) {
      full.push({ table: entry.table, ...best, kind: 'full' });
      continue;
    }
    const nameWords = entry.name.words;
    const head = nameWords[nameWords.length - 1];
    if (nameWords.length > 1 && head && !GENERIC_WORDS.has(head)) {
      const position = positions.get(head);
      if (position !== undefined)
        partial.push({ table: entry.table, position, length: 1, kind: 'partial' });
    }
  }
  const chosen = full.length > 0 ? full : partial;
  const kept = chosen.filter(
    (mention) =>
      !chosen.some(
        (other) =>
          other !== mention &&
          other.length > mention.length &&
          other.position <= mention.position &&
          other.position + other.length >= mention.position + mention.length,
      ),
  );
  return kept.sort((a, b) => a.position - b.position || b.length - a.length);
}

/** Every 1–4 word phrase of `words` (spaced) and 2–4 word compound (joined) → first position. */
function collectTerms(words: string[]): Map<string, number> {
  const terms = new Map<string, number>();
  for (let i = 0; i < words.length; i++) {
    let spaced = '';
    let joined = '';
    for (let n = 0; n < MAX_NGRAM && i + n < words.length; n++) {
      const word = words[i + n] as string;
      spaced = n === 0 ? word : `${spaced} ${word}`;
      joined += word;
      if (!terms.has(spaced)) terms.set(spaced, i);
      if (n > 0 && !terms.has(joined)) terms.set(joined, i);
    }
  }
  return terms;
}

/** Match keys of every table and column, computed once per frozen schema. */
function tableKeys(schema: ParsedSchema): TableKeys[] {
  const cached = keysCache.get(schema);
  if (cached) return cached;
  const columnFrequency = new Map<string, number>();
  for (const table of schema.tables) {
    for (const column of table.columns) {
      const key = column.name.toLowerCase();
      columnFrequency.set(key, (columnFrequency.get(key) ?? 0) + 1);
    }
  }
  const entries = schema.tables.map((table): TableKeys => {
    const short = table.name.slice(table.name.lastIndexOf('.') + 1);
    return {
      table,
      name: nameKeys(short),
      columns: table.columns
        .map((column) => ({
          keys: nameKeys(column.name).keys,
          weight: COLUMN_SCORE / (columnFrequency.get(column.name.toLowerCase()) ?? 1),
        }))
        .filter((column) => column.keys.length > 0 && !GENERIC_WORDS.has(column.keys[0] as string)),
    };
  });
  if (Object.isFrozen(schema)) keysCache.set(schema, entries);
  return entries;
}

function nameKeys(name: string): NameKeys {
  const words = splitWords(name);
  if (words.length === 0) return { keys: [], words };
  const spaced = words.join(' ');
  const joined = words.join('');
  return { keys: spaced === joined ? [spaced] : [spaced, joined], words };
}
