// Which leading blocks of a streamed answer are final.
/// <reference types="mocha" />

import { expect } from 'chai';
import { countFinalTokens } from './count-final-tokens.js';
import { lexMarkdown } from './lex-markdown.js';

const finalRaw = (src: string) => {
  const tokens = lexMarkdown(src);
  return tokens
    .slice(0, countFinalTokens(tokens, src.length))
    .map((token) => token.raw)
    .join('');
};

describe('countFinalTokens', () => {
  it('finalises nothing until two more blocks have started', () => {
    expect(finalRaw('one')).to.equal('');
    expect(finalRaw('one\n\ntwo')).to.equal('');
    expect(finalRaw('one\n\ntwo\n\nthree')).to.equal('one\n\n');
    expect(finalRaw('one\n\ntwo\n\nthree\n\nfour')).to.equal('one\n\ntwo\n\n');
  });

  it('keeps a list open while the next block could still become one of its items', () => {
    // "2" may become "2. b" and join the list: the list is not final yet.
    expect(finalRaw('1. a\n\n2')).to.equal('');
    expect(finalRaw('1. a\n\npara\n\nmore')).to.equal('1. a\n\n');
  });

  it('never finalises an unclosed fence', () => {
    expect(finalRaw('a\n\nb\n\n```\ncode\n\nstill code')).to.equal('a\n\n');
  });

  it('finalises nothing when the raws do not add up to the source', () => {
    const tokens = [
      { type: 'paragraph', raw: 'a\n' },
      { type: 'paragraph', raw: 'b\n' },
      { type: 'paragraph', raw: 'c' },
    ];
    expect(countFinalTokens(tokens, 5)).to.equal(1);
    expect(countFinalTokens(tokens, 7)).to.equal(0);
  });
});
