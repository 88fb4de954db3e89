// The existing app's own data: its users (with scrypt password hashes) and the schema projects
// they design. In memory for the example; a real app has these in its own database.

import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import type { Project, ProjectSchema } from 'schema-chat/express';

/** A user of the app. */
export interface AppUser {
  id: string;
  username: string;
  displayName: string;
}

/** A project as the app stores it: owned by one user. */
export interface AppProject extends Project {
  ownerId: string;
}

interface StoredUser extends AppUser {
  salt: Buffer;
  passwordHash: Buffer;
}

function hashPassword(password: string, salt: Buffer): Buffer {
  return scryptSync(password, salt, 32);
}

/** The sign-ins the example ships with (shown on its login page). */
export const EXAMPLE_LOGINS: ReadonlyArray<{ username: string; password: string }> = [
  { username: 'ada', password: 'ada-example-password' },
  { username: 'grace', password: 'grace-example-password' },
];

const LIBRARY_DDL = `CREATE TABLE members (
  id SERIAL PRIMARY KEY,
  name TEXT NOT NULL,
  email TEXT NOT NULL UNIQUE,
  joined_on DATE NOT NULL
);
CREATE TABLE titles (
  id SERIAL PRIMARY KEY,
  isbn CHAR(13) UNIQUE,
  title TEXT NOT NULL,
  author TEXT NOT NULL
);
CREATE TABLE copies (
  id SERIAL PRIMARY KEY,
  title_id INTEGER NOT NULL REFERENCES titles(id),
  shelf TEXT NOT NULL
);
CREATE TABLE loans (
  id SERIAL PRIMARY KEY,
  copy_id INTEGER NOT NULL REFERENCES copies(id),
  member_id INTEGER NOT NULL REFERENCES members(id),
  borrowed_on DATE NOT NULL,
  due_on DATE NOT NULL,
  returned_on DATE
);
CREATE TABLE reservations (
  id SERIAL PRIMARY KEY,
  title_id INTEGER NOT NULL REFERENCES titles(id),
  member_id INTEGER NOT NULL REFERENCES members(id),
  reserved_at TIMESTAMP NOT NULL
);`;

// A structured schema, as a schema designer holds it in memory: the router takes either form.
const RECIPES_SCHEMA: ProjectSchema = {
  tables: [
    {
      name: 'recipes',
      description: 'A dish with its instructions',
      columns: [
        { name: 'id', type: 'uuid', primaryKey: true },
        { name: 'title', type: 'text' },
        { name: 'servings', type: 'integer', nullable: true },
      ],
    },
    {
      name: 'ingredients',
      columns: [
        { name: 'id', type: 'uuid', primaryKey: true },
        { name: 'name', type: 'text', unique: true },
      ],
    },
    {
      name: 'recipe_ingredients',
      description: 'How much of an ingredient a recipe needs',
      primaryKey: ['recipe_id', 'ingredient_id'],
      columns: [
        { name: 'recipe_id', type: 'uuid', references: { table: 'recipes', column: 'id' } },
        {
          name: 'ingredient_id',
          type: 'uuid',
          references: { table: 'ingredients', column: 'id' },
        },
        { name: 'quantity', type: 'numeric(8,2)' },
        { name: 'unit', type: 'text' },
      ],
    },
  ],
};

/** The app's users and projects, seeded with two users and their projects. */
export class AppDatabase {
  readonly #users = new Map<string, StoredUser>();
  readonly #projects: AppProject[] = [];

  constructor() {
    this.#addUser('u-ada', 'ada', 'Ada', EXAMPLE_LOGINS[0]?.password ?? '');
    this.#addUser('u-grace', 'grace', 'Grace', EXAMPLE_LOGINS[1]?.password ?? '');
    this.#projects.push(
      { id: 'library', ownerId: 'u-ada', name: 'Library loans', schema: LIBRARY_DDL },
      { id: 'recipes', ownerId: 'u-grace', name: 'Recipe box', schema: RECIPES_SCHEMA },
    );
  }

  #addUser(id: string, username: string, displayName: string, password: string): void {
    const salt = randomBytes(16);
    this.#users.set(username, {
      id,
      username,
      displayName,
      salt,
      passwordHash: hashPassword(password, salt),
    });
  }

  /** The user when the password matches, else `undefined` (same work either way). */
  verifyLogin(username: string, password: string): AppUser | undefined {
    const user = this.#users.get(username);
    const salt = user?.salt ?? randomBytes(16);
    const hash = hashPassword(password, salt);
    if (!user || !timingSafeEqual(hash, user.passwordHash)) return undefined;
    return { id: user.id, username: user.username, displayName: user.displayName };
  }

  /** A user by id. */
  findUser(id: string): AppUser | undefined {
    for (const user of this.#users.values()) {
      if (user.id === id) return { id, username: user.username, displayName: user.displayName };
    }
    return undefined;
  }

  /** The project when `ownerId` owns it. */
  findProject(projectId: string, ownerId: string): AppProject | undefined {
    return this.#projects.find(
      (project) => project.id === projectId && project.ownerId === ownerId,
    );
  }

  /** The user's projects. */
  listProjects(ownerId: string): AppProject[] {
    return this.#projects.filter((project) => project.ownerId === ownerId);
  }
}
