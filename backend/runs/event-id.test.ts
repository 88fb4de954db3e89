import { describe, expect, it } from 'vitest';
import { formatEventId, parseEventId, terminalSeq, textOffsetAfter, tokenSeq } from './event-id.js';
import { runIdFor } from './run-id.js';

describe('event ids', () => {
  it('round-trips run id and seq', () => {
    expect(parseEventId(formatEventId('AbC_-9', 42))).toEqual({ runId: 'AbC_-9', seq: 42 });
  });

  it.each([
    undefined,
    '',
    'nocolon',
    ':5',
    'run:',
    'run:-1',
    'run:1.5',
    'ru n:1',
    `${'a'.repeat(101)}:1`,
    'run:1e3',
  ])('ignores the malformed Last-Event-ID %j', (value) => {
    expect(parseEventId(value)).toBeUndefined();
  });

  it('makes seqs strictly increasing over a stream', () => {
    const seqs = [0, tokenSeq(3), tokenSeq(4), tokenSeq(10), terminalSeq(10)];
    for (let i = 1; i < seqs.length; i++) expect(seqs[i]).toBeGreaterThan(seqs[i - 1] as number);
  });

  it('maps a seq back to the text offset the client has', () => {
    expect(textOffsetAfter(0)).toBe(0);
    expect(textOffsetAfter(tokenSeq(17))).toBe(17);
  });

  it('derives a short, stable run id from a message id', () => {
    const id = runIdFor('3b241101-e2bb-4255-8caf-4136c566a962');
    expect(id).toMatch(/^[A-Za-z0-9_-]{11}$/);
    expect(runIdFor('3b241101-e2bb-4255-8caf-4136c566a962')).toBe(id);
    expect(runIdFor('9b241101-e2bb-4255-8caf-4136c566a962')).not.toBe(id);
  });
});
