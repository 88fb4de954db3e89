// Incremental rendering equals rendering the whole text at once, and costs linear lexing work.
/// <reference types="mocha" />

import { expect } from 'chai';
import { html, render } from 'lit';
import { defaultStrings } from '../schema-chat-strings.js';
import { CHUNK_SIZE, IncrementalMarkdown, type MarkdownBlock } from './incremental-markdown.js';

const context = { strings: defaultStrings };

function toHtml(blocks: MarkdownBlock[]): string {
  const container = document.createElement('div');
  render(html`${blocks.map((block) => block.template)}`, container);
  // Lit's part markers are comments; the rendered content is the rest.
  return container.innerHTML.replace(/<!--[^>]*-->/g, '');
}

const DOCUMENTS = [
  '# Schema\n\nThe `users` table:\n\n| column | type |\n|---|---|\n| id | uuid |\n| email | text |\n\n- **id** is the key\n- `email` is unique\n\n```sql\nCREATE TABLE users (\n  id uuid PRIMARY KEY\n);\n```\n\n> Note: add an index.\n\nDone.',
  '1. first\n2. second\n\n3. third\n\nText after [a link](https://example.com) and [ref].\n\n[ref]: https://ref.example\n\nLast *line*.',
  'Line one\nline two\n===\n\n    indented code\n\n    more\n\n<div>raw</div>\n\n---\n\n- [x] task\n- [ ] other\n',
];

/** The blocks of `text` rendered in one update. */
function renderWhole(text: string): MarkdownBlock[] {
  const markdown = new IncrementalMarkdown(context);
  markdown.update(text);
  return markdown.blocks;
}

describe('IncrementalMarkdown', () => {
  for (const [index, document] of DOCUMENTS.entries()) {
    it(`renders document ${index} the same streamed in chunks as all at once`, () => {
      const expected = toHtml(renderWhole(document));
      for (const chunkSize of [1, 3, 7, 40]) {
        const markdown = new IncrementalMarkdown(context);
        let blocks: MarkdownBlock[] = [];
        for (let end = chunkSize; end < document.length + chunkSize; end += chunkSize) {
          markdown.update(document.slice(0, end));
          blocks = markdown.blocks;
        }
        expect(toHtml(blocks), `chunks of ${chunkSize}`).to.equal(expected);
      }
    });
  }

  it('reuses the templates of finished blocks and re-lexes only the tail', () => {
    const markdown = new IncrementalMarkdown(context);
    const paragraphs = Array.from(
      { length: 200 },
      (_, i) => `Paragraph ${i} with **bold** text.\n\n`,
    );
    let text = '';
    let previous: MarkdownBlock[] = [];
    for (const paragraph of paragraphs) {
      text += paragraph;
      markdown.update(text);
      const blocks = markdown.blocks;
      // Every block that was final stays the very same object.
      for (const block of previous.filter((candidate) => candidate.final)) {
        expect(blocks).to.include(block);
      }
      previous = blocks;
    }
    expect(previous.filter((block) => block.final).length).to.be.at.least(197);
    // Whole re-lexing would cost ~n²/2 characters; the tail approach a small multiple of n.
    expect(markdown.lexedChars).to.be.below(text.length * 4);
  });

  it('groups finished blocks in chunks that keep their blocks, and leaves the tail live', () => {
    const markdown = new IncrementalMarkdown(context);
    let text = '';
    const seen = new Map<number, readonly MarkdownBlock[]>();
    for (let i = 0; i < 100; i++) {
      text += `Paragraph ${i}.\n\n`;
      markdown.update(text);
      const blocks = markdown.blocks;
      const chunks = markdown.chunks;
      // The chunks hold exactly the final blocks, in order; the live tail the rest.
      expect(chunks.flatMap((chunk) => chunk.blocks)).to.deep.equal(blocks.filter((b) => b.final));
      expect(markdown.live).to.deep.equal(blocks.filter((b) => !b.final));
      for (const chunk of chunks.slice(0, -1)) expect(chunk.blocks).to.have.length(CHUNK_SIZE);
      // A chunk only ever grows, keeping the same blocks (so its rendering can be reused).
      for (const chunk of chunks) {
        const before = seen.get(chunk.key) ?? [];
        expect(chunk.blocks.slice(0, before.length)).to.deep.equal(before);
        seen.set(chunk.key, [...chunk.blocks]);
      }
    }
    expect(markdown.chunks.length).to.equal(Math.ceil(98 / CHUNK_SIZE));
  });

  it('keys a block by where it starts, the same while live and once final; open holds the last chunk', () => {
    const markdown = new IncrementalMarkdown(context);
    markdown.update('First paragraph.\n\nSecond para');
    const live = markdown.live[0];
    expect(live?.final).to.equal(false);
    markdown.update('First paragraph.\n\nSecond paragraph.\n\nThird');
    const second = markdown.blocks.find((block) => block.key === live?.key);
    expect(second?.final, 'the same key, now final').to.equal(true);
    expect(new Set(markdown.blocks.map((block) => block.key)).size).to.equal(3);
    // The open run: the last chunk's final blocks, then the live ones; nothing closed yet.
    expect(markdown.open).to.deep.equal(markdown.blocks);
    expect(markdown.closed).to.have.length(0);
    let text = '';
    for (let i = 0; i < CHUNK_SIZE + 2; i++) text += `P${i}.\n\n`;
    markdown.update(`${text}tail`);
    expect(markdown.closed).to.have.length(1);
    expect(markdown.closed[0]?.blocks).to.have.length(CHUNK_SIZE);
    expect([...(markdown.closed[0]?.blocks ?? []), ...markdown.open]).to.deep.equal(
      markdown.blocks,
    );
    // A replaced text starts over with keys never used before.
    const before = new Set(markdown.blocks.map((block) => block.key));
    markdown.update('Other text.');
    expect(markdown.blocks.some((block) => before.has(block.key))).to.equal(false);
  });

  it('starts over when the text is replaced rather than extended', () => {
    const markdown = new IncrementalMarkdown(context);
    markdown.update('a\n\nb\n\nc\n\nd');
    markdown.update('x\n\ny');
    expect(toHtml(markdown.blocks)).to.equal('<p>x</p><p>y</p>');
  });

  it('treats CRLF like LF', () => {
    const crlf = toHtml(renderWhole('a\r\n\r\nb\r\n\r\nc\r\n\r\nd'));
    const lf = toHtml(renderWhole('a\n\nb\n\nc\n\nd'));
    expect(crlf).to.equal(lf);
  });
});
