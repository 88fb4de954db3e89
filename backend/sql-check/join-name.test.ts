// joinName: a dotted name without its quotes.

import { describe, expect, it } from 'vitest';
import { joinName } from './join-name.js';

describe('joinName', () => {
  it('joins the parts with dots, without their quotes', () => {
    expect(
      joinName([
        { value: 'public', quote: '', start: 0 },
        { value: 'Books', quote: '"', start: 7 },
      ]),
    ).toBe('public.Books');
  });
});
