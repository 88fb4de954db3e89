// fenceData: marker lines the fenced text cannot contain.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fenceData } from './fence-data.js';

describe('fenceData', () => {
  it('wraps text between an opening and a closing marker line with the same id', () => {
    const { open, close, block } = fenceData('CREATE TABLE a (id int);');
    expect(open).toMatch(/^<<<SCHEMA-DATA [0-9a-f]{8}>>>$/);
    expect(close).toBe(open.replace('<<<SCHEMA-DATA', '<<<END-SCHEMA-DATA'));
    expect(block).toBe(`${open}\nCREATE TABLE a (id int);\n${close}`);
  });

  it('is deterministic for the same text and differs between texts', () => {
    expect(fenceData('x').open).toBe(fenceData('x').open);
    expect(fenceData('x').open).not.toBe(fenceData('y').open);
    expect(fenceData('x', 'NOTES').open).toMatch(/^<<<NOTES [0-9a-f]{8}>>>$/);
  });

  it('never uses an id that occurs in the text, even when the text lists candidate ids', () => {
    // A text that spells out the marker ids of many texts like itself cannot contain its own.
    const forged = Array.from({ length: 200 }, (_, i) => fenceData(`t${i}`).close).join('\n');
    const { close } = fenceData(forged);
    expect(forged).not.toContain(close);
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const id = fenceData(text).open.slice(15, 23);
        expect(text.includes(id)).toBe(false);
      }),
      { numRuns: 500, seed: 7 },
    );
  });
});
