// A forgiving SQL lexer for DDL (Postgres, MySQL, SQLite, SQL Server quoting): never throws.

/** What a {@link SqlToken} is. */
export type SqlTokenKind = 'word' | 'quoted' | 'string' | 'number' | 'punct';

/** One lexical token of SQL text. */
export interface SqlToken {
  kind: SqlTokenKind;
  /**
   * The token's value: an identifier without its quotes (`"a""b"` → `a"b`), a string literal's
   * content, a number or a punctuation character (`[]` for an array suffix like `int[]`).
   */
  value: string;
  /** `value` in upper case for words (keyword matching); empty for other kinds. */
  upper: string;
  /** Offset of the token's first character in the source text. */
  start: number;
  /** Offset just past the token's last character. */
  end: number;
}

/**
 * Splits SQL text into tokens, dropping whitespace and comments (`-- …`, `/* … *\/`, and MySQL's
 * `# …` at the start of a line). Handles `'…'` strings (`''` and backslash escapes), Postgres
 * dollar quoting (`$tag$…$tag$`), and quoted identifiers `"x"`, `` `x` `` and `[x]`. Unterminated
 * strings and comments run to the end of the text instead of failing.
 */
export function tokenizeSql(text: string): SqlToken[] {
  const tokens: SqlToken[] = [];
  const length = text.length;
  let i = 0;
  let lineStart = true;
  while (i < length) {
    const code = text.charCodeAt(i);
    // Whitespace, including no-break space and a byte-order mark pasted from elsewhere.
    if (
      code === 32 ||
      code === 9 ||
      code === 13 ||
      code === 12 ||
      code === 11 ||
      code === 0xa0 ||
      code === 0xfeff
    ) {
      i++;
      continue;
    }
    if (code === 10) {
      lineStart = true;
      i++;
      continue;
    }
    const atLineStart = lineStart;
    lineStart = false;
    const next = text.charCodeAt(i + 1);
    // -- comment, or MySQL's # comment when it opens a line (elsewhere # is a Postgres operator).
    if ((code === 45 && next === 45) || (code === 35 && atLineStart)) {
      const end = text.indexOf('\n', i);
      i = end === -1 ? length : end;
      continue;
    }
    // /* block comment */
    if (code === 47 && next === 42) {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? length : end + 2;
      continue;
    }
    const start = i;
    // 'string'
    if (code === 39) {
      const { value, end } = readQuoted(text, i, 39, true);
      tokens.push({ kind: 'string', value, upper: '', start, end });
      i = end;
      continue;
    }
    // "identifier" and `identifier`
    if (code === 34 || code === 96) {
      const { value, end } = readQuoted(text, i, code, false);
      tokens.push({ kind: 'quoted', value, upper: '', start, end });
      i = end;
      continue;
    }
    // [identifier] (SQL Server), but `[]` / `[3]` after a type is a Postgres array suffix.
    if (code === 91) {
      const close = text.indexOf(']', i + 1);
      const inner = close === -1 ? '' : text.slice(i + 1, close);
      if (close !== -1 && !inner.includes('\n') && !/^\s*\d*\s*$/.test(inner)) {
        tokens.push({ kind: 'quoted', value: inner, upper: '', start, end: close + 1 });
        i = close + 1;
        continue;
      }
      const end = close === -1 || inner.includes('\n') ? i + 1 : close + 1;
      tokens.push({ kind: 'punct', value: '[]', upper: '', start, end });
      i = end;
      continue;
    }
    // $tag$ dollar-quoted string $tag$ (Postgres function bodies may hold anything, even `;`).
    if (code === 36) {
      const match = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(text.slice(i, i + 64));
      if (match) {
        const delimiter = match[0];
        const bodyStart = i + delimiter.length;
        const close = text.indexOf(delimiter, bodyStart);
        const end = close === -1 ? length : close + delimiter.length;
        const value = text.slice(bodyStart, close === -1 ? length : close);
        tokens.push({ kind: 'string', value, upper: '', start, end });
        i = end;
        continue;
      }
    }
    if (isWordStart(code)) {
      let end = i + 1;
      while (end < length && isWordPart(text.charCodeAt(end))) end++;
      const value = text.slice(i, end);
      tokens.push({ kind: 'word', value, upper: value.toUpperCase(), start, end });
      i = end;
      continue;
    }
    if (code >= 48 && code <= 57) {
      let end = i + 1;
      while (end < length && isNumberPart(text.charCodeAt(end))) end++;
      tokens.push({ kind: 'number', value: text.slice(i, end), upper: '', start, end });
      i = end;
      continue;
    }
    tokens.push({ kind: 'punct', value: text[i] as string, upper: '', start, end: i + 1 });
    i++;
  }
  return tokens;
}

/** Reads a quoted run starting at `start` (the opening quote); a doubled quote is an escaped one. */
function readQuoted(
  text: string,
  start: number,
  quote: number,
  backslashEscapes: boolean,
): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  let chunkStart = i;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (backslashEscapes && code === 92 && i + 1 < text.length) {
      // MySQL-style \' inside strings; the escaped character is kept as written.
      value += text.slice(chunkStart, i) + text[i + 1];
      i += 2;
      chunkStart = i;
      continue;
    }
    if (code === quote) {
      if (text.charCodeAt(i + 1) === quote) {
        value += text.slice(chunkStart, i + 1);
        i += 2;
        chunkStart = i;
        continue;
      }
      return { value: value + text.slice(chunkStart, i), end: i + 1 };
    }
    i++;
  }
  return { value: value + text.slice(chunkStart), end: text.length };
}

function isWordStart(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95 || code >= 128;
}

function isWordPart(code: number): boolean {
  return isWordStart(code) || (code >= 48 && code <= 57) || code === 36;
}

function isNumberPart(code: number): boolean {
  return (
    (code >= 48 && code <= 57) ||
    code === 46 ||
    code === 101 || // e
    code === 69 || // E
    code === 95
  );
}
