// Splits a tokenized SQL text into statements: at `;` outside parentheses and at a SQL Server
// `GO` line.

import type { SqlToken } from '../schema/tokenize-sql.js';

/**
 * The token ranges `[start, end)` of the statements of `tokens` (tokenized from `text`): they end
 * at a `;` outside parentheses, or at a `GO` alone on its line (SQL Server batches). Empty
 * statements (`;;`) are left out; a `;` inside parentheses (a procedure body) does not split.
 */
export function splitSqlStatements(tokens: SqlToken[], text: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i] as SqlToken;
    if (token.kind === 'punct') {
      if (token.value === '(') depth++;
      else if (token.value === ')') depth = Math.max(0, depth - 1);
      else if (token.value === ';' && depth === 0) {
        if (i > start) ranges.push([start, i]);
        start = i + 1;
      }
    } else if (
      token.kind === 'word' &&
      token.upper === 'GO' &&
      depth === 0 &&
      onOwnLine(text, token)
    ) {
      if (i > start) ranges.push([start, i]);
      start = i + 1;
    }
  }
  if (tokens.length > start) ranges.push([start, tokens.length]);
  return ranges;
}

function onOwnLine(text: string, token: SqlToken): boolean {
  const lineStart = text.lastIndexOf('\n', token.start - 1) + 1;
  const lineEnd = text.indexOf('\n', token.end);
  return (
    text.slice(lineStart, token.start).trim() === '' &&
    text.slice(token.end, lineEnd === -1 ? text.length : lineEnd).trim() === ''
  );
}
