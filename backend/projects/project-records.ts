// Pure rules of the SQL project stores: checking a project, storing its schema, reading it back
// and sorting a user's projects by name.

import type { ProjectSummary } from '../../sdk/protocol.js';
import { ChatError } from '../errors.js';
import type { Project, ProjectSchema, StructuredSchema } from './project-resolver.js';

/** A row of `projects` (both SQL project stores share the columns). */
export interface ProjectRow {
  id: string;
  owner_id: string;
  name: string;
  schema_format: 'sql' | 'structured';
  schema: string;
}

// Names sort as people expect: case-insensitively and "Project 2" before "Project 10".
const NAME_ORDER = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

function invalid(message: string): ChatError {
  return new ChatError('VALIDATION_FAILED', message, { status: 400 });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks the shape of a structured schema deeply enough that a stored one can be used. */
function checkStructuredSchema(schema: unknown): asserts schema is StructuredSchema {
  if (!isRecord(schema) || !Array.isArray(schema.tables)) {
    throw invalid('project.schema must be SQL DDL text or an object with a `tables` array.');
  }
  for (const [index, table] of schema.tables.entries()) {
    if (!isRecord(table) || typeof table.name !== 'string' || !Array.isArray(table.columns)) {
      throw invalid(
        `project.schema.tables[${index}] needs a string \`name\` and a \`columns\` array.`,
      );
    }
    for (const [position, column] of table.columns.entries()) {
      if (!isRecord(column) || typeof column.name !== 'string' || typeof column.type !== 'string') {
        throw invalid(
          `project.schema.tables[${index}].columns[${position}] needs a string \`name\` and \`type\`.`,
        );
      }
    }
  }
}

/** Checks an owner id and a project before saving; `VALIDATION_FAILED` (400) naming the field. */
export function checkProject(ownerId: string, project: Project): void {
  if (typeof ownerId !== 'string' || ownerId === '') {
    throw invalid('The owner id must be a non-empty string.');
  }
  if (!isRecord(project)) throw invalid('The project must be an object.');
  if (typeof project.id !== 'string' || project.id === '') {
    throw invalid('project.id must be a non-empty string.');
  }
  if (typeof project.name !== 'string' || project.name.trim() === '') {
    throw invalid('project.name must be a non-empty string.');
  }
  if (typeof project.schema !== 'string') checkStructuredSchema(project.schema);
}

/** A schema as stored: DDL text as given, or the JSON of a structured schema. */
export function serialiseSchema(schema: ProjectSchema): {
  schemaFormat: 'sql' | 'structured';
  schema: string;
} {
  return typeof schema === 'string'
    ? { schemaFormat: 'sql', schema }
    : { schemaFormat: 'structured', schema: JSON.stringify(schema) };
}

/** The project of a stored row. */
export function toProject(row: ProjectRow): Project {
  return {
    id: row.id,
    name: row.name,
    schema: row.schema_format === 'sql' ? row.schema : (JSON.parse(row.schema) as StructuredSchema),
  };
}

/** Project summaries sorted by name (then id), as `list` returns them. */
export function sortProjectSummaries(rows: readonly ProjectSummary[]): ProjectSummary[] {
  return rows
    .map(({ id, name }) => ({ id, name }))
    .sort((a, b) => NAME_ORDER.compare(a.name, b.name) || (a.id < b.id ? -1 : 1));
}
