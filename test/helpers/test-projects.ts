// Projects of the test users: alice owns a bookstore, bob a billing schema. Used by router tests.

import type { Project, ProjectResolver } from '../../backend/projects/project-resolver.js';

/** alice's project. */
export const ALICE_PROJECT: Project = {
  id: 'p-alice-books',
  name: 'Bookstore',
  schema: `CREATE TABLE authors (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE books (id INTEGER PRIMARY KEY, author_id INTEGER NOT NULL REFERENCES authors(id), title TEXT NOT NULL, price_cents INTEGER);
CREATE TABLE orders (id INTEGER PRIMARY KEY, book_id INTEGER REFERENCES books(id), quantity INTEGER NOT NULL);`,
};

/** alice's second project (for cross-project checks). */
export const ALICE_OTHER_PROJECT: Project = {
  id: 'p-alice-blog',
  name: 'Blog',
  schema: {
    tables: [{ name: 'posts', columns: [{ name: 'id', type: 'integer', primaryKey: true }] }],
  },
};

/** bob's project. */
export const BOB_PROJECT: Project = {
  id: 'p-bob-billing',
  name: 'Billing',
  schema: `CREATE TABLE invoices (id UUID PRIMARY KEY, customer TEXT, total NUMERIC(10,2));`,
};

const OWNERS: Record<string, Project[]> = {
  alice: [ALICE_PROJECT, ALICE_OTHER_PROJECT],
  bob: [BOB_PROJECT],
};

/** Resolves only the caller's own projects; lists them by name. */
export const testProjects: ProjectResolver = {
  get: (projectId, user) => OWNERS[user.id]?.find((project) => project.id === projectId),
  list: (user) => (OWNERS[user.id] ?? []).map(({ id, name }) => ({ id, name })),
};
