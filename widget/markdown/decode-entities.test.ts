// Character references in markdown text.
/// <reference types="mocha" />

import { expect } from 'chai';
import { decodeEntities } from './decode-entities.js';

describe('decodeEntities', () => {
  it('decodes named, decimal and hexadecimal references', () => {
    expect(decodeEntities('&lt;a&gt; &amp; &quot;&apos; &#60;&#x3C;&#X3c; &nbsp;&mdash;')).to.equal(
      '<a> & "\' <<< \u00a0—',
    );
  });

  it('leaves unknown names and malformed references as written', () => {
    expect(decodeEntities('&bogus; &amp &#; &#x; & plain')).to.equal(
      '&bogus; &amp &#; &#x; & plain',
    );
  });

  it('turns NUL, surrogates and out-of-range code points into U+FFFD', () => {
    expect(decodeEntities('&#0;&#xD800;&#1114112;')).to.equal('\ufffd\ufffd\ufffd');
  });
});
