// findFencedCodeBlocks: which fenced code blocks a Markdown answer has, their info strings, their
// text and their index, as CommonMark and the widget's lexer read them.

import { describe, expect, it } from 'vitest';
import { findFencedCodeBlocks } from './find-fenced-code-blocks.js';

describe('findFencedCodeBlocks', () => {
  it('finds fences in lists and quotes, strips their indentation, and needs a long enough closer', () => {
    const markdown = [
      '1. First',
      '   ```sql',
      '   SELECT 1;',
      '     indented',
      '   ```',
      '> ```sql',
      '> SELECT 2;',
      '> ```',
      '````',
      '```',
      'inner',
      '````',
      'Inline ```a``` is not a fence.',
    ].join('\n');
    expect(findFencedCodeBlocks(markdown)).toEqual([
      { index: 0, info: 'sql', language: 'sql', text: 'SELECT 1;\n  indented' },
      { index: 1, info: 'sql', language: 'sql', text: 'SELECT 2;' },
      { index: 2, info: '', language: '', text: '```\ninner' },
    ]);
  });

  it('ends an unclosed fence inside a quote where the quote ends', () => {
    expect(findFencedCodeBlocks('> ```\n> a\nb\n```sql\nc\n```')).toEqual([
      { index: 0, info: '', language: '', text: 'a' },
      { index: 1, info: 'sql', language: 'sql', text: 'c' },
    ]);
  });

  it('reads backtick and tilde fences with their info strings', () => {
    const markdown = [
      '```SQL title="top customers"',
      'SELECT 1;',
      '```',
      '~~~ {.postgresql}',
      'SELECT 2;',
      '~~~',
      '~~~ tilde info may hold a ` backtick',
      'SELECT 3;',
      '~~~',
      '```',
      'no info',
      '```',
    ].join('\n');
    expect(findFencedCodeBlocks(markdown)).toEqual([
      { index: 0, info: 'SQL title="top customers"', language: 'sql', text: 'SELECT 1;' },
      { index: 1, info: '{.postgresql}', language: 'postgresql', text: 'SELECT 2;' },
      {
        index: 2,
        info: 'tilde info may hold a ` backtick',
        language: 'tilde',
        text: 'SELECT 3;',
      },
      { index: 3, info: '', language: '', text: 'no info' },
    ]);
  });

  it('closes a fence only with at least as many of the same character, indented at most 3', () => {
    const markdown = ['~~~~', '~~~', '```', '    ~~~~', '  ~~~~~  ', 'after'].join('\n');
    expect(findFencedCodeBlocks(markdown)).toEqual([
      { index: 0, info: '', language: '', text: '~~~\n```\n    ~~~~' },
    ]);
  });

  it('runs an unclosed final fence to the end of the text', () => {
    expect(findFencedCodeBlocks('Text\n```sql\nSELECT 1\nFROM t')).toEqual([
      { index: 0, info: 'sql', language: 'sql', text: 'SELECT 1\nFROM t' },
    ]);
  });

  it('finds fences in nested list items, task items and quotes inside list items', () => {
    const markdown = [
      '- Step',
      '  1. Inner',
      '     ```sql',
      '     SELECT 1;',
      '     ```',
      '- [ ] ```sql',
      '  SELECT 2;',
      '  ```',
      '- > ```sql',
      '  > SELECT 3;',
      '  > ```',
      '1. Loose item',
      '',
      '    ```sql',
      '    SELECT 4;',
      '    ```',
    ].join('\n');
    expect(findFencedCodeBlocks(markdown).map((block) => block.text)).toEqual([
      'SELECT 1;',
      'SELECT 2;',
      'SELECT 3;',
      'SELECT 4;',
    ]);
  });

  it('ends a fence in a list item where the item ends: its content is not a lazy continuation', () => {
    // CommonMark: only paragraph text continues lazily; the widget's lexer lets a fence's
    // content continue lazily too (see README.md).
    expect(findFencedCodeBlocks('- ```sql\nSELECT 1\n  ```').map((block) => block.text)).toEqual([
      '',
      '',
    ]);
  });

  // Indented (four-space) code blocks are not fenced blocks and are not counted: `index` is the
  // position among fenced blocks (`SqlCheckBlock` in sdk/protocol.ts). The widget's lexer returns
  // indented blocks as `code` tokens too, but with `fenced: false`, and the widget numbers only
  // the fenced ones when it shows each block's check, so both count the same blocks.
  it('counts no indented code block, nor a fence that is indented four columns or more', () => {
    const markdown = [
      'An indented block, then a fence indented as paragraph text:',
      '',
      '    SELECT 0;',
      '    ```sql',
      '    SELECT 1;',
      '    ```',
      '',
      'Text',
      '    ```sql',
      '\t```sql',
      '',
      '```sql',
      'SELECT 2;',
      '```',
    ].join('\n');
    expect(findFencedCodeBlocks(markdown)).toEqual([
      { index: 0, info: 'sql', language: 'sql', text: 'SELECT 2;' },
    ]);
  });

  it('counts no fence inside a raw HTML block, which the widget shows as text', () => {
    const markdown = [
      '<!--',
      '```sql',
      'SELECT 1;',
      '```',
      '-->',
      '<details>',
      '```sql',
      'SELECT 2;',
      '```',
      '',
      '```sql',
      'SELECT 3;',
      '```',
    ].join('\n');
    expect(findFencedCodeBlocks(markdown).map((block) => block.text)).toEqual(['SELECT 3;']);
  });

  it('reads CRLF line ends as line ends', () => {
    expect(findFencedCodeBlocks('```sql\r\nSELECT 1;\r\n```\r\n')).toEqual([
      { index: 0, info: 'sql', language: 'sql', text: 'SELECT 1;' },
    ]);
  });
});
