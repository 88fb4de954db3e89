// The ProjectResolver plug point: how the router finds a project (and its schema) for a user.

import type { ProjectSummary } from '../../sdk/protocol.js';

/** The authenticated caller, as the router's `authenticate` step produced it. */
export interface ChatUser {
  /** Stable user id (the JWT `sub`). Every store call is scoped by it. */
  id: string;
  /** The verified token claims (or what a custom `authenticate` returned). */
  claims: Readonly<Record<string, unknown>>;
}

/** A column of a structured table schema. */
export interface ColumnSchema {
  name: string;
  /** SQL type as written, e.g. `varchar(255)`. */
  type: string;
  nullable?: boolean;
  primaryKey?: boolean;
  unique?: boolean;
  default?: string;
  /** Single-column foreign key, e.g. `{ table: 'users', column: 'id' }`. */
  references?: { table: string; column: string };
  description?: string;
}

/** A (possibly multi-column) foreign key of a structured table schema. */
export interface ForeignKeySchema {
  columns: string[];
  references: { table: string; columns: string[] };
}

/** A table of a structured schema. */
export interface TableSchema {
  name: string;
  description?: string;
  columns: ColumnSchema[];
  primaryKey?: string[];
  foreignKeys?: ForeignKeySchema[];
}

/** A structured schema: what a schema designer typically holds in memory. */
export interface StructuredSchema {
  tables: TableSchema[];
}

/** A project's schema: SQL DDL text or a structured `{ tables: [...] }`. */
export type ProjectSchema = string | StructuredSchema;

/** A project the user may chat about. */
export interface Project {
  id: string;
  name: string;
  schema: ProjectSchema;
}

/**
 * Finds projects for a user. Return `undefined` when the project does not exist *or* the user may
 * not see it: the router answers 404 `PROJECT_NOT_FOUND` either way (no existence oracle).
 */
export interface ProjectResolver {
  /** The project, when it exists and `user` may use it. */
  get(projectId: string, user: ChatUser): Project | undefined | Promise<Project | undefined>;
  /** The user's projects; when present the router offers `GET /projects`. */
  list?(user: ChatUser): ProjectSummary[] | Promise<ProjectSummary[]>;
}

/** What the `projects` option accepts: a resolver object or just its `get` function. */
export type ProjectResolverLike = ProjectResolver | ProjectResolver['get'];

/** Normalises the `projects` option into a {@link ProjectResolver}. */
export function toProjectResolver(value: ProjectResolverLike): ProjectResolver {
  return typeof value === 'function' ? { get: value } : value;
}
