// The server's SQL check numbers an answer's fenced code blocks, and the element shows each
// verdict under the block with that number: the checker's numbering and the widget lexer's must
// agree, or a verdict lands under the wrong block. Both run here on the same Markdown.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findFencedCodeBlocks } from '../backend/sql-check/find-fenced-code-blocks.js';
import { type BlockToken, lexMarkdown } from '../widget/markdown/lex-markdown.js';

/** The widget's fenced code blocks in document order (lists and quotes included), as it numbers them. */
function widgetFences(markdown: string): Array<{ lang: string; text: string }> {
  const found: Array<{ lang: string; text: string }> = [];
  const walk = (tokens: BlockToken[]) => {
    for (const token of tokens) {
      if (token.type === 'code' && token.fenced) found.push({ lang: token.lang, text: token.text });
      else if (token.type === 'blockquote') walk(token.tokens);
      else if (token.type === 'list') for (const item of token.items) walk(item.tokens);
    }
  };
  walk(lexMarkdown(markdown, {}));
  return found;
}

function serverFences(markdown: string) {
  return findFencedCodeBlocks(markdown).map((block) => ({ index: block.index, text: block.text }));
}

const SAMPLES = [
  'Intro\n\n```sql\nSELECT 1;\n```\n\nText\n\n```js\nx\n```\n\n~~~sql\nSELECT 2;\n~~~\n',
  '- item\n\n  ```sql\n  SELECT 1;\n  ```\n- next\n\n> quoted\n>\n> ```sql\n> SELECT 2;\n> ```\n',
  '    indented code is not a fence\n\n```sql\nSELECT 3;\n```\n',
  '1. one\n2. two\n   ```\n   nested\n   ```\n\n````md\n```sql\ninside\n```\n````\n',
  'unclosed at the end:\n\n```sql\nSELECT 4',
];

describe('the fenced code block numbering of the SQL check and of the widget', () => {
  it.each(SAMPLES.map((sample, i) => [i, sample]))('agrees on sample %i', (_i, markdown) => {
    const server = serverFences(markdown);
    const widget = widgetFences(markdown);
    expect(server.map((block) => block.index)).toEqual(widget.map((_, index) => index));
    expect(server.map((block) => block.text)).toEqual(widget.map((block) => block.text));
  });

  it('agrees on answers built from paragraphs, lists, quotes and fences of every kind', () => {
    const piece = fc.constantFrom(
      'Some text.\n',
      '\n',
      '```sql\nSELECT a FROM t;\n```\n',
      '~~~\nplain\n~~~\n',
      '- a list item\n',
      '  continued\n',
      '> a quote\n',
      '    indented line\n',
      '1. numbered\n',
      '```js\nconst x = 1;\n```\n',
      '# Heading\n',
      '| a | b |\n|---|---|\n| 1 | 2 |\n',
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 14 }), (pieces) => {
        const markdown = pieces.join('');
        const server = serverFences(markdown);
        const widget = widgetFences(markdown);
        expect(server.length, markdown).toBe(widget.length);
        expect(
          server.map((block) => block.text),
          markdown,
        ).toEqual(widget.map((b) => b.text));
      }),
      { numRuns: 2000, seed: 20261203 },
    );
  });
});
