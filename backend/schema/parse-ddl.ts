// Reads SQL DDL text (Postgres, MySQL, SQLite, SQL Server flavours) into tables. Never throws:
// statements it does not understand are skipped.

import {
  type DraftColumn,
  type DraftForeignKey,
  type DraftTable,
  normalizeTables,
  stripDefaultSchema,
} from './normalize-tables.js';
import type { ParsedCheck, ParsedIndex, ParsedSchema } from './parsed-schema.js';
import { type SqlToken, tokenizeSql } from './tokenize-sql.js';

/** Words that end a column's type and start a column constraint. */
const COLUMN_CONSTRAINT_WORDS = new Set([
  'NOT',
  'NULL',
  'PRIMARY',
  'UNIQUE',
  'DEFAULT',
  'REFERENCES',
  'CHECK',
  'CONSTRAINT',
  'COLLATE',
  'GENERATED',
  'AUTO_INCREMENT',
  'AUTOINCREMENT',
  'IDENTITY',
  'COMMENT',
  'ON',
  'AS',
  'KEY',
  'CHARSET',
  'STORED',
  'VIRTUAL',
]);

/** Words that end a `DEFAULT` expression. */
const DEFAULT_END_WORDS = new Set([
  'NOT',
  'NULL',
  'PRIMARY',
  'UNIQUE',
  'REFERENCES',
  'CHECK',
  'CONSTRAINT',
  'COLLATE',
  'GENERATED',
  'AUTO_INCREMENT',
  'AUTOINCREMENT',
  'COMMENT',
  'ON',
  'KEY',
]);

/** Words that open a table-level constraint inside `CREATE TABLE (…)` or `ALTER TABLE … ADD`. */
const TABLE_CONSTRAINT_WORDS = new Set([
  'PRIMARY',
  'UNIQUE',
  'FOREIGN',
  'CHECK',
  'EXCLUDE',
  'FULLTEXT',
  'SPATIAL',
]);

/** A column with the `CHECK`s declared on it (moved to the table once the column is read). */
type ColumnWithChecks = DraftColumn & { checks?: ParsedCheck[] };

/** One statement's tokens plus the source text they point into. */
interface Statement {
  tokens: SqlToken[];
  text: string;
}

/** Tables by lower-case name, in definition order. */
type TableMap = Map<string, DraftTable>;

/**
 * Parses DDL text: `CREATE TABLE` (column types, `NULL`/`NOT NULL`, inline and table-level
 * `PRIMARY KEY`, `UNIQUE`, `DEFAULT`, inline `REFERENCES` and `FOREIGN KEY … REFERENCES`, MySQL
 * `KEY`/`INDEX` and `COMMENT`), `CREATE [UNIQUE] INDEX`, `ALTER TABLE` (`ADD [COLUMN]`, `ADD
 * [CONSTRAINT …] PRIMARY KEY | UNIQUE | FOREIGN KEY`, `DROP COLUMN`, `ALTER COLUMN … SET/DROP NOT
 * NULL | SET DEFAULT | TYPE`, `RENAME`, MySQL `MODIFY`/`CHANGE`), `COMMENT ON TABLE|COLUMN` and
 * `DROP TABLE`. Quoted identifiers (`"x"`, `` `x` ``, `[x]`), schema-qualified names and comments
 * are understood; statements may end with `;`, a SQL Server `GO`, or nothing before the next
 * `CREATE`/`ALTER TABLE`. Anything else is skipped, and so is a statement that fails to parse.
 */
export function parseDdl(text: string): ParsedSchema {
  const tables: TableMap = new Map();
  for (const tokens of splitStatements(tokenizeSql(text))) {
    try {
      parseStatement({ tokens, text }, tables);
    } catch {
      // A parser bug on odd input must not cost the rest of the schema: skip the statement.
    }
  }
  return { tables: normalizeTables([...tables.values()]) };
}

/** Splits tokens into statements at `;`, `GO`, and a new `CREATE` / `ALTER TABLE` at depth 0. */
function splitStatements(tokens: SqlToken[]): SqlToken[][] {
  const statements: SqlToken[][] = [];
  let current: SqlToken[] = [];
  let depth = 0;
  const flush = () => {
    if (current.length > 0) statements.push(current);
    current = [];
    depth = 0;
  };
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as SqlToken;
    if (token.kind === 'punct') {
      if (token.value === ';') {
        flush();
        continue;
      }
      if (token.value === '(') depth++;
      else if (token.value === ')') depth = Math.max(0, depth - 1);
    } else if (token.kind === 'word' && depth === 0 && current.length > 0) {
      if (token.upper === 'GO') {
        flush();
        continue;
      }
      if (
        token.upper === 'CREATE' ||
        (token.upper === 'ALTER' && tokens[i + 1]?.upper === 'TABLE')
      ) {
        flush();
      }
    }
    current.push(token);
  }
  flush();
  return statements;
}

function parseStatement(statement: Statement, tables: TableMap): void {
  const { tokens } = statement;
  const first = tokens[0]?.upper;
  if (first === 'CREATE') {
    let i = 1;
    while (
      ['OR', 'REPLACE', 'GLOBAL', 'LOCAL', 'TEMP', 'TEMPORARY', 'UNLOGGED'].includes(
        tokens[i]?.upper ?? '',
      )
    ) {
      i++;
    }
    const kind = tokens[i]?.upper;
    if (kind === 'TABLE') parseCreateTable(statement, i + 1, tables);
    else if (kind === 'UNIQUE' || kind === 'INDEX') parseCreateIndex(statement, i, tables);
  } else if (first === 'ALTER' && tokens[1]?.upper === 'TABLE') {
    parseAlterTable(statement, tables);
  } else if (first === 'COMMENT' && tokens[1]?.upper === 'ON') {
    parseCommentOn(statement, tables);
  } else if (first === 'DROP' && tokens[1]?.upper === 'TABLE') {
    parseDropTable(statement, tables);
  }
}

function parseCreateTable(statement: Statement, start: number, tables: TableMap): void {
  const { tokens } = statement;
  const i = skipIfExists(tokens, start, true);
  const name = readQualifiedName(tokens, i);
  if (!name || !isPunct(tokens[name.next], '(')) return; // CREATE TABLE … AS SELECT / LIKE / OF
  const open = name.next;
  const close = findClose(tokens, open);
  const table: DraftTable = {
    name: name.name,
    columns: [],
    primaryKey: [],
    foreignKeys: [],
    indexes: [],
    checks: [],
  };
  for (const [itemStart, itemEnd] of splitTopLevel(tokens, open + 1, close)) {
    parseTableItem(statement, itemStart, itemEnd, table);
  }
  // Table options after the body: MySQL `COMMENT='…'` is the table's description.
  for (let k = close + 1; k < tokens.length; k++) {
    if (tokens[k]?.upper !== 'COMMENT') continue;
    const value = isPunct(tokens[k + 1], '=') ? tokens[k + 2] : tokens[k + 1];
    if (value?.kind === 'string') table.description = value.value;
  }
  const key = table.name.toLowerCase();
  // A later CREATE of the same name (migrations re-creating a table) replaces the earlier one.
  tables.delete(key);
  tables.set(key, table);
}

/** One comma-separated item of a `CREATE TABLE` body or of an `ALTER TABLE … ADD`. */
function parseTableItem(statement: Statement, start: number, end: number, table: DraftTable): void {
  const { tokens } = statement;
  const first = tokens[start];
  if (!first) return;
  if (first.kind === 'word') {
    if (first.upper === 'CONSTRAINT') {
      parseTableConstraint(statement, start + 2, end, table, tokens[start + 1]?.value);
      return;
    }
    if (TABLE_CONSTRAINT_WORDS.has(first.upper)) {
      parseTableConstraint(statement, start, end, table);
      return;
    }
    if ((first.upper === 'INDEX' || first.upper === 'KEY') && looksLikeIndex(tokens, start, end)) {
      parseTableConstraint(statement, start, end, table);
      return;
    }
    if (first.upper === 'LIKE' || first.upper === 'PERIOD') return;
  }
  if (first.kind !== 'word' && first.kind !== 'quoted') return;
  const column = parseColumn(statement, start, end);
  if (column) addColumn(table, column);
}

/** Adds (or replaces) a column, moving the CHECKs declared on it to the table. */
function addColumn(table: DraftTable, column: ColumnWithChecks, replacing?: string): void {
  const { checks, ...plain } = column;
  upsertColumn(table, plain, replacing);
  if (checks && checks.length > 0) pushChecks(table, checks);
}

/** MySQL `KEY idx (a)` / `INDEX (a)` versus a column named `key` (`key varchar(10)`). */
function looksLikeIndex(tokens: SqlToken[], start: number, end: number): boolean {
  const next = tokens[start + 1];
  if (!next || start + 1 >= end) return false;
  if (isPunct(next, '(') || next.upper === 'USING') return true;
  const after = tokens[start + 2];
  if (!isPunct(after, '(') || start + 2 >= end) return false;
  // `key varchar(10)`: the group holds only numbers, so it is a type's length.
  const close = findClose(tokens, start + 2);
  for (let k = start + 3; k < close; k++) {
    const token = tokens[k] as SqlToken;
    if (token.kind === 'word' || token.kind === 'quoted') return true;
  }
  return false;
}

function parseTableConstraint(
  statement: Statement,
  start: number,
  end: number,
  table: DraftTable,
  constraintName?: string,
): void {
  const { tokens } = statement;
  const keyword = tokens[start]?.upper;
  const open = findPunct(tokens, '(', start + 1, end);
  if (open === -1) return;
  const close = findClose(tokens, open);
  switch (keyword) {
    case 'CHECK': {
      if (close <= open + 1) return;
      const check: ParsedCheck = { expression: sliceText(statement.text, tokens, open + 1, close) };
      if (constraintName) check.name = constraintName;
      pushChecks(table, [check]);
      return;
    }
    case 'PRIMARY':
      table.primaryKey = readNameList(tokens, open, close);
      return;
    case 'UNIQUE':
    case 'INDEX':
    case 'KEY':
    case 'FULLTEXT':
    case 'SPATIAL': {
      const index: ParsedIndex = {
        columns: readIndexList(statement, open, close),
        unique: keyword === 'UNIQUE',
      };
      const name = readIndexName(tokens, start + 1, open);
      if (name) index.name = name;
      table.indexes.push(index);
      return;
    }
    case 'FOREIGN': {
      const columns = readNameList(tokens, open, close);
      const references = findWord(tokens, 'REFERENCES', close + 1, end);
      if (references === -1) return;
      const target = readReferences(tokens, references + 1);
      if (target) table.foreignKeys.push({ columns, references: target.references });
      return;
    }
    default:
      return; // EXCLUDE: nothing a reader of the schema summary needs.
  }
}

/** Reads one column definition; `start` is the column name. */
function parseColumn(
  statement: Statement,
  start: number,
  end: number,
): ColumnWithChecks | undefined {
  const { tokens, text } = statement;
  const nameToken = tokens[start];
  if (!nameToken || (nameToken.kind !== 'word' && nameToken.kind !== 'quoted')) return undefined;
  const column: ColumnWithChecks = { name: nameToken.value, type: '' };
  let constraintName: string | undefined;
  let i = start + 1;
  const typeStart = i;
  while (i < end) {
    const token = tokens[i] as SqlToken;
    if (isPunct(token, '(')) {
      i = findClose(tokens, i) + 1;
      continue;
    }
    if (token.kind === 'string' || isPunct(token, ',')) break;
    if (token.kind === 'word') {
      if (COLUMN_CONSTRAINT_WORDS.has(token.upper)) break;
      // `varchar(10) CHARACTER SET utf8` (but `character varying` is a type).
      if (token.upper === 'CHARACTER' && tokens[i + 1]?.upper === 'SET') break;
    }
    i++;
  }
  if (i > typeStart) column.type = sliceText(text, tokens, typeStart, Math.min(i, end));

  while (i < end) {
    const token = tokens[i] as SqlToken;
    if (isPunct(token, '(')) {
      i = findClose(tokens, i) + 1;
      continue;
    }
    switch (token.upper) {
      case 'NOT':
        if (tokens[i + 1]?.upper === 'NULL') {
          column.nullable = false;
          i += 2;
        } else {
          i++; // NOT DEFERRABLE
        }
        break;
      case 'NULL':
        column.nullable = true;
        i++;
        break;
      case 'PRIMARY':
        column.primaryKey = true;
        i += tokens[i + 1]?.upper === 'KEY' ? 2 : 1;
        break;
      case 'KEY': // MySQL: a bare KEY in a column definition means PRIMARY KEY.
        column.primaryKey = true;
        i++;
        break;
      case 'UNIQUE':
        column.unique = true;
        i += tokens[i + 1]?.upper === 'KEY' ? 2 : 1;
        break;
      case 'DEFAULT': {
        i++;
        if (tokens[i]?.upper === 'NULL') {
          column.default = 'NULL';
          i++;
          break;
        }
        const exprStart = i;
        while (i < end) {
          const part = tokens[i] as SqlToken;
          if (isPunct(part, '(')) i = findClose(tokens, i) + 1;
          else if (part.kind === 'word' && DEFAULT_END_WORDS.has(part.upper)) break;
          else i++;
        }
        if (i > exprStart) column.default = sliceText(text, tokens, exprStart, Math.min(i, end));
        break;
      }
      case 'REFERENCES': {
        const target = readReferences(tokens, i + 1);
        if (!target) {
          i++;
          break;
        }
        column.references = { table: target.references.table };
        const first = target.references.columns[0];
        if (first) column.references.column = first;
        i = target.next;
        break;
      }
      case 'ON':
        i = skipReferentialAction(tokens, i);
        break;
      case 'CONSTRAINT':
        constraintName = tokens[i + 1]?.value;
        i += 2;
        break;
      case 'CHECK': {
        if (!isPunct(tokens[i + 1], '(')) {
          i++;
          break;
        }
        const close = findClose(tokens, i + 1);
        if (close > i + 2) {
          const check: ParsedCheck = {
            expression: sliceText(text, tokens, i + 2, close),
            column: column.name,
          };
          if (constraintName) check.name = constraintName;
          pushChecks(column, [check]);
        }
        constraintName = undefined;
        i = close + 1;
        break;
      }
      case 'COLLATE':
        i = readQualifiedName(tokens, i + 1)?.next ?? i + 1;
        break;
      case 'GENERATED': {
        // GENERATED ALWAYS AS IDENTITY / BY DEFAULT AS IDENTITY / ALWAYS AS (expr) STORED:
        // jump past AS so that BY DEFAULT is not read as a DEFAULT clause.
        const as = findWord(tokens, 'AS', i + 1, end);
        i = as === -1 ? end : as + 1;
        if (tokens[i]?.upper === 'IDENTITY') i++;
        break;
      }
      case 'COMMENT':
        if (tokens[i + 1]?.kind === 'string') {
          column.description = (tokens[i + 1] as SqlToken).value;
          i += 2;
        } else {
          i++;
        }
        break;
      case 'CHARACTER':
        i += 3; // CHARACTER SET name
        break;
      case 'CHARSET':
        i += 2;
        break;
      default:
        i++; // AUTO_INCREMENT, IDENTITY, CHECK, AS, STORED, ASC, … (groups are skipped above)
    }
  }
  return column;
}

/** `ON DELETE|UPDATE <action>` after REFERENCES, or MySQL's `ON UPDATE CURRENT_TIMESTAMP`. */
function skipReferentialAction(tokens: SqlToken[], start: number): number {
  let i = start + 1;
  const event = tokens[i]?.upper;
  if (event !== 'DELETE' && event !== 'UPDATE') return i;
  i++;
  const action = tokens[i]?.upper;
  // SET NULL / SET DEFAULT / NO ACTION are two words; NULL and DEFAULT must not be re-read.
  if (action === 'SET' || action === 'NO') return i + 2;
  i++;
  return isPunct(tokens[i], '(') ? findClose(tokens, i) + 1 : i;
}

function parseCreateIndex(statement: Statement, start: number, tables: TableMap): void {
  const { tokens } = statement;
  let i = start;
  const unique = tokens[i]?.upper === 'UNIQUE';
  if (unique) i++;
  if (tokens[i]?.upper !== 'INDEX') return;
  i++;
  if (tokens[i]?.upper === 'CONCURRENTLY') i++;
  i = skipIfExists(tokens, i, true);
  let indexName: string | undefined;
  if (tokens[i]?.upper !== 'ON') {
    const name = readQualifiedName(tokens, i);
    if (!name) return;
    indexName = name.name;
    i = name.next;
  }
  if (tokens[i]?.upper !== 'ON') return;
  i++;
  if (tokens[i]?.upper === 'ONLY') i++;
  const target = readQualifiedName(tokens, i);
  if (!target) return;
  const table = tables.get(target.name.toLowerCase());
  if (!table) return;
  i = target.next;
  if (tokens[i]?.upper === 'USING') i += 2;
  if (!isPunct(tokens[i], '(')) return;
  const index: ParsedIndex = { columns: readIndexList(statement, i, findClose(tokens, i)), unique };
  if (indexName) index.name = indexName;
  table.indexes.push(index);
}

function parseAlterTable(statement: Statement, tables: TableMap): void {
  const { tokens } = statement;
  let i = skipIfExists(tokens, 2, false);
  if (tokens[i]?.upper === 'ONLY') i++;
  const name = readQualifiedName(tokens, i);
  if (!name) return;
  const table = tables.get(name.name.toLowerCase());
  if (!table) return;
  for (const [start, end] of splitTopLevel(tokens, name.next, tokens.length)) {
    parseAlterAction(statement, start, end, table, tables);
  }
}

function parseAlterAction(
  statement: Statement,
  start: number,
  end: number,
  table: DraftTable,
  tables: TableMap,
): void {
  const { tokens } = statement;
  const action = tokens[start]?.upper;
  let i = start + 1;
  switch (action) {
    case 'ADD':
      if (tokens[i]?.upper === 'COLUMN') i++;
      i = skipIfExists(tokens, i, true);
      parseTableItem(statement, i, end, table);
      return;
    case 'DROP':
      if (tokens[i]?.upper === 'CONSTRAINT') {
        const name = tokens[skipIfExists(tokens, i + 1, false)]?.value.toLowerCase();
        if (name)
          table.checks = table.checks?.filter((check) => check.name?.toLowerCase() !== name);
        return;
      }
      if (tokens[i]?.upper !== 'COLUMN') return;
      i = skipIfExists(tokens, i + 1, false);
      if (tokens[i]) removeColumn(table, (tokens[i] as SqlToken).value);
      return;
    case 'MODIFY': {
      if (tokens[i]?.upper === 'COLUMN') i++;
      const column = parseColumn(statement, i, end);
      if (column) addColumn(table, column);
      return;
    }
    case 'CHANGE': {
      if (tokens[i]?.upper === 'COLUMN') i++;
      const old = tokens[i]?.value;
      const column = parseColumn(statement, i + 1, end);
      if (old !== undefined && column) addColumn(table, column, old);
      return;
    }
    case 'ALTER': {
      if (tokens[i]?.upper === 'COLUMN') i++;
      const column = findColumn(table, tokens[i]?.value ?? '');
      if (!column) return;
      alterColumn(statement, i + 1, end, column);
      return;
    }
    case 'RENAME':
      renameInTable(tokens, i, table, tables);
      return;
    default:
      return;
  }
}

/** `ALTER COLUMN x <rest>`: SET/DROP NOT NULL, SET/DROP DEFAULT, [SET DATA] TYPE. */
function alterColumn(statement: Statement, start: number, end: number, column: DraftColumn): void {
  const { tokens, text } = statement;
  const first = tokens[start]?.upper;
  const second = tokens[start + 1]?.upper;
  if (first === 'SET' && second === 'NOT') column.nullable = false;
  else if (first === 'DROP' && second === 'NOT') column.nullable = true;
  else if (first === 'DROP' && second === 'DEFAULT') column.default = undefined;
  else if (first === 'SET' && second === 'DEFAULT') {
    if (start + 2 < end) column.default = sliceText(text, tokens, start + 2, end);
  } else {
    let typeStart = -1;
    if (first === 'TYPE') typeStart = start + 1;
    else if (first === 'SET' && second === 'DATA' && tokens[start + 2]?.upper === 'TYPE') {
      typeStart = start + 3;
    }
    if (typeStart === -1 || typeStart >= end) return;
    let typeEnd = typeStart;
    while (typeEnd < end && !['USING', 'COLLATE'].includes(tokens[typeEnd]?.upper ?? '')) typeEnd++;
    if (typeEnd > typeStart) column.type = sliceText(text, tokens, typeStart, typeEnd);
  }
}

/** `RENAME TO new` (the table) or `RENAME [COLUMN] a TO b`. */
function renameInTable(
  tokens: SqlToken[],
  start: number,
  table: DraftTable,
  tables: TableMap,
): void {
  let i = start;
  if (tokens[i]?.upper === 'TO') {
    const next = readQualifiedName(tokens, i + 1);
    if (!next) return;
    const oldName = table.name;
    tables.delete(oldName.toLowerCase());
    table.name = next.name;
    tables.set(next.name.toLowerCase(), table);
    // Foreign keys follow a renamed table, as in Postgres and MySQL.
    for (const other of tables.values()) {
      for (const fk of other.foreignKeys) {
        if (fk.references.table.toLowerCase() === oldName.toLowerCase())
          fk.references.table = next.name;
      }
      for (const column of other.columns) {
        if (column.references?.table.toLowerCase() === oldName.toLowerCase()) {
          column.references.table = next.name;
        }
      }
    }
    return;
  }
  if (tokens[i]?.upper === 'COLUMN') i++;
  const from = tokens[i]?.value;
  const to = tokens[i + 2];
  if (from === undefined || tokens[i + 1]?.upper !== 'TO' || !to) return;
  const column = findColumn(table, from);
  if (!column) return;
  const renamed = (name: string) => (name.toLowerCase() === from.toLowerCase() ? to.value : name);
  column.name = to.value;
  table.primaryKey = table.primaryKey.map(renamed);
  for (const fk of table.foreignKeys) fk.columns = fk.columns.map(renamed);
  for (const index of table.indexes) index.columns = index.columns.map(renamed);
  const word = new RegExp(`(?<![\\w"\`])${escapeRegExp(from)}(?![\\w"\`])`, 'gi');
  for (const check of table.checks ?? []) {
    if (check.column !== undefined) check.column = renamed(check.column);
    check.expression = check.expression.replace(word, to.value);
  }
}

function pushChecks(owner: { checks?: ParsedCheck[] }, checks: ParsedCheck[]): void {
  owner.checks = [...(owner.checks ?? []), ...checks];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function parseCommentOn(statement: Statement, tables: TableMap): void {
  const { tokens } = statement;
  const kind = tokens[2]?.upper;
  if (kind !== 'TABLE' && kind !== 'COLUMN') return;
  const target = readQualifiedName(tokens, 3);
  if (!target || tokens[target.next]?.upper !== 'IS') return;
  const value = tokens[target.next + 1];
  const description = value?.kind === 'string' ? value.value : undefined;
  if (kind === 'TABLE') {
    const table = tables.get(target.name.toLowerCase());
    if (table) table.description = description;
    return;
  }
  const parts = target.parts;
  if (parts.length < 2) return;
  const columnName = parts[parts.length - 1] as string;
  const tableName = stripDefaultSchema(parts.slice(0, -1).join('.'));
  const column = findColumn(tables.get(tableName.toLowerCase()), columnName);
  if (column) column.description = description;
}

function parseDropTable(statement: Statement, tables: TableMap): void {
  const { tokens } = statement;
  const i = skipIfExists(tokens, 2, false);
  for (const [start, end] of splitTopLevel(tokens, i, tokens.length)) {
    const name = readQualifiedName(tokens, start);
    if (name && name.next <= end) tables.delete(name.name.toLowerCase());
  }
}

// --- helpers ---------------------------------------------------------------------------------

/** A possibly schema-qualified name (`a`, `s.a`, `"s"."a"`), default schema dropped. */
function readQualifiedName(
  tokens: SqlToken[],
  start: number,
): { name: string; parts: string[]; next: number } | undefined {
  const parts: string[] = [];
  let i = start;
  while (true) {
    const token = tokens[i];
    if (!token || (token.kind !== 'word' && token.kind !== 'quoted')) break;
    parts.push(token.value);
    i++;
    if (!isPunct(tokens[i], '.')) break;
    i++;
  }
  if (parts.length === 0) return undefined;
  return { name: stripDefaultSchema(parts.join('.')), parts, next: i };
}

/** `REFERENCES t [(a, b)]` starting at the table name. */
function readReferences(
  tokens: SqlToken[],
  start: number,
): { references: DraftForeignKey['references']; next: number } | undefined {
  const name = readQualifiedName(tokens, start);
  if (!name) return undefined;
  if (!isPunct(tokens[name.next], '(')) {
    return { references: { table: name.name, columns: [] }, next: name.next };
  }
  const close = findClose(tokens, name.next);
  return {
    references: { table: name.name, columns: readNameList(tokens, name.next, close) },
    next: close + 1,
  };
}

/** Key column names in `( … )`: the first identifier of each item (`a DESC`, `name(10)` → name). */
function readNameList(tokens: SqlToken[], open: number, close: number): string[] {
  const names: string[] = [];
  for (const [start, end] of splitTopLevel(tokens, open + 1, close)) {
    for (let k = start; k < end; k++) {
      const token = tokens[k] as SqlToken;
      if (token.kind === 'word' || token.kind === 'quoted') {
        names.push(token.value);
        break;
      }
    }
  }
  return names;
}

/** Index items: column names, or the expression text of expression items (`lower(email)`). */
function readIndexList(statement: Statement, open: number, close: number): string[] {
  const { tokens, text } = statement;
  const items: string[] = [];
  for (const [start, end] of splitTopLevel(tokens, open + 1, close)) {
    const first = tokens[start];
    if (!first) continue;
    const next = tokens[start + 1];
    if (
      (first.kind === 'word' || first.kind === 'quoted') &&
      !(isPunct(next, '(') && start + 1 < end)
    ) {
      items.push(first.value);
      continue;
    }
    if ((first.kind === 'word' || first.kind === 'quoted') && isPunct(next, '(')) {
      // MySQL prefix index `name(10)` names a column; `lower(email)` is an expression.
      const groupClose = findClose(tokens, start + 1);
      const numeric = tokens.slice(start + 2, groupClose).every((t) => t.kind === 'number');
      if (numeric) {
        items.push(first.value);
        continue;
      }
    }
    let exprEnd = end;
    const last = tokens[exprEnd - 1];
    if (last && (last.upper === 'ASC' || last.upper === 'DESC')) exprEnd--;
    if (exprEnd > start) items.push(sliceText(text, tokens, start, exprEnd));
  }
  return items;
}

/** The optional index name between `UNIQUE [KEY|INDEX]` / `KEY` / `INDEX` and `(`. */
function readIndexName(tokens: SqlToken[], start: number, open: number): string | undefined {
  for (let k = start; k < open; k++) {
    const token = tokens[k] as SqlToken;
    if (token.kind === 'quoted') return token.value;
    if (
      token.kind === 'word' &&
      !['KEY', 'INDEX', 'USING', 'BTREE', 'HASH'].includes(token.upper)
    ) {
      return token.value;
    }
  }
  return undefined;
}

/** Skips `IF [NOT] EXISTS`. */
function skipIfExists(tokens: SqlToken[], start: number, not: boolean): number {
  if (tokens[start]?.upper !== 'IF') return start;
  if (not && tokens[start + 1]?.upper === 'NOT' && tokens[start + 2]?.upper === 'EXISTS') {
    return start + 3;
  }
  if (tokens[start + 1]?.upper === 'EXISTS') return start + 2;
  return start;
}

/** Ranges `[start, end)` of the comma-separated items between `start` and `end` at depth 0. */
function splitTopLevel(tokens: SqlToken[], start: number, end: number): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let depth = 0;
  let itemStart = start;
  for (let k = start; k < end; k++) {
    const token = tokens[k] as SqlToken;
    if (token.kind !== 'punct') continue;
    if (token.value === '(') depth++;
    else if (token.value === ')') depth = Math.max(0, depth - 1);
    else if (token.value === ',' && depth === 0) {
      if (k > itemStart) ranges.push([itemStart, k]);
      itemStart = k + 1;
    }
  }
  if (end > itemStart) ranges.push([itemStart, end]);
  return ranges;
}

/** Index of the `)` matching the `(` at `open`, or the last token when unbalanced. */
function findClose(tokens: SqlToken[], open: number): number {
  let depth = 0;
  for (let k = open; k < tokens.length; k++) {
    const token = tokens[k] as SqlToken;
    if (token.kind !== 'punct') continue;
    if (token.value === '(') depth++;
    else if (token.value === ')') {
      depth--;
      if (depth === 0) return k;
    }
  }
  return tokens.length;
}

function findPunct(tokens: SqlToken[], value: string, start: number, end: number): number {
  for (let k = start; k < end; k++) if (isPunct(tokens[k], value)) return k;
  return -1;
}

function findWord(tokens: SqlToken[], upper: string, start: number, end: number): number {
  for (let k = start; k < end; k++) if (tokens[k]?.upper === upper) return k;
  return -1;
}

function isPunct(token: SqlToken | undefined, value: string): boolean {
  return token !== undefined && token.kind === 'punct' && token.value === value;
}

/** The source text of tokens `[start, end)`, whitespace collapsed to single spaces. */
function sliceText(text: string, tokens: SqlToken[], start: number, end: number): string {
  const first = tokens[start];
  const last = tokens[Math.min(end, tokens.length) - 1];
  if (!first || !last) return '';
  return text.slice(first.start, last.end).replace(/\s+/g, ' ').trim();
}

function findColumn(table: DraftTable | undefined, name: string): DraftColumn | undefined {
  const key = name.toLowerCase();
  return table?.columns.find((column) => column.name.toLowerCase() === key);
}

/** Adds a column, or replaces the one named `replacing` (default: the same name) in place. */
function upsertColumn(table: DraftTable, column: DraftColumn, replacing = column.name): void {
  const key = replacing.toLowerCase();
  const index = table.columns.findIndex((existing) => existing.name.toLowerCase() === key);
  if (index === -1) table.columns.push(column);
  else table.columns[index] = column;
}

function removeColumn(table: DraftTable, name: string): void {
  const key = name.toLowerCase();
  table.columns = table.columns.filter((column) => column.name.toLowerCase() !== key);
  table.primaryKey = table.primaryKey.filter((column) => column.toLowerCase() !== key);
  table.foreignKeys = table.foreignKeys.filter(
    (fk) => !fk.columns.some((column) => column.toLowerCase() === key),
  );
  table.indexes = table.indexes.filter(
    (index) => !index.columns.some((column) => column.toLowerCase() === key),
  );
  // Like Postgres, dropping a column drops the CHECKs that use it.
  const word = new RegExp(`(?<![\\w"\`])${escapeRegExp(name)}(?![\\w"\`])`, 'i');
  table.checks = table.checks?.filter(
    (check) => check.column?.toLowerCase() !== key && !word.test(check.expression),
  );
}
