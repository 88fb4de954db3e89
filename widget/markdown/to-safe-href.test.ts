// Which link destinations in model output may become clickable.
/// <reference types="mocha" />

import { expect } from 'chai';
import { toSafeHref } from './to-safe-href.js';

describe('toSafeHref', () => {
  it('accepts absolute http, https and mailto URLs, normalised', () => {
    expect(toSafeHref('https://example.com/a?b=1#c')).to.equal('https://example.com/a?b=1#c');
    expect(toSafeHref('HTTP://Example.com')).to.equal('http://example.com/');
    expect(toSafeHref('mailto:dba@example.com')).to.equal('mailto:dba@example.com');
    expect(toSafeHref(' https://example.com ')).to.equal('https://example.com/');
  });

  it('rejects script-bearing and local schemes, however they are disguised', () => {
    for (const href of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      ' javascript:alert(1)',
      'java\tscript:alert(1)',
      'java\nscript:alert(1)',
      '\u0001javascript:alert(1)',
      '&#106;avascript:alert(1)',
      '&#x6A;avascript:alert(1)',
      'javascript&colon;alert(1)',
      'data:text/html,<script>alert(1)</script>',
      'vbscript:msgbox(1)',
      'blob:https://example.com/uuid',
      'file:///etc/passwd',
      'ftp://example.com/',
    ]) {
      expect(toSafeHref(href), JSON.stringify(href)).to.equal(undefined);
    }
  });

  it('rejects relative URLs and URLs with credentials', () => {
    expect(toSafeHref('/admin')).to.equal(undefined);
    expect(toSafeHref('//evil.example/')).to.equal(undefined);
    expect(toSafeHref('https://bank.example@evil.example/')).to.equal(undefined);
    expect(toSafeHref('')).to.equal(undefined);
    expect(toSafeHref(undefined)).to.equal(undefined);
  });

  it('does not decode character references when told the destination is literal', () => {
    expect(toSafeHref('https://x.example/?a=1&amp;b=2', false)).to.equal(
      'https://x.example/?a=1&amp;b=2',
    );
    expect(toSafeHref('https://x.example/?a=1&amp;b=2')).to.equal('https://x.example/?a=1&b=2');
  });
});
