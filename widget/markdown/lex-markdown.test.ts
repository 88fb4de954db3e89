// The markdown lexer: block and inline constructs, exact raw slices, and linear cost on bad input.
/// <reference types="mocha" />

import { expect } from 'chai';
import { type BlockToken, type InlineToken, lexMarkdown } from './lex-markdown.js';

/** The block types of a document, for compact assertions. */
const types = (src: string) => lexMarkdown(src).map((token) => token.type);

/** The inline tokens of a one-paragraph document. */
function inline(src: string): InlineToken[] {
  const [first] = lexMarkdown(src);
  if (first?.type !== 'paragraph') throw new Error(`not a paragraph: ${first?.type}`);
  return first.tokens;
}

function first<T extends BlockToken['type']>(
  src: string,
  type: T,
): Extract<BlockToken, { type: T }> {
  const token = lexMarkdown(src).find((candidate) => candidate.type === type);
  if (!token) throw new Error(`no ${type} in ${JSON.stringify(src)}`);
  return token as Extract<BlockToken, { type: T }>;
}

describe('lexMarkdown', () => {
  it('splits paragraphs, headings, rules and blank lines, with raws that add up to the source', () => {
    const src = '# Title #\n\nFirst line\nsecond line\n\n---\n\nSetext\n===\nAfter\n---\n';
    const tokens = lexMarkdown(src);
    expect(tokens.map((token) => token.type)).to.deep.equal([
      'heading',
      'space',
      'paragraph',
      'space',
      'hr',
      'space',
      'heading',
      'heading',
    ]);
    expect(tokens.map((token) => token.raw).join('')).to.equal(src);
    expect(first(src, 'heading').tokens).to.deep.equal([{ type: 'text', text: 'Title' }]);
    expect((tokens[7] as { depth: number }).depth).to.equal(2);
  });

  it('lexes fenced code (closed, unclosed, tilde, with a language) without touching its text', () => {
    expect(first('```sql\nSELECT * FROM "t" WHERE a < 1 &amp;\n```\n', 'code')).to.deep.include({
      lang: 'sql',
      text: 'SELECT * FROM "t" WHERE a < 1 &amp;',
    });
    const open = lexMarkdown('text\n\n```js\nlet a = 1;\n\nlet b');
    expect(open.at(-1)).to.deep.include({ type: 'code', text: 'let a = 1;\n\nlet b' });
    expect(first('~~~\n```\n~~~', 'code').text).to.equal('```');
    expect(first('    indented\n      more\n', 'code').text).to.equal('indented\n  more');
  });

  it('lexes tight, loose, nested, ordered and task lists', () => {
    const tight = first('- a\n- b\n  - c\n', 'list');
    expect(tight.loose).to.equal(false);
    expect(tight.items).to.have.length(2);
    expect(tight.items[1]?.tokens.map((token) => token.type)).to.deep.equal(['text', 'list']);
    const loose = first('1. one\n\n2. two\n', 'list');
    expect(loose).to.deep.include({ ordered: true, start: 1, loose: true });
    expect(first('7) seven\n8) eight', 'list').start).to.equal(7);
    const tasks = first('- [x] done\n- [ ] open\n', 'list');
    expect(tasks.items.map((item) => [item.task, item.checked])).to.deep.equal([
      [true, true],
      [true, false],
    ]);
    expect(types('- a\n* b')).to.deep.equal(['list', 'list']);
    expect(types('* * *')).to.deep.equal(['hr']);
    expect(types('- a\nlazy continuation')).to.deep.equal(['list']);
    expect(types('Text\n2. not a list')).to.deep.equal(['paragraph']);
    expect(types('Text\n- a list')).to.deep.equal(['paragraph', 'list']);
  });

  it('lexes block quotes with lazy continuation lines', () => {
    const quote = first('> quoted\nlazy\n\nafter', 'blockquote');
    expect(quote.tokens.map((token) => token.type)).to.deep.equal(['paragraph']);
    expect(types('> quoted\nlazy\n\nafter')).to.deep.equal(['blockquote', 'space', 'paragraph']);
  });

  it('lexes tables with alignment, missing cells and escaped pipes', () => {
    const table = first('| a | b | c |\n|:--|:-:|--:|\n| 1 | `x\\|y` |\n', 'table');
    expect(table.align).to.deep.equal(['left', 'center', 'right']);
    expect(table.rows).to.have.length(1);
    expect(table.rows[0]?.[1]).to.deep.equal([{ type: 'codespan', text: 'x|y' }]);
    expect(table.rows[0]?.[2]).to.deep.equal([]);
    expect(types('a | b\n---')).to.deep.equal(['heading']);
    expect(types('Intro\n| a | b |\n|---|---|\n| 1 | 2 |')).to.deep.equal(['paragraph', 'table']);
  });

  it('keeps raw HTML blocks as html tokens (shown as text)', () => {
    expect(lexMarkdown('<script>alert(1)</script>\n\nafter')[0]).to.deep.equal({
      type: 'html',
      raw: '<script>alert(1)</script>\n',
    });
    expect(types('<!-- a\n\nb -->\ntext')).to.deep.equal(['html', 'paragraph']);
  });

  it('lexes emphasis, strong, strikethrough and leaves snake_case alone', () => {
    expect(inline('*a* **b** ***c*** ~~d~~ _e_ __f__ snake_case_name')).to.deep.equal([
      { type: 'em', tokens: [{ type: 'text', text: 'a' }] },
      { type: 'text', text: ' ' },
      { type: 'strong', tokens: [{ type: 'text', text: 'b' }] },
      { type: 'text', text: ' ' },
      { type: 'em', tokens: [{ type: 'strong', tokens: [{ type: 'text', text: 'c' }] }] },
      { type: 'text', text: ' ' },
      { type: 'del', tokens: [{ type: 'text', text: 'd' }] },
      { type: 'text', text: ' ' },
      { type: 'em', tokens: [{ type: 'text', text: 'e' }] },
      { type: 'text', text: ' ' },
      { type: 'strong', tokens: [{ type: 'text', text: 'f' }] },
      { type: 'text', text: ' snake_case_name' },
    ]);
    expect(inline('**bold *and italic* text**')[0]).to.deep.equal({
      type: 'strong',
      tokens: [
        { type: 'text', text: 'bold ' },
        { type: 'em', tokens: [{ type: 'text', text: 'and italic' }] },
        { type: 'text', text: ' text' },
      ],
    });
    expect(inline('**unclosed and * lone')).to.deep.equal([
      { type: 'text', text: '**unclosed and * lone' },
    ]);
  });

  it('lexes code spans literally, with unmatched backticks as text', () => {
    expect(inline('`a<b>&amp;` and `` x ` y `` and ` lone')).to.deep.equal([
      { type: 'codespan', text: 'a<b>&amp;' },
      { type: 'text', text: ' and ' },
      { type: 'codespan', text: 'x ` y' },
      { type: 'text', text: ' and ` lone' },
    ]);
  });

  it('decodes character references in text and resolves backslash escapes', () => {
    expect(inline('&lt;b&gt; &amp; &#65;&#x42; &unknown; \\*not em\\* \\&amp;')).to.deep.equal([
      { type: 'text', text: '<b> & AB &unknown; ' },
      { type: 'text', text: '*' },
      { type: 'text', text: 'not em' },
      { type: 'text', text: '*' },
      { type: 'text', text: ' ' },
      { type: 'text', text: '&' },
      { type: 'text', text: 'amp;' },
    ]);
  });

  it('lexes inline links with titles, references, autolinks, bare URLs and images', () => {
    const tokens = inline(
      '[a](https://x.example/a_(b) "T &amp; t") [r][ref] <https://auto.example/?q=1&r=2> <me@x.example> see https://bare.example/path). ![alt](https://img.example/p.png)\n\n[ref]: https://ref.example',
    );
    const links = tokens.filter((token) => token.type === 'link' || token.type === 'image');
    expect(links).to.deep.equal([
      {
        type: 'link',
        href: 'https://x.example/a_(b)',
        title: 'T & t',
        tokens: [{ type: 'text', text: 'a' }],
      },
      {
        type: 'link',
        href: 'https://ref.example',
        title: undefined,
        tokens: [{ type: 'text', text: 'r' }],
      },
      {
        type: 'link',
        href: 'https://auto.example/?q=1&r=2',
        title: undefined,
        tokens: [{ type: 'text', text: 'https://auto.example/?q=1&r=2' }],
      },
      {
        type: 'link',
        href: 'mailto:me@x.example',
        title: undefined,
        tokens: [{ type: 'text', text: 'me@x.example' }],
      },
      {
        type: 'link',
        href: 'https://bare.example/path',
        title: undefined,
        tokens: [{ type: 'text', text: 'https://bare.example/path' }],
      },
      { type: 'image', href: 'https://img.example/p.png', alt: 'alt' },
    ]);
    expect(inline('[missing][nowhere] [x]')).to.deep.equal([
      { type: 'text', text: '[missing][nowhere] [x]' },
    ]);
    expect(inline('www.example.com.')[0]).to.deep.include({
      type: 'link',
      href: 'http://www.example.com',
    });
  });

  it('decodes character references in link destinations, so the safety check sees the real scheme', () => {
    const [link] = inline('[x](&#106;avascript:alert(1))');
    expect(link).to.deep.include({ type: 'link', href: 'javascript:alert(1)' });
  });

  it('lexes hard line breaks (two spaces or a backslash) and keeps soft breaks as newlines', () => {
    expect(inline('a  \nb\\\nc\nd')).to.deep.equal([
      { type: 'text', text: 'a' },
      { type: 'br' },
      { type: 'text', text: 'b' },
      { type: 'br' },
      { type: 'text', text: 'c\nd' },
    ]);
  });

  it('normalises reference labels and keeps the first definition', () => {
    const tokens = lexMarkdown(
      '[Foo  Bar]\n\n[foo bar]: https://one.example\n[FOO BAR]: https://two.example\n',
    );
    const paragraph = tokens[0] as Extract<BlockToken, { type: 'paragraph' | 'text' }>;
    expect(paragraph.tokens[0]).to.deep.include({ type: 'link', href: 'https://one.example' });
  });

  it('keeps raws adding up to the source for random documents', () => {
    const pieces = [
      '# h\n',
      'text ',
      '*',
      '`',
      '[',
      '](',
      'http://x',
      '\n',
      '\n\n',
      '- ',
      '1. ',
      '> ',
      '```\n',
      '| a | b |\n',
      '|---|---|\n',
      '    code\n',
      '<div>\n',
      '---\n',
      '===\n',
      '  ',
      '\t',
      '![i](j)',
      '~~',
    ];
    let seed = 7;
    const random = () => {
      seed = (seed * 48271) % 2147483647;
      return seed / 2147483647;
    };
    for (let round = 0; round < 300; round++) {
      let src = '';
      const length = Math.floor(random() * 40);
      for (let k = 0; k < length; k++) src += pieces[Math.floor(random() * pieces.length)];
      const tokens = lexMarkdown(src);
      expect(tokens.map((token) => token.raw).join(''), JSON.stringify(src)).to.equal(src);
    }
  });

  it('lexes pathological input (unclosed delimiters, brackets and backticks) in one paragraph', () => {
    // 200 KB of each: linear lexing takes milliseconds, quadratic would take far longer than this
    // test may run (its timeout is the bound, no clock is read here).
    for (const unit of ['*a ', '_a ', '[a ', '`a ', '~~a ', '<a ', '![a ', '**a ']) {
      const src = unit.repeat(50_000);
      const tokens = lexMarkdown(src);
      expect(tokens, unit).to.have.length(1);
      expect(tokens[0]?.raw, unit).to.equal(src);
    }
  });
});
