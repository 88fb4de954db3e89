// The info-string languages that mark a fenced code block as SQL, shared by the server (which
// checks such blocks against the schema) and the element (which highlights them): one list, so a
// block the element shows as SQL is one the server checked.

/** A dialect of SQL, as far as the name of a language says. */
export type SqlLanguageDialect = 'postgres' | 'mysql' | 'sqlite' | 'unknown';

/** Info-string languages (lower case) that mark a block as SQL, and the dialect each implies. */
export const SQL_LANGUAGES: ReadonlyMap<string, SqlLanguageDialect> = new Map([
  ['sql', 'unknown'],
  ['ddl', 'unknown'],
  ['postgresql', 'postgres'],
  ['postgres', 'postgres'],
  ['pgsql', 'postgres'],
  ['psql', 'postgres'],
  ['plpgsql', 'postgres'],
  ['mysql', 'mysql'],
  ['mariadb', 'mysql'],
  ['sqlite', 'sqlite'],
  ['sqlite3', 'sqlite'],
  ['tsql', 'unknown'],
  ['t-sql', 'unknown'],
  ['mssql', 'unknown'],
  ['sqlserver', 'unknown'],
  ['plsql', 'unknown'],
]);
