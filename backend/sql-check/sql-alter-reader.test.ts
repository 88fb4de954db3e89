// SqlAlterReader (through parseSqlStatements): ALTER TABLE actions, DROP, TRUNCATE, COMMENT ON.

import { describe, expect, it } from 'vitest';
import { readError, readStatement } from './test-helpers/read-sql.js';

describe('SqlAlterReader', () => {
  it('reads each action of ALTER TABLE', () => {
    const statement = readStatement(
      `ALTER TABLE IF EXISTS ONLY orders
        ADD COLUMN IF NOT EXISTS note text,
        ADD CONSTRAINT c CHECK (total > 0),
        DROP COLUMN IF EXISTS old,
        ALTER COLUMN status SET DEFAULT 'new',
        RENAME COLUMN a TO b,
        MODIFY COLUMN c int,
        CHANGE d e text,
        DROP CONSTRAINT IF EXISTS x CASCADE,
        OWNER TO admin`,
    );
    expect(statement.kind === 'alter-table' && statement.actions.map((a) => a.kind)).toEqual([
      'add-column',
      'add-constraint',
      'drop-column',
      'alter-column',
      'rename-column',
      'modify-column',
      'change-column',
      'other',
      'other',
    ]);
  });

  it('reads RENAME TO as a table rename and refuses unknown actions', () => {
    expect(readStatement('ALTER TABLE a RENAME TO b')).toMatchObject({
      actions: [{ kind: 'rename-table', to: [{ value: 'b' }] }],
    });
    expect(readError('ALTER TABLE a FROB x')).toBe('unsupported ALTER TABLE action at offset 14');
    expect(readError('ALTER INDEX i RENAME TO j')).toBe('unsupported ALTER at offset 6');
  });

  it('reads DROP TABLE, and accepts other DROPs without checking them', () => {
    expect(readStatement('DROP TABLE IF EXISTS a, s.b CASCADE')).toMatchObject({
      kind: 'drop-table',
      ifExists: true,
      names: [[{ value: 'a' }], [{ value: 's' }, { value: 'b' }]],
    });
    expect(readStatement('DROP FUNCTION f(int, text)')).toEqual({ kind: 'noop' });
    expect(readError('DROP DATABASE d')).toBe('unsupported DROP at offset 5');
  });

  it('reads TRUNCATE and COMMENT ON', () => {
    expect(readStatement('TRUNCATE TABLE ONLY a, b RESTART IDENTITY CASCADE')).toMatchObject({
      kind: 'truncate',
      names: [[{ value: 'a' }], [{ value: 'b' }]],
    });
    expect(readStatement("COMMENT ON COLUMN orders.status IS 'state'")).toMatchObject({
      kind: 'comment',
      target: 'column',
      name: [{ value: 'orders' }, { value: 'status' }],
    });
    expect(readError('COMMENT ON COLUMN a.b IS 1')).toBe('COMMENT value at offset 25');
  });
});
