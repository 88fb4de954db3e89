// estimateTokens: the documented approximation, its edge cases and its speed class.

import { describe, expect, it } from 'vitest';
import {
  estimateMessagesTokens,
  estimateTokens,
  MESSAGE_OVERHEAD_TOKENS,
} from './estimate-tokens.js';

describe('estimateTokens', () => {
  it('counts words, punctuation and line breaks, and spaces as free', () => {
    expect(estimateTokens('')).toBe(0);
    expect(estimateTokens('   \t ')).toBe(0);
    // Hello , world ! How are you ? → 8, like a real BPE tokenizer.
    expect(estimateTokens('Hello, world! How are you?')).toBe(8);
    expect(estimateTokens('a\nb')).toBe(3);
  });

  it('splits long words and snake_case names into pieces of up to 8 characters', () => {
    expect(estimateTokens('customer')).toBe(1);
    expect(estimateTokens('customers')).toBe(2);
    expect(estimateTokens('shipping_address_id')).toBe(3);
  });

  it('counts SQL DDL within the expected range of a real tokenizer', () => {
    // cl100k gives 16 tokens for this line; the estimate may err high, not much low.
    const line = '  email varchar(255) NOT NULL UNIQUE,';
    expect(estimateTokens(line)).toBeGreaterThanOrEqual(8);
    expect(estimateTokens(line)).toBeLessThanOrEqual(20);
  });

  it('counts every non-ASCII code unit as a token', () => {
    expect(estimateTokens('数据库')).toBe(3);
    expect(estimateTokens('👋')).toBe(2);
    expect(estimateTokens('café')).toBe(2);
  });

  it('grows linearly with the text', () => {
    const unit = 'CREATE TABLE orders (id bigint PRIMARY KEY, customer_id uuid NOT NULL);\n';
    expect(estimateTokens(unit.repeat(100))).toBe(estimateTokens(unit) * 100);
  });
});

describe('estimateMessagesTokens', () => {
  it('adds the per-message overhead and the assistant priming', () => {
    const messages = [
      { content: 'You answer questions.' },
      { content: 'Hello, world! How are you?' },
    ];
    // You answer questions(9 letters: 2) . → 5; the second message → 8.
    expect(estimateMessagesTokens(messages)).toBe(3 + 5 + 8 + 2 * MESSAGE_OVERHEAD_TOKENS);
    expect(estimateMessagesTokens([])).toBe(3);
  });
});
