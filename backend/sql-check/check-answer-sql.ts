// Checks every SQL code block of a Markdown answer against the project's schema.

import { SQL_LANGUAGES } from '../../sdk/sql-languages.js';
import type { ParsedSchema } from '../schema/parsed-schema.js';
import { checkSqlText } from './check-sql.js';
import { findFencedCodeBlocks } from './find-fenced-code-blocks.js';
import type { SqlCheck, SqlCheckBlock } from './sql-check-protocol.js';

/**
 * Checks the SQL code blocks of `markdown` (see `findFencedCodeBlocks` for what a block is) with
 * `checkSql`. A block is SQL when its language is one of {@link SQL_LANGUAGES}, or when it has no
 * info string, starts with a SQL statement keyword (`SELECT`, `WITH`, `INSERT`, `CREATE`, …) and
 * at least one of its statements can be read — so an unlabelled shell or JSON block is left out,
 * while a labelled SQL block the checker cannot read is listed as `unparsed`. Blocks of other
 * languages are left out. `index` counts every fenced block, SQL or not.
 */
export function checkAnswerSql(markdown: string, schema: ParsedSchema): SqlCheck {
  const blocks: SqlCheckBlock[] = [];
  for (const block of findFencedCodeBlocks(markdown)) {
    const dialect = SQL_LANGUAGES.get(block.language);
    if (block.language !== '' && dialect === undefined) continue;
    const check = checkSqlText(block.text, schema, dialect ? { dialect } : {});
    if (block.language === '' && !check.looksLikeSql) continue;
    blocks.push({
      index: block.index,
      language: block.language,
      status: check.status,
      unknown: check.unknown,
    });
  }
  return { blocks };
}
