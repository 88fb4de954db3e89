// parseSchema: DDL in the Postgres, MySQL and SQLite dialects, structured schemas, caching, and a
// parser that never throws.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StructuredSchema } from '../projects/project-resolver.js';
import { parseSchema } from './parse-schema.js';
import type { ParsedTable } from './parsed-schema.js';
import { SHOP_DDL } from './test-helpers/shop-schema.js';

function table(ddl: string | StructuredSchema, name: string): ParsedTable {
  const found = parseSchema(ddl).tables.find((t) => t.name === name);
  if (!found) throw new Error(`no table ${name}`);
  return found;
}

function column(t: ParsedTable, name: string) {
  const found = t.columns.find((c) => c.name === name);
  if (!found) throw new Error(`no column ${name}`);
  return found;
}

describe('Postgres DDL', () => {
  it('reads tables, types, nullability, keys, defaults and comments of a realistic schema', () => {
    const schema = parseSchema(SHOP_DDL);
    expect(schema.tables.map((t) => t.name)).toEqual([
      'customers',
      'addresses',
      'categories',
      'products',
      'orders',
      'order_items',
      'payments',
      'audit_log',
    ]);
    const customers = table(SHOP_DDL, 'customers');
    expect(customers.description).toBe('People who buy things');
    expect(customers.primaryKey).toEqual(['id']);
    expect(column(customers, 'id')).toEqual({
      name: 'id',
      type: 'uuid',
      nullable: false,
      primaryKey: true,
      unique: false,
      default: 'gen_random_uuid()',
    });
    expect(column(customers, 'email')).toMatchObject({
      type: 'varchar(255)',
      nullable: false,
      unique: true,
    });
    expect(column(customers, 'created_at')).toMatchObject({
      type: 'timestamptz',
      default: 'now()',
    });

    const orders = table(SHOP_DDL, 'orders');
    expect(column(orders, 'status')).toMatchObject({ nullable: false, default: "'pending'" });
    expect(column(orders, 'shipping_address_id')).toMatchObject({
      nullable: true,
      references: { table: 'addresses', column: 'id' },
    });
    // Table-level FOREIGN KEY with a CONSTRAINT name, reflected on the column too.
    expect(column(orders, 'customer_id').references).toEqual({ table: 'customers', column: 'id' });
    expect(orders.foreignKeys).toContainEqual({
      columns: ['customer_id'],
      references: { table: 'customers', columns: ['id'] },
    });
    expect(orders.indexes).toEqual([
      { name: 'orders_customer_idx', columns: ['customer_id'], unique: false },
    ]);

    const items = table(SHOP_DDL, 'order_items');
    expect(items.primaryKey).toEqual(['order_id', 'product_id']);
    expect(column(items, 'order_id')).toMatchObject({ primaryKey: true, nullable: false });
    expect(column(items, 'quantity').default).toBe('1');

    expect(table(SHOP_DDL, 'categories').foreignKeys).toEqual([
      { columns: ['parent_id'], references: { table: 'categories', columns: ['id'] } },
    ]);
    expect(table(SHOP_DDL, 'audit_log').primaryKey).toEqual([]);
  });

  it('reads pg_dump output: schema-qualified names, ALTER TABLE ONLY … ADD CONSTRAINT, COMMENT ON COLUMN', () => {
    const ddl = `
      SET statement_timeout = 0;
      SELECT pg_catalog.set_config('search_path', '', false);
      CREATE TYPE public.mood AS ENUM ('sad', 'ok');
      CREATE TABLE public.users (
          id integer NOT NULL,
          name character varying(100) DEFAULT NULL::character varying,
          mood public.mood,
          tags text[] NOT NULL
      );
      CREATE TABLE billing.invoices (id integer NOT NULL, user_id integer);
      CREATE SEQUENCE public.users_id_seq AS integer START WITH 1;
      ALTER TABLE ONLY public.users ALTER COLUMN id SET DEFAULT nextval('public.users_id_seq'::regclass);
      ALTER TABLE ONLY public.users ADD CONSTRAINT users_pkey PRIMARY KEY (id);
      ALTER TABLE ONLY billing.invoices
          ADD CONSTRAINT invoices_user_id_fkey FOREIGN KEY (user_id) REFERENCES public.users(id) ON DELETE SET NULL;
      COMMENT ON COLUMN public.users.name IS 'Display name';
      CREATE FUNCTION public.touch() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        CREATE TABLE not_a_table (x int);
        RETURN NEW;
      END;
      $$;
    `;
    const schema = parseSchema(ddl);
    expect(schema.tables.map((t) => t.name)).toEqual(['users', 'billing.invoices']);
    const users = table(ddl, 'users');
    expect(users.primaryKey).toEqual(['id']);
    expect(column(users, 'id').default).toBe("nextval('public.users_id_seq'::regclass)");
    expect(column(users, 'name')).toMatchObject({
      type: 'character varying(100)',
      default: 'NULL',
      description: 'Display name',
    });
    expect(column(users, 'mood').type).toBe('public.mood');
    expect(column(users, 'tags').type).toBe('text[]');
    expect(column(table(ddl, 'billing.invoices'), 'user_id').references).toEqual({
      table: 'users',
      column: 'id',
    });
  });

  it('reads identity columns, quoted identifiers, composite foreign keys and unique constraints', () => {
    const ddl = `
      CREATE TABLE "Tenant" ("TenantId" bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "Name" text);
      CREATE TABLE "Project" (
        tenant_id bigint NOT NULL,
        code text NOT NULL,
        "weird ""name""" int,
        PRIMARY KEY (tenant_id, code),
        CONSTRAINT uq UNIQUE (tenant_id, "weird ""name"""),
        FOREIGN KEY (tenant_id) REFERENCES "Tenant"
      );
      CREATE TABLE task (
        tenant_id bigint, project_code text,
        FOREIGN KEY (tenant_id, project_code) REFERENCES "Project" (tenant_id, code) MATCH FULL
      );
      CREATE UNIQUE INDEX IF NOT EXISTS task_lower ON task (lower(project_code), tenant_id DESC);
    `;
    const tenant = table(ddl, 'Tenant');
    expect(column(tenant, 'TenantId')).toMatchObject({ type: 'bigint', primaryKey: true });
    expect(column(tenant, 'TenantId').default).toBeUndefined();
    const project = table(ddl, 'Project');
    expect(column(project, 'weird "name"').type).toBe('int');
    expect(project.indexes).toEqual([{ columns: ['tenant_id', 'weird "name"'], unique: true }]);
    // REFERENCES without columns means the target's primary key.
    expect(column(project, 'tenant_id').references).toEqual({
      table: 'Tenant',
      column: 'TenantId',
    });
    expect(table(ddl, 'task').foreignKeys).toEqual([
      {
        columns: ['tenant_id', 'project_code'],
        references: { table: 'Project', columns: ['tenant_id', 'code'] },
      },
    ]);
    expect(table(ddl, 'task').indexes).toEqual([
      { name: 'task_lower', columns: ['lower(project_code)', 'tenant_id'], unique: true },
    ]);
  });

  it('follows ALTER TABLE: add/drop/rename columns, set/drop NOT NULL, change types, rename tables', () => {
    const ddl = `
      CREATE TABLE a (id int PRIMARY KEY, old_name text, gone int, n int NOT NULL);
      CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a(id));
      ALTER TABLE a ADD COLUMN IF NOT EXISTS extra jsonb DEFAULT '{}'::jsonb, DROP COLUMN gone;
      ALTER TABLE a RENAME COLUMN old_name TO new_name;
      ALTER TABLE a ALTER COLUMN n DROP NOT NULL, ALTER COLUMN new_name SET NOT NULL;
      ALTER TABLE a ALTER COLUMN extra TYPE json USING extra::json;
      ALTER TABLE a RENAME TO alpha;
      ALTER TABLE b ADD CONSTRAINT b_uq UNIQUE (a_id);
      DROP TABLE IF EXISTS nothing_here;
    `;
    const alpha = table(ddl, 'alpha');
    expect(alpha.columns.map((c) => c.name)).toEqual(['id', 'new_name', 'n', 'extra']);
    expect(column(alpha, 'n').nullable).toBe(true);
    expect(column(alpha, 'new_name').nullable).toBe(false);
    expect(column(alpha, 'extra')).toMatchObject({ type: 'json', default: "'{}'::jsonb" });
    const b = table(ddl, 'b');
    expect(column(b, 'a_id')).toMatchObject({
      unique: true,
      references: { table: 'alpha', column: 'id' },
    });
  });

  it('drops tables named in DROP TABLE and keeps the last definition of a re-created table', () => {
    const ddl = `
      CREATE TABLE temp_a (x int); CREATE TABLE temp_b (y int);
      DROP TABLE temp_a, temp_b CASCADE;
      CREATE TABLE t (v1 int); DROP TABLE t; CREATE TABLE t (v2 int);
    `;
    expect(parseSchema(ddl).tables.map((t) => [t.name, t.columns.map((c) => c.name)])).toEqual([
      ['t', ['v2']],
    ]);
  });
});

describe('MySQL DDL', () => {
  it('reads backticks, AUTO_INCREMENT, KEY/INDEX, column and table comments, ON UPDATE and enums', () => {
    const ddl = `
      /*!40101 SET NAMES utf8mb4 */;
      DROP TABLE IF EXISTS \`users\`;
      CREATE TABLE \`users\` (
        \`id\` int(11) unsigned NOT NULL AUTO_INCREMENT,
        \`email\` varchar(191) COLLATE utf8mb4_unicode_ci NOT NULL COMMENT 'Login, it\\'s unique',
        \`role\` enum('admin','member') NOT NULL DEFAULT 'member',
        \`key\` varchar(10) DEFAULT NULL,
        \`updated_at\` timestamp NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
        PRIMARY KEY (\`id\`),
        UNIQUE KEY \`users_email_unique\` (\`email\`),
        KEY \`users_role_index\` (\`role\`(5))
      ) ENGINE=InnoDB AUTO_INCREMENT=42 DEFAULT CHARSET=utf8mb4 COMMENT='Accounts';
      # a MySQL comment line with CREATE TABLE nope (x int);
      CREATE TABLE posts (
        id bigint unsigned NOT NULL AUTO_INCREMENT PRIMARY KEY,
        user_id int(11) unsigned NOT NULL,
        body longtext CHARACTER SET utf8mb4 NOT NULL,
        INDEX (user_id),
        FULLTEXT KEY ft_body (body),
        CONSTRAINT posts_user FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE ON UPDATE NO ACTION
      );
    `;
    const schema = parseSchema(ddl);
    expect(schema.tables.map((t) => t.name)).toEqual(['users', 'posts']);
    const users = table(ddl, 'users');
    expect(users.description).toBe('Accounts');
    expect(column(users, 'id')).toMatchObject({
      type: 'int(11) unsigned',
      primaryKey: true,
      nullable: false,
    });
    expect(column(users, 'email')).toMatchObject({
      type: 'varchar(191)',
      nullable: false,
      unique: true,
      description: "Login, it's unique",
    });
    expect(column(users, 'role')).toMatchObject({
      type: "enum('admin','member')",
      default: "'member'",
    });
    expect(column(users, 'key')).toMatchObject({
      type: 'varchar(10)',
      default: 'NULL',
      nullable: true,
    });
    expect(column(users, 'updated_at')).toMatchObject({
      type: 'timestamp',
      default: 'CURRENT_TIMESTAMP',
      nullable: true,
    });
    expect(users.indexes).toEqual([
      { name: 'users_email_unique', columns: ['email'], unique: true },
      { name: 'users_role_index', columns: ['role'], unique: false },
    ]);
    const posts = table(ddl, 'posts');
    expect(column(posts, 'body').type).toBe('longtext');
    expect(column(posts, 'user_id').references).toEqual({ table: 'users', column: 'id' });
    expect(posts.indexes.map((i) => i.columns)).toEqual([['user_id'], ['body']]);
  });
});

describe('SQLite DDL', () => {
  it('reads typeless columns, AUTOINCREMENT, REFERENCES without a column, WITHOUT ROWID and [brackets]', () => {
    const ddl = `
      PRAGMA foreign_keys = ON;
      CREATE TABLE IF NOT EXISTS artist (artistid INTEGER PRIMARY KEY AUTOINCREMENT, artistname TEXT);
      CREATE TABLE track (
        trackid INTEGER,
        trackname,
        trackartist INTEGER REFERENCES artist ON DELETE SET DEFAULT,
        [play count] INTEGER DEFAULT (0),
        PRIMARY KEY (trackid)
      ) WITHOUT ROWID, STRICT;
      CREATE VIRTUAL TABLE search USING fts5(trackname);
      CREATE TRIGGER t AFTER INSERT ON track BEGIN UPDATE artist SET artistname = 'x'; END;
    `;
    const schema = parseSchema(ddl);
    expect(schema.tables.map((t) => t.name)).toEqual(['artist', 'track']);
    expect(column(table(ddl, 'artist'), 'artistid')).toMatchObject({
      type: 'INTEGER',
      primaryKey: true,
    });
    const track = table(ddl, 'track');
    expect(column(track, 'trackname')).toMatchObject({ type: '', nullable: true });
    expect(column(track, 'trackartist').references).toEqual({
      table: 'artist',
      column: 'artistid',
    });
    expect(column(track, 'trackartist').default).toBeUndefined();
    expect(column(track, 'play count').default).toBe('(0)');
    expect(track.primaryKey).toEqual(['trackid']);
  });
});

describe('SQL Server DDL', () => {
  it('reads [dbo].[names], IDENTITY and GO batch separators without semicolons', () => {
    const ddl = `
      CREATE TABLE [dbo].[Customers] ([Id] INT IDENTITY(1,1) NOT NULL PRIMARY KEY, [Name] NVARCHAR(100) NOT NULL)
      GO
      CREATE TABLE [dbo].[Orders] ([Id] INT NOT NULL PRIMARY KEY, [CustomerId] INT NOT NULL REFERENCES [dbo].[Customers]([Id]))
      GO
    `;
    expect(parseSchema(ddl).tables.map((t) => t.name)).toEqual(['Customers', 'Orders']);
    expect(column(table(ddl, 'Customers'), 'Id')).toMatchObject({ type: 'INT', primaryKey: true });
    expect(column(table(ddl, 'Orders'), 'CustomerId').references).toEqual({
      table: 'Customers',
      column: 'Id',
    });
  });
});

describe('robustness', () => {
  it('skips what it does not understand and keeps the rest', () => {
    const ddl = `
      this is not SQL at all ((( ;
      CREATE TABLE ok (id int PRIMARY KEY);
      CREATE TABLE copy AS SELECT * FROM ok;
      CREATE TABLE unterminated (a int, b text 'oops
    `;
    const schema = parseSchema(ddl);
    expect(schema.tables.map((t) => t.name)).toEqual(['ok', 'unterminated']);
    expect(table(ddl, 'unterminated').columns.map((c) => c.name)).toEqual(['a', 'b']);
  });

  it('returns an empty schema for empty text, comments only, or a non-schema value', () => {
    expect(parseSchema('').tables).toEqual([]);
    expect(parseSchema('-- nothing\n/* at all').tables).toEqual([]);
    expect(parseSchema(42 as unknown as string).tables).toEqual([]);
    expect(parseSchema(null as unknown as string).tables).toEqual([]);
  });

  it('never throws on arbitrary text or SQL-ish fragments', () => {
    const fragment = fc.constantFrom(
      'CREATE',
      'TABLE',
      'ALTER',
      'ADD',
      'CONSTRAINT',
      'FOREIGN',
      'KEY',
      'REFERENCES',
      'PRIMARY',
      'INDEX',
      'ON',
      'COMMENT',
      'IS',
      'DEFAULT',
      'NOT',
      'NULL',
      'RENAME',
      'TO',
      'COLUMN',
      'DROP',
      '(',
      ')',
      ',',
      ';',
      '.',
      '"',
      "'",
      '`',
      '[',
      ']',
      '$$',
      '--',
      '/*',
      '*/',
      'x',
      'y',
      '1',
      '\n',
    );
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.array(fragment, { maxLength: 60 }).map((a) => a.join(' ')),
        ),
        (text) => {
          const schema = parseSchema(text);
          expect(Array.isArray(schema.tables)).toBe(true);
        },
      ),
      { numRuns: 1500, seed: 20261123 },
    );
  });
});

describe('structured schemas', () => {
  it('normalises column flags, table keys and references into the same shape as DDL', () => {
    const structured: StructuredSchema = {
      tables: [
        {
          name: 'users',
          description: 'Accounts',
          columns: [
            { name: 'id', type: 'uuid', primaryKey: true },
            { name: 'email', type: 'text', nullable: false, unique: true },
          ],
        },
        {
          name: 'posts',
          primaryKey: ['id'],
          columns: [
            { name: 'id', type: 'bigint' },
            { name: 'author_id', type: 'uuid', references: { table: 'USERS', column: 'ID' } },
            { name: 'editor_id', type: 'uuid' },
          ],
          foreignKeys: [{ columns: ['editor_id'], references: { table: 'users', columns: [] } }],
        },
      ],
    };
    const schema = parseSchema(structured);
    expect(table(structured, 'users').primaryKey).toEqual(['id']);
    const posts = table(structured, 'posts');
    expect(column(posts, 'id')).toMatchObject({ primaryKey: true, nullable: false });
    expect(column(posts, 'author_id')).toMatchObject({
      nullable: true,
      references: { table: 'users', column: 'id' },
    });
    expect(column(posts, 'editor_id').references).toEqual({ table: 'users', column: 'id' });
    expect(schema.tables[0]?.description).toBe('Accounts');
  });

  it('drops malformed tables and columns instead of failing', () => {
    const messy = {
      tables: [
        null,
        { name: 7, columns: [] },
        {
          name: 'ok',
          columns: [{ name: 'a', type: 5 }, { type: 'int' }, 'nope', { name: 'b', default: 0 }],
        },
        { name: 'no_columns' },
      ],
    } as unknown as StructuredSchema;
    const schema = parseSchema(messy);
    expect(schema.tables.map((t) => t.name)).toEqual(['ok', 'no_columns']);
    expect(table(messy, 'ok').columns).toEqual([
      { name: 'a', type: '', nullable: true, primaryKey: false, unique: false },
      { name: 'b', type: '', nullable: true, primaryKey: false, unique: false, default: '0' },
    ]);
  });

  it('reads a JSON string holding the structured form', () => {
    const json = JSON.stringify({
      tables: [{ name: 'j', columns: [{ name: 'id', type: 'int', primaryKey: true }] }],
    });
    expect(parseSchema(json).tables[0]?.primaryKey).toEqual(['id']);
  });
});

describe('caching', () => {
  it('returns the same frozen result for the same DDL text and the same object', () => {
    const first = parseSchema(SHOP_DDL);
    expect(parseSchema(`${SHOP_DDL}`)).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first.tables[0]?.columns[0])).toBe(true);
    const structured: StructuredSchema = { tables: [{ name: 'x', columns: [] }] };
    expect(parseSchema(structured)).toBe(parseSchema(structured));
    // A replaced object is a new schema.
    expect(parseSchema({ ...structured })).not.toBe(parseSchema(structured));
  });

  it('answers a repeated schema text from its cache, without parsing it again', () => {
    const ddl = `${SHOP_DDL}\n-- variant ${Math.random()}`;
    const first = parseSchema(ddl);
    // An equal text built anew (not the same string object) finds the same parse.
    expect(parseSchema(`${ddl.slice(0, 10)}${ddl.slice(10)}`)).toBe(first);
  });
});

describe('parseSchema: CHECK constraints', () => {
  it('keeps column-level and table-level checks, with their names and spelt columns', () => {
    const parsed = parseSchema(`
      CREATE TABLE products (
        id int PRIMARY KEY,
        Price int NOT NULL CONSTRAINT price_positive CHECK (Price > 0) DEFAULT 1,
        discount int CHECK(discount BETWEEN 0 AND 100),
        CHECK (discount < Price)
      );
      ALTER TABLE products ADD CONSTRAINT id_small CHECK (id < 1000);
    `);
    expect(parsed.tables[0]?.checks).toEqual([
      { expression: 'Price > 0', column: 'Price', name: 'price_positive' },
      { expression: 'discount BETWEEN 0 AND 100', column: 'discount' },
      { expression: 'discount < Price' },
      { expression: 'id < 1000', name: 'id_small' },
    ]);
    expect(parsed.tables[0]?.columns.find((c) => c.name === 'Price')?.default).toBe('1');
  });

  it('follows renamed and dropped columns and dropped constraints', () => {
    const parsed = parseSchema(`
      CREATE TABLE t (a int CHECK (a > 0), b int, c int, CONSTRAINT bc CHECK (b < c), CHECK (c > 1));
      ALTER TABLE t RENAME COLUMN a TO alpha;
      ALTER TABLE t DROP CONSTRAINT bc;
      ALTER TABLE t DROP COLUMN c;
    `);
    expect(parsed.tables[0]?.checks).toEqual([{ expression: 'alpha > 0', column: 'alpha' }]);
  });

  it('reads checks of structured schemas and leaves tables without checks unchanged', () => {
    const parsed = parseSchema({
      tables: [
        {
          name: 'a',
          columns: [{ name: 'x', type: 'int', check: 'x > 0' } as never],
          checks: ['x < 10', { expression: 'x <> 5', name: 'not_five' }],
        } as never,
        { name: 'b', columns: [{ name: 'y', type: 'int' }] },
      ],
    });
    expect(parsed.tables[0]?.checks).toEqual([
      { expression: 'x > 0', column: 'x' },
      { expression: 'x < 10' },
      { expression: 'x <> 5', name: 'not_five' },
    ]);
    expect(parsed.tables[1]).not.toHaveProperty('checks');
  });
});
