import { describe, expect, it } from 'vitest';
import { readSqlCheck } from './read-sql-check.js';

describe('readSqlCheck', () => {
  it('reads a well-formed check as it is', () => {
    const check = {
      blocks: [
        {
          index: 0,
          language: 'sql',
          status: 'unknown-identifiers',
          unknown: [
            { kind: 'column', name: 'a.ful_name', table: 'authors', suggestion: 'full_name' },
          ],
        },
        { index: 2, language: '', status: 'ok', unknown: [] },
      ],
    };
    expect(readSqlCheck(check)).toEqual(check);
  });

  it('keeps only the well-formed blocks and names, and nothing for a non-check', () => {
    expect(
      readSqlCheck({
        blocks: [
          { index: 'x', language: 'sql', status: 'ok', unknown: [] },
          { index: 1, language: 'sql', status: 'maybe', unknown: [] },
          {
            index: 3,
            language: 'sql',
            status: 'unknown-identifiers',
            unknown: [
              { kind: 'index', name: 'i' },
              { kind: 'table', name: 'customer', suggestion: 7 },
            ],
          },
        ],
      }),
    ).toEqual({
      blocks: [
        {
          index: 3,
          language: 'sql',
          status: 'unknown-identifiers',
          unknown: [{ kind: 'table', name: 'customer' }],
        },
      ],
    });
    expect(readSqlCheck(undefined)).toBeUndefined();
    expect(readSqlCheck({ blocks: 'no' })).toBeUndefined();
  });
});
