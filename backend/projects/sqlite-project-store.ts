// SqliteProjectStore: a ProjectResolver backed by SQLite, for the standalone and demo servers.

import type Database from 'better-sqlite3';
import type { ProjectSummary } from '../../sdk/protocol.js';
import { openSqliteDatabase } from '../stores/open-sqlite-database.js';
import type { SqliteDatabase } from '../stores/sqlite-database.js';
import { withStorageErrors } from '../stores/sqlite-storage-error.js';
import {
  checkProject,
  type ProjectRow,
  serialiseSchema,
  sortProjectSummaries,
  toProject,
} from './project-records.js';
import type { ChatUser, Project, ProjectResolver } from './project-resolver.js';

/** Options of {@link SqliteProjectStore}. */
export interface SqliteProjectStoreOptions {
  /** The database file, created when missing. Defaults to `:memory:`. Give either `path` or `database`. */
  path?: string;
  /**
   * An open better-sqlite3 connection to share, typically the chat store's:
   * `new SqliteProjectStore({ database: chatStore.database })`. The store adds its table to it and
   * does not close it in {@link SqliteProjectStore.close}. Defaults to none.
   */
  database?: SqliteDatabase;
  /** How long a write waits for another connection's lock, in ms. Defaults to 5000. */
  busyTimeoutMs?: number;
}

// The chat store owns PRAGMA user_version, so the project store versions its own table here.
const COMPONENT = 'projects';
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE projects (
    id TEXT PRIMARY KEY,
    owner_id TEXT NOT NULL,
    name TEXT NOT NULL,
    -- 'sql': DDL text as given; 'structured': JSON of { tables: [...] }.
    schema_format TEXT NOT NULL CHECK (schema_format IN ('sql', 'structured')),
    schema TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
  ) STRICT;
  -- get (id + owner: the primary key) and list (an owner's projects).
  CREATE INDEX projects_by_owner ON projects (owner_id, name);
  `,
];

const SQL = {
  selectProject: `SELECT * FROM projects WHERE id = ? AND owner_id = ?`,
  listProjects: `SELECT id, name FROM projects WHERE owner_id = ?`,
  // The WHERE of DO UPDATE keeps another owner's project untouched (0 changes).
  upsertProject: `INSERT INTO projects (id, owner_id, name, schema_format, schema, created_at, updated_at)
    VALUES (@id, @ownerId, @name, @schemaFormat, @schema, @now, @now)
    ON CONFLICT (id) DO UPDATE SET name = excluded.name, schema_format = excluded.schema_format,
      schema = excluded.schema, updated_at = excluded.updated_at
    WHERE projects.owner_id = excluded.owner_id`,
  deleteProject: `DELETE FROM projects WHERE id = ? AND owner_id = ?`,
} as const;

/**
 * Projects owned by user ids, in SQLite: the {@link ProjectResolver} of the standalone/demo server.
 * A project belongs to exactly one owner (the JWT `sub`); `get` answers `undefined` for someone
 * else's project, so the router's 404 reveals nothing. The schema is stored as given: DDL text,
 * or the JSON of a structured `{ tables: [...] }`. Ids are given by the caller. For teams or
 * sharing, write your own resolver over your own tables.
 *
 * It can share the chat store's connection (one file, one WAL):
 *
 * @example
 * const chatStore = new SqliteChatStore({ path: './data/schema-chat.db' });
 * const projects = new SqliteProjectStore({ database: chatStore.database });
 * projects.upsert('user-123', { id: 'shop', name: 'Shop', schema: 'CREATE TABLE orders (...);' });
 * app.use('/api/v1/ai', createChatRouter({ store: chatStore, projects, ... }));
 */
export class SqliteProjectStore implements ProjectResolver {
  /** The connection, opened here or shared through `options.database`. */
  readonly database: SqliteDatabase;
  readonly #ownsDatabase: boolean;
  readonly #statements: Record<keyof typeof SQL, Database.Statement>;

  /** Opens (or adopts) the database and creates or migrates the `projects` table. */
  constructor(options: SqliteProjectStoreOptions = {}) {
    const { database, owned } = openSqliteDatabase('SqliteProjectStore', options);
    this.database = database;
    this.#ownsDatabase = owned;
    try {
      withStorageErrors(() => migrateProjectSchema(database));
      this.#statements = Object.fromEntries(
        Object.entries(SQL).map(([name, sql]) => [name, database.prepare(sql)]),
      ) as Record<keyof typeof SQL, Database.Statement>;
    } catch (error) {
      if (owned) database.close();
      throw error;
    }
  }

  /** The project when it exists and belongs to `user`; otherwise `undefined`. */
  get(projectId: string, user: ChatUser): Project | undefined {
    const row = withStorageErrors(
      () => this.#statements.selectProject.get(projectId, user.id) as ProjectRow | undefined,
    );
    return row === undefined ? undefined : toProject(row);
  }

  /** The user's projects (`id` and `name`), sorted by name. */
  list(user: ChatUser): ProjectSummary[] {
    const rows = withStorageErrors(
      () => this.#statements.listProjects.all(user.id) as ProjectSummary[],
    );
    return sortProjectSummaries(rows);
  }

  /**
   * Creates `project` for `ownerId`, or replaces its name and schema when the owner already has
   * it. Returns false (and changes nothing) when the id belongs to another owner. Throws
   * `VALIDATION_FAILED` for a malformed project.
   */
  upsert(ownerId: string, project: Project): boolean {
    checkProject(ownerId, project);
    const { changes } = withStorageErrors(() =>
      this.#statements.upsertProject.run({
        id: project.id,
        ownerId,
        name: project.name,
        ...serialiseSchema(project.schema),
        now: Date.now(),
      }),
    );
    return changes === 1;
  }

  /**
   * Deletes one of the owner's projects; false when it is not theirs. Conversations about it stay
   * in the chat store (the router no longer serves them: the project is not found).
   */
  delete(ownerId: string, projectId: string): boolean {
    return withStorageErrors(
      () => this.#statements.deleteProject.run(projectId, ownerId).changes === 1,
    );
  }

  /** Closes the connection when the store opened it; a shared `database` stays open. */
  close(): void {
    if (this.#ownsDatabase && this.database.open) this.database.close();
  }
}

function readProjectSchemaVersion(db: Database.Database): number {
  const versioned = db
    .prepare(`SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_chat_versions'`)
    .get();
  if (versioned === undefined) return 0;
  const row = db
    .prepare('SELECT version FROM schema_chat_versions WHERE component = ?')
    .get(COMPONENT) as { version: number } | undefined;
  return row?.version ?? 0;
}

/**
 * Creates or upgrades the `projects` table in one `BEGIN IMMEDIATE` transaction (so two processes
 * opening a new file migrate it once); an up-to-date database is left alone.
 */
function migrateProjectSchema(db: Database.Database): void {
  if (readProjectSchemaVersion(db) === MIGRATIONS.length) return;
  db.transaction(() => {
    db.exec(`CREATE TABLE IF NOT EXISTS schema_chat_versions (
      component TEXT PRIMARY KEY,
      version INTEGER NOT NULL
    ) STRICT`);
    const current = readProjectSchemaVersion(db);
    if (current > MIGRATIONS.length) {
      throw new Error(
        `SqliteProjectStore: the database has project schema version ${current}, newer than ` +
          `this schema-chat's ${MIGRATIONS.length}; upgrade schema-chat or use another file.`,
      );
    }
    for (let version = current; version < MIGRATIONS.length; version += 1) {
      db.exec(MIGRATIONS[version] as string);
    }
    db.prepare(
      `INSERT INTO schema_chat_versions (component, version) VALUES (?, ?)
       ON CONFLICT (component) DO UPDATE SET version = excluded.version`,
    ).run(COMPONENT, MIGRATIONS.length);
  }).immediate();
}
