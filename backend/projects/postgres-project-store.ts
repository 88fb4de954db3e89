// PostgresProjectStore: a ProjectResolver backed by Postgres, beside PostgresChatStore (entry
// `schema-chat/postgres`), for a demo or standalone server running several instances.

import type pg from 'pg';
import type { ProjectSummary } from '../../sdk/protocol.js';
import { ChatError } from '../errors.js';
import {
  migratePostgresSchema,
  onceMigrated,
  openPostgresConnection,
  type PostgresConnectionOptions,
  queryRows,
} from '../stores/postgres-connection.js';
import {
  checkProject,
  type ProjectRow,
  serialiseSchema,
  sortProjectSummaries,
  toProject,
} from './project-records.js';
import type { ChatUser, Project, ProjectResolver } from './project-resolver.js';

/** Options of {@link PostgresProjectStore}: where the table lives (see each option's default). */
export type PostgresProjectStoreOptions = PostgresConnectionOptions;

const MIGRATIONS: readonly ((s: string) => string)[] = [
  (s) => `
  CREATE TABLE ${s}.projects (
    id text PRIMARY KEY,
    owner_id text NOT NULL,
    name text NOT NULL,
    -- 'sql': DDL text as given; 'structured': JSON of { tables: [...] }.
    schema_format text NOT NULL CHECK (schema_format IN ('sql', 'structured')),
    schema text NOT NULL,
    created_at bigint NOT NULL,
    updated_at bigint NOT NULL
  );
  -- list: an owner's projects (get uses the primary key).
  CREATE INDEX projects_by_owner ON ${s}.projects (owner_id, name);
  `,
];

function projectSql(s: string) {
  return {
    selectProject: `SELECT * FROM ${s}.projects WHERE id = $1 AND owner_id = $2`,
    listProjects: `SELECT id, name FROM ${s}.projects WHERE owner_id = $1`,
    // The WHERE of DO UPDATE keeps another owner's project untouched (0 rows).
    upsertProject: `INSERT INTO ${s}.projects
        (id, owner_id, name, schema_format, schema, created_at, updated_at)
      VALUES ($1, $2, $3, $4, $5, $6, $6)
      ON CONFLICT (id) DO UPDATE SET name = excluded.name, schema_format = excluded.schema_format,
        schema = excluded.schema, updated_at = excluded.updated_at
      WHERE ${s}.projects.owner_id = excluded.owner_id`,
    deleteProject: `DELETE FROM ${s}.projects WHERE id = $1 AND owner_id = $2`,
  } as const;
}

/**
 * Projects owned by user ids, in Postgres: the same rules as `SqliteProjectStore` (one owner per
 * project, `get` answers `undefined` for someone else's, the schema stored as given), with every
 * method async. Migrations run on first use, once however many instances start together. It can
 * share the chat store's pool and schema.
 *
 * @example
 * import { PostgresChatStore, PostgresProjectStore } from 'schema-chat/postgres';
 * const store = new PostgresChatStore({ connectionString: process.env.DATABASE_URL });
 * const projects = new PostgresProjectStore({ pool: store.pool });
 * await projects.upsert('user-123', { id: 'shop', name: 'Shop', schema: 'CREATE TABLE t (...);' });
 * app.use('/api/v1/ai', createChatRouter({ store, projects, ... }));
 */
export class PostgresProjectStore implements ProjectResolver {
  /** The pool, opened here or given as `options.pool`. */
  readonly pool: pg.Pool;
  /** The Postgres schema holding the table. */
  readonly schema: string;
  readonly #ownsPool: boolean;
  readonly #sql: ReturnType<typeof projectSql>;
  readonly #migrate: () => Promise<void>;

  /** Checks the options (a `TypeError` naming the option) and opens or adopts the pool. */
  constructor(options: PostgresProjectStoreOptions = {}) {
    const connection = openPostgresConnection('PostgresProjectStore', options);
    this.pool = connection.pool;
    this.schema = connection.schema;
    this.#ownsPool = connection.owned;
    this.#sql = projectSql(connection.quotedSchema);
    this.#migrate = onceMigrated(() =>
      migratePostgresSchema('PostgresProjectStore', connection, 'projects', MIGRATIONS),
    );
  }

  /** Creates or upgrades the table (once; every method waits for it); a failure is retried. */
  migrate(): Promise<void> {
    return this.#migrate();
  }

  /** The project when it exists and belongs to `user`; otherwise `undefined`. */
  async get(projectId: string, user: ChatUser): Promise<Project | undefined> {
    await this.#migrate();
    const { rows } = await queryRows<ProjectRow>(this.pool, this.#sql.selectProject, [
      projectId,
      user.id,
    ]);
    return rows[0] === undefined ? undefined : toProject(rows[0]);
  }

  /** The user's projects (`id` and `name`), sorted by name. */
  async list(user: ChatUser): Promise<ProjectSummary[]> {
    await this.#migrate();
    const { rows } = await queryRows<ProjectSummary>(this.pool, this.#sql.listProjects, [user.id]);
    return sortProjectSummaries(rows);
  }

  /**
   * Creates `project` for `ownerId`, or replaces its name and schema when the owner already has
   * it. Resolves false (and changes nothing) when the id belongs to another owner. Rejects with
   * `VALIDATION_FAILED` for a malformed project (also for a NUL character, which Postgres text
   * cannot hold).
   */
  async upsert(ownerId: string, project: Project): Promise<boolean> {
    checkProject(ownerId, project);
    const { schemaFormat, schema } = serialiseSchema(project.schema);
    if ([ownerId, project.id, project.name, schema].some((text) => text.includes('\u0000'))) {
      throw new ChatError('VALIDATION_FAILED', 'A project must not contain NUL characters.', {
        status: 400,
      });
    }
    await this.#migrate();
    const { rowCount } = await queryRows(this.pool, this.#sql.upsertProject, [
      project.id,
      ownerId,
      project.name,
      schemaFormat,
      schema,
      Date.now(),
    ]);
    return rowCount === 1;
  }

  /**
   * Deletes one of the owner's projects; false when it is not theirs. Conversations about it stay
   * in the chat store (the router no longer serves them: the project is not found).
   */
  async delete(ownerId: string, projectId: string): Promise<boolean> {
    await this.#migrate();
    const { rowCount } = await queryRows(this.pool, this.#sql.deleteProject, [projectId, ownerId]);
    return rowCount === 1;
  }

  /** Ends the pool when the store opened it; a given `pool` stays open. */
  async close(): Promise<void> {
    if (this.#ownsPool && !this.pool.ended) await this.pool.end();
  }
}
