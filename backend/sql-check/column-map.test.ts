// columnMap and renameColumns: the columns of relations the SQL defines.

import { describe, expect, it } from 'vitest';
import { columnMap, renameColumns } from './column-map.js';
import type { Ident } from './sql-ast.js';

const idents = (...values: string[]): Ident[] =>
  values.map((value) => ({ value, quote: '', start: 0 }));

describe('columnMap', () => {
  it('maps lower-case names to the names as written', () => {
    expect([...columnMap(idents('Id', 'total'))]).toEqual([
      ['id', 'Id'],
      ['total', 'total'],
    ]);
  });
});

describe('renameColumns', () => {
  it('renames columns in order and keeps the ones after the last alias', () => {
    const relation = { name: 's', columns: columnMap(idents('a', 'b', 'c')), open: false };
    expect(renameColumns(relation, idents('x', 'y'))).toEqual({
      name: 's',
      columns: columnMap(idents('x', 'y', 'c')),
      open: false,
    });
  });

  it('gives a relation of unknown columns the aliases, still open', () => {
    expect(renameColumns({ name: 'f', columns: undefined, open: true }, idents('v'))).toEqual({
      name: 'f',
      columns: columnMap(idents('v')),
      open: true,
    });
  });
});
