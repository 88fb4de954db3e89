// createScope, tableScope and unknownRelation: the scopes name resolution starts from.

import { describe, expect, it } from 'vitest';
import { createScope, tableScope, unknownRelation } from './sql-scope.js';

describe('sql-scope', () => {
  it('creates an empty scope below its parent', () => {
    const parent = createScope(undefined);
    expect(createScope(parent)).toEqual({
      sources: [],
      parent,
      ctes: new Map(),
      outputAliases: undefined,
    });
  });

  it('puts a table under its last name for its own expressions', () => {
    const relation = unknownRelation('shop.items');
    const scope = tableScope(relation, [
      { value: 'shop', quote: '', start: 0 },
      { value: 'items', quote: '', start: 5 },
    ]);
    expect(scope.parent).toBeUndefined();
    expect(scope.sources).toEqual([{ alias: { value: 'items', quote: '', start: 5 }, relation }]);
  });

  it('makes a relation of unknown columns, open to any column', () => {
    expect(unknownRelation()).toEqual({ name: '', columns: undefined, open: true });
  });
});
