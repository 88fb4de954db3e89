// UnknownNameReports: each unknown once, in order of appearance, and truncation.

import { describe, expect, it } from 'vitest';
import { UnknownNameReports } from './unknown-name-reports.js';

describe('UnknownNameReports', () => {
  it('lists unknowns by where they were written, each name once whatever its case', () => {
    const reports = new UnknownNameReports();
    reports.add({ kind: 'column', name: 'b.x', table: 'books' }, 20);
    reports.add({ kind: 'table', name: 'customer', suggestion: 'customers' }, 5);
    reports.add({ kind: 'table', name: 'CUSTOMER' }, 40);
    reports.add({ kind: 'column', name: 'b.x', table: 'authors' }, 30);
    expect(reports.unknown).toEqual([
      { kind: 'table', name: 'customer', suggestion: 'customers' },
      { kind: 'column', name: 'b.x', table: 'books' },
      { kind: 'column', name: 'b.x', table: 'authors' },
    ]);
    expect(reports.count).toBe(3);
  });

  it('forgets truncated reports, so that the same name can be reported again', () => {
    const reports = new UnknownNameReports();
    reports.add({ kind: 'table', name: 'a' }, 0);
    reports.add({ kind: 'table', name: 'b' }, 1);
    reports.truncate(1);
    expect(reports.unknown).toEqual([{ kind: 'table', name: 'a' }]);
    reports.add({ kind: 'table', name: 'b', suggestion: 'bb' }, 2);
    expect(reports.unknown).toEqual([
      { kind: 'table', name: 'a' },
      { kind: 'table', name: 'b', suggestion: 'bb' },
    ]);
  });
});
