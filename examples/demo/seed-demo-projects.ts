// The demo's users and their projects: realistic schemas (in ./schemas) upserted on every start
// (by every instance, harmlessly), so a fresh database gets them and an existing one keeps its
// conversations.

import { readFileSync } from 'node:fs';
import type { Project } from 'schema-chat/express';
import type { SeedableProjects } from './open-demo-storage.ts';

/** The demo users; each owns only their own projects. */
export const DEMO_USERS: readonly string[] = ['alice', 'bob'];

/** A seeded project, with its owner and the file its DDL comes from. */
export interface DemoProjectSeed {
  owner: string;
  id: string;
  name: string;
  /** File name in `examples/demo/schemas/`. */
  file: string;
}

/** What the demo seeds: two projects per user, about a dozen tables each. */
export const DEMO_PROJECTS: readonly DemoProjectSeed[] = [
  { owner: 'alice', id: 'bookstore', name: 'Bookstore', file: 'bookstore.sql' },
  { owner: 'alice', id: 'event-ticketing', name: 'Event ticketing', file: 'event-ticketing.sql' },
  { owner: 'bob', id: 'saas-billing', name: 'SaaS billing', file: 'saas-billing.sql' },
  {
    owner: 'bob',
    id: 'learning-platform',
    name: 'Learning platform',
    file: 'learning-platform.sql',
  },
];

/** The seed's project, with its DDL read from disk. */
export function loadDemoProject(seed: DemoProjectSeed): Project {
  const schema = readFileSync(new URL(`./schemas/${seed.file}`, import.meta.url), 'utf8');
  return { id: seed.id, name: seed.name, schema };
}

/**
 * Creates or refreshes every demo project for its owner. Idempotent: conversations stay, and a
 * schema edited in `schemas/` shows up on the next start. Throws when an id is taken by another
 * owner (a database from something else).
 */
export async function seedDemoProjects(projects: SeedableProjects): Promise<void> {
  for (const seed of DEMO_PROJECTS) {
    if (!(await projects.upsert(seed.owner, loadDemoProject(seed)))) {
      throw new Error(
        `The database already has a project "${seed.id}" owned by someone other than ${seed.owner}; point SCHEMA_CHAT_DB (or SCHEMA_CHAT_DATABASE_URL) elsewhere.`,
      );
    }
  }
}
