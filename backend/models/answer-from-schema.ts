// Answers a question from the schema alone, in Markdown, with no language model: the brain of the
// offline model of the zero-configuration demo.

import { findClosestTables } from '../schema/find-closest-tables.js';
import { findMentionedTables } from '../schema/find-mentioned-tables.js';
import { toSingleLine } from '../schema/format-schema.js';
import type { ParsedSchema, ParsedTable } from '../schema/parsed-schema.js';
import { buildSchemaGraph, findJoinPath, type SchemaGraph } from '../schema/schema-graph.js';
import { answerTopQuery, TOP_N } from './answer-top-query.js';
import {
  cap,
  cell,
  code,
  columnsRef,
  escapeMarkdown,
  plural,
  singularName,
  unique,
} from './markdown-text.js';
import { isIndexed, reviewTableDesign } from './review-table-design.js';
import { quoteIdentifier, suggestJoinSql } from './suggest-join-sql.js';

/** What the answer is about, told from the question's wording and the tables it names. */
export type OfflineIntent =
  | 'greeting'
  | 'count'
  | 'design'
  | 'table-review'
  | 'top'
  | 'referenced-by'
  | 'relation'
  | 'relations-overview'
  | 'list-tables'
  | 'describe'
  | 'fallback';

/** The answer and the intent it was read as. */
export interface OfflineAnswer {
  intent: OfflineIntent;
  markdown: string;
}

const GREETING =
  /^\s*(hi|hello|hey|hallo|hola|bonjour|good (morning|afternoon|evening)|help|who are you|what can you do)\b/i;
const COUNT = /\bhow many\b|\bnumber of\b|\bcount (the |of )?(tables|columns)\b/i;
const DESIGN =
  /\b(index(es)?|indices|indexing|design|improve(ments?)?|suggest(ions?)?|review|normali[sz]|best practices?|missing|problems?|issues?|optimi[sz]|performance|primary keys?|wrong|bad|flaws?|smells?|audit|concerns?)\b/i;
/** "Which tables reference customers?" — the target is the captured word. */
const REFERENCED_BY =
  /\b(?:which|what)\b[^?]*?\b(?:reference[sd]?|referencing|point(?:s|ing)? (?:to|at)|depend(?:s|ing)? on|(?:have|has|with) (?:a |any )?foreign keys? (?:to|on|into))\s+(?:the\s+)?["`]?([\p{L}\p{N}_.]+)/iu;
const RELATION =
  /\b(relat\w*|join\w*|connect\w*|link\w*|between|path|associat\w*|references?|foreign keys?)\b/i;
const LIST = /\btables\b|\bschema\b|\b(list|overview|everything)\b/i;

/**
 * Answers `question` about `schema` in Markdown: a greeting with what it can do; counts of
 * tables, columns and keys; index and design suggestions (foreign keys without an index, tables
 * without a primary key, `*_id` columns without a foreign key); the foreign-key path between two
 * named tables with a `JOIN` query; all relationships; the list of tables with a one-line summary
 * each; one table's columns, relations and CHECK constraints; a design review of a named table;
 * top-N queries that aggregate along the foreign-key path; which tables reference a table (or,
 * when it does not exist, the closest tables); and otherwise an honest fallback that says it is the
 * offline assistant and offers example questions built from the actual tables.
 */
export function answerFromSchema(
  schema: ParsedSchema,
  question: string,
  projectName = '',
): OfflineAnswer {
  const text = question.trim();
  const mentions = findMentionedTables(schema, text).map((mention) => mention.table);
  const graph = buildSchemaGraph(schema);
  const project = projectName ? ` for **${escapeMarkdown(toSingleLine(projectName))}**` : '';

  if (schema.tables.length === 0) {
    return {
      intent: 'fallback',
      markdown:
        `I'm the offline schema assistant${project}: no AI model is connected, so I answer from the ` +
        "schema itself — and this project's schema has no tables yet. Add some `CREATE TABLE` " +
        'statements (or tables in the designer) and ask me about them.',
    };
  }
  if (text === '' || (GREETING.test(text) && mentions.length === 0 && text.length < 60)) {
    return { intent: 'greeting', markdown: greeting(schema, graph, project) };
  }
  if (COUNT.test(text)) return { intent: 'count', markdown: counts(schema, mentions) };
  const referenced = REFERENCED_BY.exec(text)?.[1];
  if (
    referenced &&
    !/^(it|this|that|them|tables?|columns?|each|other|another)$/i.test(referenced)
  ) {
    return { intent: 'referenced-by', markdown: referencedBy(schema, graph, referenced) };
  }
  if (DESIGN.test(text)) {
    if (mentions.length > 0) {
      return {
        intent: 'table-review',
        markdown: mentions
          .slice(0, 3)
          .map((table) => reviewTableDesign(table, schema))
          .join('\n\n'),
      };
    }
    return { intent: 'design', markdown: designReview(schema, mentions) };
  }
  if (TOP_N.test(text)) {
    const top = answerTopQuery(schema, graph, text);
    if (top) return { intent: 'top', markdown: top };
  }
  if (mentions.length >= 2 && (RELATION.test(text) || mentions.length === 2)) {
    return {
      intent: 'relation',
      markdown: relation(graph, mentions[0] as ParsedTable, mentions[1] as ParsedTable),
    };
  }
  if (mentions.length === 0 && RELATION.test(text)) {
    return { intent: 'relations-overview', markdown: relationsOverview(schema) };
  }
  if (mentions.length > 0) {
    return {
      intent: 'describe',
      markdown: mentions
        .slice(0, 3)
        .map((table) => describe(table, graph))
        .join('\n\n'),
    };
  }
  if (LIST.test(text)) return { intent: 'list-tables', markdown: listTables(schema, graph) };
  return { intent: 'fallback', markdown: fallback(schema, graph, project) };
}

function greeting(schema: ParsedSchema, graph: SchemaGraph, project: string): string {
  return [
    `Hi! I'm the offline schema assistant${project}. No AI model is connected, so I answer from the schema itself (${plural(schema.tables.length, 'table')}). I can:`,
    '',
    ...capabilities(),
    '',
    'For example:',
    '',
    ...examples(schema, graph),
  ].join('\n');
}

function fallback(schema: ParsedSchema, graph: SchemaGraph, project: string): string {
  return [
    `I'm the offline schema assistant${project}: no AI model is connected, so I can only answer questions the schema itself answers, and I didn't recognise this one. I can:`,
    '',
    ...capabilities(),
    '',
    'Try one of these:',
    '',
    ...examples(schema, graph),
  ].join('\n');
}

function capabilities(): string[] {
  return [
    '- list the tables, with a one-line summary each',
    '- describe a table: its columns, types, keys and relations',
    '- explain how two tables are related, with a `JOIN` query',
    '- count tables and columns',
    '- suggest indexes and design fixes, or review one table',
    '- write top-N queries ("the 5 best-selling …") along the foreign keys',
    '- say which tables reference a table',
  ];
}

/** Example questions that work on this schema (two related tables when there are some). */
function examples(schema: ParsedSchema, graph: SchemaGraph): string[] {
  const first = schema.tables[0] as ParsedTable;
  const related = schema.tables.find((table) =>
    (graph.outgoing.get(table.name) ?? []).some((edge) => edge.to !== table.name),
  );
  const pair = related
    ? [
        related.name,
        (graph.outgoing.get(related.name) ?? []).find((e) => e.to !== related.name)?.to,
      ]
    : [];
  const lines = ['- "List the tables"', `- "Describe the ${first.name} table"`];
  if (pair[0] && pair[1]) lines.push(`- "How are ${pair[0]} and ${pair[1]} related?"`);
  lines.push('- "Which indexes are missing?"');
  return lines;
}

function counts(schema: ParsedSchema, mentions: ParsedTable[]): string {
  if (mentions.length > 0) {
    return mentions
      .map(
        (table) =>
          `${code(table.name)} has ${plural(table.columns.length, 'column')}: ${table.columns.map((c) => code(c.name)).join(', ')}.`,
      )
      .join('\n\n');
  }
  const columns = schema.tables.reduce((sum, table) => sum + table.columns.length, 0);
  const keys = schema.tables.reduce((sum, table) => sum + table.foreignKeys.length, 0);
  const widest = Math.max(...schema.tables.map((table) => table.columns.length));
  const widestTables = schema.tables.filter((table) => table.columns.length === widest);
  const widestNote =
    widestTables.length <= 3
      ? ` The widest ${widestTables.length === 1 ? 'table is' : 'tables are'} ${widestTables.map((t) => code(t.name)).join(', ')} (${plural(widest, 'column')}).`
      : '';
  return (
    `The schema has **${plural(schema.tables.length, 'table')}** with **${plural(columns, 'column')}** ` +
    `in total and **${plural(keys, 'foreign key')}**.${widestNote}`
  );
}

function listTables(schema: ParsedSchema, graph: SchemaGraph): string {
  const lines = [`The schema has ${plural(schema.tables.length, 'table')}:`, ''];
  for (const table of schema.tables) lines.push(`- ${code(table.name)} — ${summary(table, graph)}`);
  return lines.join('\n');
}

/** One line about a table: its comment or its size, and its neighbours. */
function summary(table: ParsedTable, graph: SchemaGraph): string {
  const parts: string[] = [];
  if (table.description) parts.push(escapeMarkdown(cap(toSingleLine(table.description), 120)));
  parts.push(plural(table.columns.length, 'column'));
  const out = unique((graph.outgoing.get(table.name) ?? []).map((edge) => edge.to));
  const incoming = unique((graph.incoming.get(table.name) ?? []).map((edge) => edge.from)).filter(
    (name) => name !== table.name,
  );
  if (out.includes(table.name)) parts.push('references itself');
  const others = out.filter((name) => name !== table.name);
  if (others.length > 0) parts.push(`references ${others.map(code).join(', ')}`);
  if (incoming.length > 0) parts.push(`referenced by ${incoming.map(code).join(', ')}`);
  return parts.join('; ');
}

function describe(table: ParsedTable, graph: SchemaGraph): string {
  const lines = [`### ${code(table.name)}`, ''];
  if (table.description) lines.push(escapeMarkdown(toSingleLine(table.description)), '');
  if (table.columns.length === 0) {
    lines.push('It has no columns yet.');
  } else {
    lines.push('| Column | Type | Nullable | Key | Default |', '|---|---|---|---|---|');
    for (const column of table.columns) {
      const keys: string[] = [];
      if (column.primaryKey) keys.push('PK');
      if (column.unique) keys.push('unique');
      if (column.references)
        keys.push(`FK → ${cell(`${column.references.table}.${column.references.column}`)}`);
      lines.push(
        `| ${cell(column.name)} | ${cell(column.type || '—')} | ${column.nullable ? 'yes' : 'no'} | ${keys.join(', ')} | ${column.default === undefined ? '' : cell(column.default)} |`,
      );
    }
  }
  lines.push('');
  lines.push(
    table.primaryKey.length > 0
      ? `**Primary key:** ${table.primaryKey.map(code).join(', ')}`
      : '**Primary key:** none — consider adding one.',
  );
  const outgoing = graph.outgoing.get(table.name) ?? [];
  const incoming = graph.incoming.get(table.name) ?? [];
  if (outgoing.length > 0) {
    lines.push('', '**References:**');
    for (const edge of outgoing)
      lines.push(
        `- ${columnsRef(edge.from, edge.fromColumns)} → ${columnsRef(edge.to, edge.toColumns)}`,
      );
  }
  if (incoming.length > 0) {
    lines.push('', '**Referenced by:**');
    for (const edge of incoming)
      lines.push(
        `- ${columnsRef(edge.from, edge.fromColumns)} → ${columnsRef(edge.to, edge.toColumns)}`,
      );
  }
  // Keys to tables this schema does not define (still worth knowing about).
  const dangling = table.foreignKeys.filter((fk) => !graph.tables.has(fk.references.table));
  if (dangling.length > 0) {
    lines.push('', '**References tables not in this schema:**');
    for (const fk of dangling)
      lines.push(
        `- ${columnsRef(table.name, fk.columns)} → ${columnsRef(fk.references.table, fk.references.columns)}`,
      );
  }
  if (table.checks && table.checks.length > 0) {
    lines.push('', '**Checks:**');
    for (const check of table.checks) {
      lines.push(`- ${code(check.expression)}${check.column ? ` (on ${code(check.column)})` : ''}`);
    }
  }
  if (table.indexes.length > 0) {
    const rendered = table.indexes.map(
      (index) =>
        `${index.unique ? 'unique ' : ''}(${index.columns.map((c) => code(c)).join(', ')})`,
    );
    lines.push('', `**Indexes:** ${rendered.join('; ')}`);
  }
  return lines.join('\n');
}

function relation(graph: SchemaGraph, from: ParsedTable, to: ParsedTable): string {
  const path = findJoinPath(graph, from.name, to.name);
  if (!path) {
    return (
      `There is no foreign-key path between ${code(from.name)} and ${code(to.name)} in this schema, ` +
      `so the database does not link them. If rows of ${code(from.name)} belong to a row of ` +
      `${code(to.name)}, add a column such as ${code(`${singularName(to.name)}_id`)} with a ` +
      `\`REFERENCES ${quoteIdentifier(to.name)}\` constraint.`
    );
  }
  const lines: string[] = [];
  if (path.length === 1) {
    const { edge } = path[0] as (typeof path)[number];
    const owner = graph.tables.get(edge.from) as ParsedTable;
    const one =
      edge.fromColumns.length === 1 &&
      owner.columns.find((c) => c.name === edge.fromColumns[0])?.unique;
    lines.push(
      `${columnsRef(edge.from, edge.fromColumns)} references ${columnsRef(edge.to, edge.toColumns)}: ` +
        (one
          ? `each ${code(edge.from)} row belongs to at most one ${code(edge.to)} row and the other way round (one-to-one).`
          : `each ${code(edge.from)} row points to one ${code(edge.to)} row, and a ${code(edge.to)} row can have many ${code(edge.from)} rows (many-to-one).`),
    );
  } else {
    const via = path.slice(0, -1).map((step) => code(step.table));
    lines.push(
      `${code(from.name)} and ${code(to.name)} are connected through ${via.join(' and ')}:`,
      '',
    );
    path.forEach((step, i) => {
      lines.push(
        `${i + 1}. ${columnsRef(step.edge.from, step.edge.fromColumns)} → ${columnsRef(step.edge.to, step.edge.toColumns)}`,
      );
    });
  }
  lines.push('', 'A query that joins them:', '', '```sql', suggestJoinSql(from.name, path), '```');
  return lines.join('\n');
}

/** Which foreign keys point at the table `word` names, or the closest tables when none does. */
function referencedBy(schema: ParsedSchema, graph: SchemaGraph, word: string): string {
  const table = findMentionedTables(schema, word)[0]?.table;
  if (!table || table.name.toLowerCase() !== word.toLowerCase()) {
    const exact = schema.tables.find((t) => t.name.toLowerCase() === word.toLowerCase());
    if (!exact && !table) {
      const closest = findClosestTables(schema, word);
      const named = closest.map((t) => {
        const incoming = (graph.incoming.get(t.name) ?? []).filter((edge) => edge.from !== t.name);
        return `${code(t.name)} (referenced by ${
          incoming.length === 0
            ? 'no table'
            : unique(incoming.map((edge) => edge.from))
                .map(code)
                .join(', ')
        })`;
      });
      return (
        `There is no table named ${code(word)} in this schema, so no table references it.` +
        (named.length > 0 ? ` The closest tables are ${named.join('; ')}.` : '')
      );
    }
  }
  const target = (schema.tables.find((t) => t.name.toLowerCase() === word.toLowerCase()) ??
    table) as ParsedTable;
  const incoming = graph.incoming.get(target.name) ?? [];
  if (incoming.length === 0) {
    return `No table references ${code(target.name)}: no foreign key points at it.`;
  }
  const tables = unique(incoming.map((edge) => edge.from));
  return [
    `${plural(tables.length, 'table')} ${tables.length === 1 ? 'references' : 'reference'} ${code(target.name)} (${plural(incoming.length, 'foreign key')}):`,
    '',
    ...incoming.map(
      (edge) =>
        `- ${columnsRef(edge.from, edge.fromColumns)} → ${columnsRef(edge.to, edge.toColumns)}`,
    ),
  ].join('\n');
}

function relationsOverview(schema: ParsedSchema): string {
  const lines: string[] = [];
  for (const table of schema.tables) {
    for (const fk of table.foreignKeys) {
      lines.push(
        `- ${columnsRef(table.name, fk.columns)} → ${columnsRef(fk.references.table, fk.references.columns)}`,
      );
    }
  }
  if (lines.length === 0)
    return 'The schema declares no foreign keys, so no tables are linked by the database.';
  return [`The schema has ${plural(lines.length, 'foreign key')}:`, '', ...lines].join('\n');
}

function designReview(schema: ParsedSchema, mentions: ParsedTable[]): string {
  const tables = mentions.length > 0 ? mentions : schema.tables;
  const names = new Map(
    schema.tables.map((table) => [singularName(table.name).toLowerCase(), table.name]),
  );
  const unindexed: string[] = [];
  const statements: string[] = [];
  const noPrimaryKey: string[] = [];
  const implicitKeys: string[] = [];
  for (const table of tables) {
    if (table.primaryKey.length === 0) noPrimaryKey.push(table.name);
    for (const fk of table.foreignKeys) {
      if (isIndexed(table, fk.columns)) continue;
      unindexed.push(`- ${columnsRef(table.name, fk.columns)} → ${code(fk.references.table)}`);
      statements.push(
        `CREATE INDEX ON ${quoteIdentifier(table.name)} (${fk.columns.map(quoteIdentifier).join(', ')});`,
      );
    }
    for (const column of table.columns) {
      const match = /^(.+)_id$/i.exec(column.name);
      if (!match || column.references || column.primaryKey) continue;
      const target = names.get((match[1] as string).toLowerCase());
      if (target && target !== table.name)
        implicitKeys.push(
          `- ${code(`${table.name}.${column.name}`)} looks like a key to ${code(target)} but has no foreign key`,
        );
    }
  }
  const scope = mentions.length > 0 ? ` for ${mentions.map((t) => code(t.name)).join(', ')}` : '';
  const sections: string[] = [];
  if (unindexed.length > 0) {
    sections.push(
      [
        `**Foreign keys without an index** — joins and \`ON DELETE\` checks on them scan the whole table (Postgres and SQLite do not index foreign keys automatically; MySQL does):`,
        '',
        ...unindexed,
        '',
        '```sql',
        ...statements,
        '```',
      ].join('\n'),
    );
  }
  if (noPrimaryKey.length > 0) {
    sections.push(
      `**Tables without a primary key** — rows cannot be addressed reliably, and replication and ORMs need one: ${noPrimaryKey.map(code).join(', ')}. Add for example \`id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY\`.`,
    );
  }
  if (implicitKeys.length > 0) {
    sections.push(
      [
        '**Columns that look like foreign keys but are not declared as such:**',
        '',
        ...implicitKeys,
      ].join('\n'),
    );
  }
  if (sections.length === 0) {
    return `No obvious issues${scope}: every table has a primary key, every foreign key has an index, and no \`*_id\` column lacks its foreign key.`;
  }
  return [`Suggestions${scope}, from the schema alone:`, ...sections].join('\n\n');
}
