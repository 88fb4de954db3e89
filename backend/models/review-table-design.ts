// Reviews one table's design from the schema alone: keys, indexes, nullability, money types,
// timestamps, naming and the CHECK constraints it has.

import { singularize, splitWords } from '../schema/find-mentioned-tables.js';
import type { ParsedSchema, ParsedTable } from '../schema/parsed-schema.js';
import { code, columnsRef, plural } from './markdown-text.js';
import { quoteIdentifier } from './suggest-join-sql.js';

/** Words of column names that hold money (`price_cents`, `amountPaid`). */
const MONEY_WORDS = new Set(
  'price amount total subtotal cost fee balance salary revenue tax discount paid cent money refund'.split(
    ' ',
  ),
);
/** Floating-point SQL types. */
const FLOAT = /^(float\d*|double( precision)?|real)\b/i;
/** Column names that record when a row was created. */
const CREATED = /^(created|inserted|added)(_at|_on)?$|^(creation|insert)_(date|time)$/i;

/**
 * A Markdown review of `table`: foreign keys without an index (with `CREATE INDEX`), nullable
 * foreign keys, money in floating point (or Postgres `money`), a missing primary key, no
 * `created_at` (with the `ALTER TABLE` that adds one), naming inconsistencies (mixed
 * snake_case/camelCase, a singular name among plural ones, a foreign key not named `…_id`), and
 * the CHECK constraints the table has.
 */
export function reviewTableDesign(table: ParsedTable, schema: ParsedSchema): string {
  const findings: string[] = [];
  const statements: string[] = [];
  const name = quoteIdentifier(table.name);

  if (table.primaryKey.length === 0) {
    findings.push(
      `**No primary key** — rows cannot be addressed reliably, and replication and ORMs need one. Add for example \`id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY\`.`,
    );
  }

  const unindexed = table.foreignKeys.filter((fk) => !isIndexed(table, fk.columns));
  if (unindexed.length > 0) {
    findings.push(
      `**Foreign keys without an index** — joins on them and deletes of the referenced rows scan the whole table (Postgres and SQLite do not index foreign keys automatically): ${unindexed.map((fk) => columnsRef(table.name, fk.columns)).join(', ')}.`,
    );
    for (const fk of unindexed) {
      statements.push(`CREATE INDEX ON ${name} (${fk.columns.map(quoteIdentifier).join(', ')});`);
    }
  }

  const nullable = table.foreignKeys
    .filter((fk) => fk.columns.some((c) => table.columns.find((col) => col.name === c)?.nullable))
    .map((fk) => columnsRef(table.name, fk.columns));
  if (nullable.length > 0) {
    findings.push(
      `**Nullable foreign keys** — ${nullable.join(', ')} may be NULL. Fine when the link is optional; if every row must have one, declare it \`NOT NULL\`.`,
    );
  }

  const floats = table.columns.filter(
    (c) => splitWords(c.name).some((word) => MONEY_WORDS.has(word)) && FLOAT.test(c.type.trim()),
  );
  const moneyType = table.columns.filter((c) => /^money\b/i.test(c.type.trim()));
  if (floats.length > 0) {
    findings.push(
      `**Money in floating point** — ${floats.map((c) => `${code(c.name)} (${code(c.type)})`).join(', ')}: binary floating point cannot represent cents exactly, so sums drift. Use \`numeric(12, 2)\` or an integer number of cents.`,
    );
  }
  if (moneyType.length > 0) {
    findings.push(
      `**Postgres \`money\` type** — ${moneyType.map((c) => code(c.name)).join(', ')}: its formatting depends on the server's \`lc_monetary\` setting. Prefer \`numeric(12, 2)\` with a currency column.`,
    );
  }

  const joinTable =
    table.primaryKey.length > 1 &&
    table.primaryKey.every((key) => table.foreignKeys.some((fk) => fk.columns.includes(key)));
  if (!joinTable && !table.columns.some((c) => CREATED.test(c.name))) {
    findings.push(
      '**No `created_at`** — nothing records when a row was added, which support, audits and "newest first" queries need.',
    );
    statements.push(
      `ALTER TABLE ${name} ADD COLUMN created_at timestamptz NOT NULL DEFAULT now();`,
    );
  }

  const naming = namingIssues(table, schema);
  if (naming.length > 0) {
    findings.push(['**Naming**:', ...naming.map((issue) => `- ${issue}`)].join('\n'));
  }

  const lines = [`### Review of ${code(table.name)}`, ''];
  if (findings.length === 0) {
    lines.push(
      `No obvious issues: it has a primary key, its foreign keys are indexed and ${table.foreignKeys.length > 0 ? 'NOT NULL' : 'absent'}, no money is stored in floating point, and it records when rows are created.`,
    );
  } else {
    lines.push(`${plural(findings.length, 'thing')} to look at:`, '');
    findings.forEach((finding, i) => {
      lines.push(`${i + 1}. ${finding.replace(/\n/g, '\n   ')}`);
    });
  }
  const checks = table.checks ?? [];
  lines.push('');
  lines.push(
    checks.length > 0
      ? `**CHECK constraints it has:** ${checks.map((check) => `${code(check.expression)}${check.column ? ` (on ${code(check.column)})` : ''}`).join('; ')}.`
      : '**CHECK constraints:** none — consider one for columns with a fixed set of values or a range (a status, a rating, a quantity > 0).',
  );
  if (statements.length > 0) lines.push('', '```sql', ...statements, '```');
  return lines.join('\n');
}

function namingIssues(table: ParsedTable, schema: ParsedSchema): string[] {
  const issues: string[] = [];
  const camel = table.columns.filter((c) => /[a-z][A-Z]/.test(c.name));
  const snake = table.columns.filter((c) => c.name.includes('_'));
  if (camel.length > 0 && snake.length > 0) {
    issues.push(
      `columns mix camelCase (${camel.map((c) => code(c.name)).join(', ')}) and snake_case (${snake
        .slice(0, 3)
        .map((c) => code(c.name))
        .join(', ')}); pick one style.`,
    );
  }
  const isPlural = (name: string) => {
    const last = splitWords(name.slice(name.lastIndexOf('.') + 1)).at(-1) ?? '';
    const raw =
      name
        .toLowerCase()
        .split(/[^a-z0-9]+/)
        .at(-1) ?? '';
    return singularize(raw) !== raw || last !== raw;
  };
  const plurals = schema.tables.filter((t) => isPlural(t.name)).length;
  const singulars = schema.tables.length - plurals;
  if (!isPlural(table.name) && plurals > singulars * 2 && plurals >= 3) {
    issues.push(
      `${code(table.name)} is singular while most tables are plural (${plurals} of ${schema.tables.length}).`,
    );
  } else if (isPlural(table.name) && singulars > plurals * 2 && singulars >= 3) {
    issues.push(
      `${code(table.name)} is plural while most tables are singular (${singulars} of ${schema.tables.length}).`,
    );
  }
  for (const fk of table.foreignKeys) {
    if (fk.columns.length !== 1) continue;
    const column = fk.columns[0] as string;
    if (!/(_id|Id|ID|_key|_code|_no|_number|_ref)$/.test(column) && column.toLowerCase() !== 'id') {
      issues.push(
        `foreign key ${code(column)} does not end in \`_id\` like the others usually do.`,
      );
    }
  }
  return issues;
}

/** Whether an index, unique constraint or the primary key starts with `columns`. */
export function isIndexed(table: ParsedTable, columns: string[]): boolean {
  const key = columns.map((c) => c.toLowerCase());
  const startsWith = (list: string[]) =>
    key.every((column, i) => list[i]?.toLowerCase() === column);
  if (startsWith(table.primaryKey)) return true;
  if (columns.length === 1 && table.columns.find((c) => c.name === columns[0])?.unique) return true;
  return table.indexes.some((index) => startsWith(index.columns));
}
