// The layer of the SQL reader for statements that change what exists: `ALTER TABLE` (columns,
// constraints, renames, MySQL `MODIFY` / `CHANGE`), `DROP`, `TRUNCATE` and `COMMENT ON`.

import type { AlterAction, Expr, Ident, Statement } from './sql-ast.js';
import { SqlCreateReader } from './sql-create-reader.js';
import { SqlSyntaxError } from './sql-token-cursor.js';

/** What `DROP` may drop besides tables: names the checker does not track. */
const UNTRACKED_DROPS = new Set([
  'INDEX',
  'VIEW',
  'MATERIALIZED',
  'SEQUENCE',
  'TYPE',
  'SCHEMA',
  'FUNCTION',
  'TRIGGER',
]);

/** `TRUNCATE` options after the names. */
const TRUNCATE_OPTIONS = new Set(['RESTART', 'CONTINUE', 'IDENTITY', 'CASCADE', 'RESTRICT']);

/** Reads `ALTER TABLE`, `DROP`, `TRUNCATE` and `COMMENT ON`. */
export abstract class SqlAlterReader extends SqlCreateReader {
  /** `ALTER TABLE [IF EXISTS] [ONLY] name action, …`. */
  protected alter(): Statement {
    this.expectWord('ALTER');
    if (!this.eatWord('TABLE')) throw new SqlSyntaxError('unsupported ALTER');
    const ifExists = this.eatWord('IF', 'EXISTS');
    this.eatWord('ONLY');
    const table = this.qualifiedName();
    const actions: AlterAction[] = [];
    do actions.push(this.alterAction());
    while (this.eatPunct(','));
    return { kind: 'alter-table', table, ifExists, actions };
  }

  /** One action of `ALTER TABLE`. */
  protected alterAction(): AlterAction {
    if (this.eatWord('ADD')) {
      if (this.eatWord('COLUMN')) {
        this.ifNotExists();
        return { kind: 'add-column', column: this.columnDef() };
      }
      this.ifNotExists();
      if (this.isTableConstraintStart())
        return { kind: 'add-constraint', constraint: this.tableConstraint() };
      return { kind: 'add-column', column: this.columnDef() };
    }
    if (this.eatWord('DROP')) {
      if (
        this.eatWord('CONSTRAINT') ||
        this.eatWord('INDEX') ||
        this.eatWord('KEY') ||
        this.eatWord('PRIMARY', 'KEY') ||
        this.eatWord('FOREIGN', 'KEY') ||
        this.eatWord('CHECK')
      ) {
        this.eatWord('IF', 'EXISTS');
        if (this.isIdent()) this.ident();
        this.eatWord('CASCADE') || this.eatWord('RESTRICT');
        return { kind: 'other' };
      }
      this.eatWord('COLUMN');
      const ifExists = this.eatWord('IF', 'EXISTS');
      const name = this.ident(true);
      this.eatWord('CASCADE') || this.eatWord('RESTRICT');
      return { kind: 'drop-column', name, ifExists };
    }
    if (this.eatWord('RENAME')) {
      if (this.eatWord('TO') || this.eatWord('AS'))
        return { kind: 'rename-table', to: this.qualifiedName() };
      if (this.eatWord('CONSTRAINT') || this.eatWord('INDEX') || this.eatWord('KEY')) {
        this.ident(true);
        this.expectWord('TO');
        this.ident(true);
        return { kind: 'other' };
      }
      this.eatWord('COLUMN');
      const from = this.ident(true);
      this.expectWord('TO');
      return { kind: 'rename-column', from, to: this.ident(true) };
    }
    if (this.eatWord('ALTER')) {
      this.eatWord('COLUMN');
      const name = this.ident(true);
      const exprs: Expr[] = [];
      while (!this.atEnd() && !this.isPunct(',')) {
        if (this.eatWord('DEFAULT') || this.eatWord('USING')) {
          if (!this.atEnd() && !this.isPunct(',')) exprs.push(this.expr());
        } else if (this.isPunct('(')) this.skipGroup();
        else if (this.peek()?.kind === 'punct' && !this.isPunct('.') && !this.isPunct('[]')) {
          throw new SqlSyntaxError('ALTER COLUMN');
        } else this.pos++;
      }
      return { kind: 'alter-column', name, exprs };
    }
    if (this.eatWord('MODIFY')) {
      this.eatWord('COLUMN');
      return { kind: 'modify-column', column: this.columnDef() };
    }
    if (this.eatWord('CHANGE')) {
      this.eatWord('COLUMN');
      const from = this.ident(true);
      return { kind: 'change-column', from, column: this.columnDef() };
    }
    // OWNER TO, SET …, ENABLE/DISABLE TRIGGER, VALIDATE CONSTRAINT, ENGINE=…: nothing to check.
    const token = this.peek();
    if (
      token?.kind === 'word' &&
      [
        'OWNER',
        'SET',
        'RESET',
        'ENABLE',
        'DISABLE',
        'VALIDATE',
        'ENGINE',
        'CLUSTER',
        'INHERIT',
        'NO',
        'REPLICA',
        'FORCE',
        'AUTO_INCREMENT',
        'COMMENT',
        'DEFAULT',
        'CHARACTER',
        'CONVERT',
      ].includes(token.upper)
    ) {
      this.skipGroupsUntil(',');
      return { kind: 'other' };
    }
    throw new SqlSyntaxError('unsupported ALTER TABLE action');
  }

  /** `DROP TABLE …`; other `DROP`s name nothing the checker tracks. */
  protected drop(): Statement {
    this.expectWord('DROP');
    if (this.eatWord('TABLE')) {
      const ifExists = this.eatWord('IF', 'EXISTS');
      const names: Ident[][] = [];
      do names.push(this.qualifiedName());
      while (this.eatPunct(','));
      this.eatWord('CASCADE') || this.eatWord('RESTRICT');
      return { kind: 'drop-table', names, ifExists };
    }
    if (this.isAnyWord(UNTRACKED_DROPS)) {
      // Names the checker does not track: accepted without a check.
      this.skipGroupsUntil();
      return { kind: 'noop' };
    }
    throw new SqlSyntaxError('unsupported DROP');
  }

  /** `TRUNCATE [TABLE] names …`. */
  protected truncate(): Statement {
    this.expectWord('TRUNCATE');
    this.eatWord('TABLE');
    this.eatWord('ONLY');
    const names: Ident[][] = [];
    do names.push(this.qualifiedName());
    while (this.eatPunct(','));
    while (this.isAnyWord(TRUNCATE_OPTIONS)) this.pos++;
    return { kind: 'truncate', names };
  }

  /** `COMMENT ON TABLE | COLUMN name IS …`. */
  protected comment(): Statement {
    this.expectWord('COMMENT');
    this.expectWord('ON');
    const target = this.isWord('TABLE') ? 'table' : this.isWord('COLUMN') ? 'column' : undefined;
    if (!target) throw new SqlSyntaxError('unsupported COMMENT');
    this.pos++;
    const name = this.qualifiedName();
    this.expectWord('IS');
    const value = this.next();
    if (value.kind !== 'string' && !(value.kind === 'word' && value.upper === 'NULL')) {
      throw new SqlSyntaxError('COMMENT value');
    }
    return { kind: 'comment', target, name };
  }
}
