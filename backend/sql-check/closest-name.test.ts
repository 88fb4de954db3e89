// closestName: typos, plurals, abbreviations and word containment; nothing when nothing is close.

import { describe, expect, it } from 'vitest';
import { closestName, editDistance } from './closest-name.js';

describe('closestName', () => {
  it('finds typos, transpositions and singular/plural forms', () => {
    expect(closestName('ful_name', ['id', 'full_name', 'born_on'])).toBe('full_name');
    expect(closestName('titel', ['title', 'isbn'])).toBe('title');
    expect(closestName('customer', ['orders', 'customers'])).toBe('customers');
    expect(closestName('category', ['categories', 'books'])).toBe('categories');
    expect(closestName('fullName', ['full_name'])).toBe('full_name');
  });

  it('finds abbreviations and contained words when they are unambiguous', () => {
    expect(closestName('qty', ['order_id', 'quantity'])).toBe('quantity');
    expect(closestName('org_id', ['id', 'organization_id'])).toBe('organization_id');
    expect(closestName('name', ['id', 'full_name', 'email'])).toBe('full_name');
    expect(closestName('name', ['first_name', 'last_name'])).toBeUndefined();
  });

  it('suggests nothing for unrelated or very short names', () => {
    expect(closestName('author_id', ['id', 'title', 'publisher_id'])).toBeUndefined();
    expect(closestName('x', ['b', 'books'])).toBeUndefined();
    expect(closestName('', ['a'])).toBeUndefined();
  });
});

describe('editDistance', () => {
  it('counts edits and adjacent transpositions, stopping above the limit', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('ab', 'ba')).toBe(1);
    expect(editDistance('abcdef', 'uvwxyz', 2)).toBe(3);
  });
});
