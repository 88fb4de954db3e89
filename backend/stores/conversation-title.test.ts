// deriveConversationTitle: the title of a conversation from its first question.

import { describe, expect, it } from 'vitest';
import { deriveConversationTitle, FALLBACK_TITLE, MAX_TITLE_LENGTH } from './conversation-title.js';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

describe('deriveConversationTitle', () => {
  it('returns a short question unchanged', () => {
    expect(deriveConversationTitle('How are orders linked to customers?')).toBe(
      'How are orders linked to customers?',
    );
  });

  it('collapses line breaks, tabs and runs of spaces and trims the ends', () => {
    expect(deriveConversationTitle('  List the tables\r\n\r\nwith\t their   keys \n')).toBe(
      'List the tables with their keys',
    );
  });

  it('keeps a question of exactly 80 characters whole', () => {
    const question = `${'word '.repeat(15)}abcde`;
    expect(question).toHaveLength(80);
    expect(deriveConversationTitle(question)).toBe(question);
  });

  it('cuts a longer question at the last word boundary and adds an ellipsis', () => {
    const question =
      'Explain the relationship between the orders table and the customers table, and also invoices.';
    expect(deriveConversationTitle(question)).toBe(
      'Explain the relationship between the orders table and the customers table, and…',
    );
  });

  it('keeps a word that ends exactly at the cut', () => {
    const question = `${'a'.repeat(79)} tail`;
    expect(deriveConversationTitle(question)).toBe(`${'a'.repeat(79)}…`);
  });

  it('cuts mid-word when the only space is in the first half', () => {
    const question = `Why ${'x'.repeat(200)}`;
    const title = deriveConversationTitle(question);
    expect(title).toBe(`Why ${'x'.repeat(75)}…`);
    expect(title).toHaveLength(MAX_TITLE_LENGTH);
  });

  it('never splits a surrogate pair or an emoji sequence', () => {
    expect(deriveConversationTitle('🚀'.repeat(100))).toBe(`${'🚀'.repeat(39)}…`);
    const family = deriveConversationTitle(`a${'👩‍💻'.repeat(60)}`);
    expect(family).toBe(`a${'👩‍💻'.repeat(15)}…`);
    expect(family).not.toMatch(LONE_SURROGATE);
  });

  it('cuts by code point when a single grapheme is longer than the title', () => {
    const title = deriveConversationTitle(`e${'\u0301'.repeat(200)}`);
    expect(title).toHaveLength(MAX_TITLE_LENGTH);
    expect(title.endsWith('…')).toBe(true);
  });

  it('falls back to a generic title for a question without visible text', () => {
    expect(deriveConversationTitle(' \r\n\t ')).toBe(FALLBACK_TITLE);
    expect(deriveConversationTitle('')).toBe(FALLBACK_TITLE);
  });
});
