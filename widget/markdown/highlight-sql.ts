// SQL syntax highlighting for code blocks: a small tokenizer (keywords, identifiers, strings,
// numbers, comments) and its rendering as Lit text bindings in spans — never an HTML string.
// Streaming-safe: an unterminated string or comment (the answer is still being written) runs to
// the end of the text, so each frame's partial block highlights as far as it goes.

import { html } from 'lit';
import { SQL_LANGUAGES } from '../../sdk/sql-languages.js';

/** What a piece of SQL is: a keyword, an identifier, a string, a number, a comment, or other text. */
export type SqlTokenKind = 'keyword' | 'identifier' | 'string' | 'number' | 'comment' | 'text';

/** A piece of a SQL text; the pieces join back to the text exactly. */
export interface SqlToken {
  kind: SqlTokenKind;
  text: string;
}

// The words coloured as keywords (case-insensitive): statements, clauses, operators and the
// common types, across PostgreSQL, MySQL and SQLite.
const KEYWORDS = new Set(
  (
    'add all alter analyze and any as asc between bigint boolean by cascade case cast char check ' +
    'column commit constraint create cross current_date current_timestamp database date decimal ' +
    'default delete desc distinct drop else end except exists explain false fetch filter first ' +
    'float for foreign from full group having if ilike in index inner insert int integer ' +
    'intersect interval into is join json jsonb key last lateral left like limit natural not ' +
    'null nulls numeric offset on or order outer over partition primary real recursive ' +
    'references rename returning right rollback row rows select serial set smallint table text ' +
    'then time timestamp to true truncate union unique update using uuid values varchar view ' +
    'when where window with'
  ).split(' '),
);

// One token at a time from `lastIndex`: comment, string, quoted identifier, number, word, or a run
// of anything else. Unterminated comments and quotes run to the end of the text.
const TOKEN =
  /(--[^\n]*|\/\*[\s\S]*?(?:\*\/|$))|('(?:[^']|'')*'?)|("(?:[^"]|"")*"?|`[^`]*`?)|(\b\d+(?:\.\d+)?(?:e[+-]?\d+)?\b|\.\d+\b)|([a-z_][\w$]*)|([^-/'"`\w.]+|[\s\S])/giy;

/** Splits `code` into SQL tokens; adjacent other text is merged. */
export function tokenizeSql(code: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  TOKEN.lastIndex = 0;
  for (let match = TOKEN.exec(code); match; match = TOKEN.exec(code)) {
    const [text, comment, string, quoted, number, word] = match;
    const kind: SqlTokenKind = comment
      ? 'comment'
      : string
        ? 'string'
        : quoted
          ? 'identifier'
          : number
            ? 'number'
            : word
              ? KEYWORDS.has(word.toLowerCase())
                ? 'keyword'
                : 'identifier'
              : 'text';
    const last = tokens.at(-1);
    if (kind === 'text' && last?.kind === 'text') last.text += text;
    else tokens.push({ kind, text });
  }
  return tokens;
}

/** A statement's first word: what an unlabelled block that is SQL starts with. */
const STATEMENT =
  /^\s*(?:(?:--[^\n]*\n|\/\*[\s\S]*?\*\/)\s*)*(?:select|with|insert|update|delete|create|alter|drop|explain)\s/i;

/** Whether a code block is SQL: labelled so (its language, any case), or unlabelled and a statement. */
export function isSqlCode(language: string, code: string): boolean {
  const lang = language.toLowerCase();
  return SQL_LANGUAGES.has(lang) || (lang === '' && STATEMENT.test(code));
}

/** `code` highlighted: each token but plain text in a span of its kind (`sql-keyword`, …). */
export function highlightSql(code: string) {
  return tokenizeSql(code).map(({ kind, text }) =>
    kind === 'text' ? text : html`<span class="sql-${kind}">${text}</span>`,
  );
}
