// The SQL tokenizer of code blocks: every kind of token, text kept exactly, partial (streaming)
// text, and which blocks count as SQL.
/// <reference types="mocha" />

import { expect } from 'chai';
import { html, render } from 'lit';
import { highlightSql, isSqlCode, tokenizeSql } from './highlight-sql.js';

const kinds = (code: string) => tokenizeSql(code).map(({ kind, text }) => `${kind}:${text}`);

describe('tokenizeSql', () => {
  it('tells keywords, identifiers, strings, numbers and comments apart', () => {
    expect(
      kinds(
        "SELECT b.title, count(*) -- per book\nFROM books b WHERE b.price > 9.5 AND b.name = 'it''s'",
      ),
    ).to.deep.equal([
      'keyword:SELECT',
      'text: ',
      'identifier:b',
      'text:.',
      'identifier:title',
      'text:, ',
      'identifier:count',
      'text:(*) ',
      'comment:-- per book',
      'text:\n',
      'keyword:FROM',
      'text: ',
      'identifier:books',
      'text: ',
      'identifier:b',
      'text: ',
      'keyword:WHERE',
      'text: ',
      'identifier:b',
      'text:.',
      'identifier:price',
      'text: > ',
      'number:9.5',
      'text: ',
      'keyword:AND',
      'text: ',
      'identifier:b',
      'text:.',
      'identifier:name',
      'text: = ',
      "string:'it''s'",
    ]);
  });

  it('reads quoted identifiers, block comments, exponents and keywords in any case', () => {
    expect(kinds('/* c */ select "Order Items".id, `x`, 1e3 from t')).to.deep.equal([
      'comment:/* c */',
      'text: ',
      'keyword:select',
      'text: ',
      'identifier:"Order Items"',
      'text:.',
      'identifier:id',
      'text:, ',
      'identifier:`x`',
      'text:, ',
      'number:1e3',
      'text: ',
      'keyword:from',
      'text: ',
      'identifier:t',
    ]);
  });

  it('runs an unterminated string or comment to the end, as while an answer streams', () => {
    expect(kinds("WHERE a = 'unfinished")).to.deep.equal([
      'keyword:WHERE',
      'text: ',
      'identifier:a',
      'text: = ',
      "string:'unfinished",
    ]);
    expect(kinds('SELECT 1 /* still')).to.deep.equal([
      'keyword:SELECT',
      'text: ',
      'number:1',
      'text: ',
      'comment:/* still',
    ]);
  });

  it('keeps the text exactly, whatever it is', () => {
    for (const code of [
      'SELECT a-b, a/b, a.b FROM t1 WHERE x <> 2;',
      '123abc $1 @v :p 😀 ";\n\t',
      "'",
      '-',
      '',
    ]) {
      expect(
        tokenizeSql(code)
          .map((token) => token.text)
          .join(''),
      ).to.equal(code);
    }
  });
});

describe('isSqlCode', () => {
  it('is SQL when labelled so, or unlabelled and starting with a statement', () => {
    expect(isSqlCode('sql', 'anything')).to.equal(true);
    expect(isSqlCode('PostgreSQL', 'x')).to.equal(true);
    expect(isSqlCode('', '  -- list them\nSELECT * FROM t')).to.equal(true);
    expect(isSqlCode('', 'with x as (select 1) select * from x')).to.equal(true);
    expect(isSqlCode('', 'npm install schema-chat')).to.equal(false);
    expect(isSqlCode('js', 'select(1)')).to.equal(false);
  });
});

describe('highlightSql', () => {
  it('renders spans of text bindings: markup in the SQL stays text', () => {
    const container = document.createElement('div');
    render(html`${highlightSql("SELECT '<img src=x onerror=alert(1)>' AS x")}`, container);
    expect(container.querySelector('img')).to.equal(null);
    expect(container.querySelector('.sql-keyword')?.textContent).to.equal('SELECT');
    expect(container.querySelector('.sql-string')?.textContent).to.equal(
      "'<img src=x onerror=alert(1)>'",
    );
    expect(container.textContent).to.equal("SELECT '<img src=x onerror=alert(1)>' AS x");
  });
});
