// The unknown tables and columns found while resolving a block of SQL: each once, in order of
// appearance.

import type { UnknownIdentifier } from './sql-check-protocol.js';

/** A found unknown, with where it was written (for ordering). */
interface Report {
  unknown: UnknownIdentifier;
  start: number;
}

/**
 * Collects unknown identifiers. The same name (same kind and, for columns, same table) is kept
 * once, compared case-insensitively; {@link unknown} lists them by where they were written.
 */
export class UnknownNameReports {
  readonly #reports: Report[] = [];
  readonly #seen = new Set<string>();

  /** Adds `unknown`, written at offset `start`, unless the same name was reported already. */
  add(unknown: UnknownIdentifier, start: number): void {
    const key = reportKey(unknown);
    if (this.#seen.has(key)) return;
    this.#seen.add(key);
    this.#reports.push({ unknown, start });
  }

  /** Unknown identifiers found so far, in order of appearance. */
  get unknown(): UnknownIdentifier[] {
    return [...this.#reports].sort((a, b) => a.start - b.start).map((report) => report.unknown);
  }

  /** How many unknowns have been reported so far. */
  get count(): number {
    return this.#reports.length;
  }

  /** Drops the reports after the first `count` (a statement whose checking was abandoned). */
  truncate(count: number): void {
    const dropped = this.#reports.splice(count);
    for (const report of dropped) this.#seen.delete(reportKey(report.unknown));
  }
}

function reportKey(unknown: UnknownIdentifier): string {
  return `${unknown.kind}\u0000${unknown.name.toLowerCase()}\u0000${unknown.table ?? ''}`;
}
