// The demo's seed: realistic schemas (a dozen tables with keys and relations each), two projects
// per user, upserted idempotently.

import { parseSchema, SqliteProjectStore } from 'schema-chat/express';
import { describe, expect, it } from 'vitest';
import {
  DEMO_PROJECTS,
  DEMO_USERS,
  loadDemoProject,
  seedDemoProjects,
} from './seed-demo-projects.ts';

const user = (id: string) => ({ id, claims: { sub: id } });

describe('the demo projects', () => {
  it.each(DEMO_PROJECTS.map((seed) => [seed.id, seed] as const))(
    '%s has at least a dozen tables, every one with a primary key, joined by foreign keys',
    (_id, seed) => {
      const schema = parseSchema(loadDemoProject(seed).schema);
      const names = new Set(schema.tables.map((table) => table.name));
      expect(schema.tables.length).toBeGreaterThanOrEqual(12);
      for (const table of schema.tables) {
        expect(table.primaryKey.length, `${table.name} has no primary key`).toBeGreaterThan(0);
      }
      const foreignKeys = schema.tables.flatMap((table) =>
        table.foreignKeys.map((key) => ({ from: table.name, to: key.references.table })),
      );
      expect(foreignKeys.length).toBeGreaterThanOrEqual(schema.tables.length);
      for (const key of foreignKeys)
        expect(names.has(key.to), `${key.from} → ${key.to}`).toBe(true);
    },
  );

  it('gives each demo user two projects of their own', () => {
    for (const owner of DEMO_USERS) {
      expect(DEMO_PROJECTS.filter((seed) => seed.owner === owner)).toHaveLength(2);
    }
    expect(new Set(DEMO_PROJECTS.map((seed) => seed.id)).size).toBe(DEMO_PROJECTS.length);
  });

  it('seeds idempotently and scopes every project to its owner', async () => {
    const store = new SqliteProjectStore();
    try {
      await seedDemoProjects(store);
      await seedDemoProjects(store);
      expect(store.list(user('alice'))).toEqual([
        { id: 'bookstore', name: 'Bookstore' },
        { id: 'event-ticketing', name: 'Event ticketing' },
      ]);
      expect(store.list(user('bob'))).toEqual([
        { id: 'learning-platform', name: 'Learning platform' },
        { id: 'saas-billing', name: 'SaaS billing' },
      ]);
      expect(store.get('bookstore', user('bob'))).toBeUndefined();
      expect(store.get('bookstore', user('alice'))?.schema).toContain('CREATE TABLE books');
    } finally {
      store.close();
    }
  });

  it('refuses a database where another owner holds a demo project id', async () => {
    const store = new SqliteProjectStore();
    try {
      store.upsert('mallory', {
        id: 'bookstore',
        name: 'Not yours',
        schema: 'CREATE TABLE x (id INT PRIMARY KEY);',
      });
      await expect(seedDemoProjects(store)).rejects.toThrow(
        /already has a project "bookstore" owned by someone other than alice/,
      );
    } finally {
      store.close();
    }
  });
});
