// Pure formatting of the results: the console table and bench/RESULTS.md.
// Plain erasable TypeScript: Node runs it directly (type stripping).

import type { Figure, ResultRow } from './bench-context.ts';

/** A figure with its unit, e.g. `41.2 µs`. */
export function formatFigure(figure: Figure): string {
  return `${formatNumber(figure.value, figure.digits)}${figure.unit ? ` ${figure.unit}` : ''}`;
}

/** A number with a sensible number of digits. */
export function formatNumber(value: number, digits?: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (digits !== undefined) return value.toFixed(digits);
  const abs = Math.abs(value);
  if (abs >= 100) return value.toFixed(0);
  if (abs >= 10) return value.toFixed(1);
  if (abs >= 1) return value.toFixed(2);
  return value.toFixed(3);
}

/** The comparison column: `0.82×`, `+0.41 ms` or the value itself. */
export function formatComparison(row: ResultRow): string {
  const { kind, value, unit } = row.comparison;
  if (kind === 'ratio') return `${formatNumber(value, value < 0.1 ? 3 : 2)}×`;
  if (kind === 'difference')
    return `${value >= 0 ? '+' : ''}${formatNumber(value, 2)} ${unit ?? ''}`.trim();
  return `${formatNumber(value)} ${unit ?? ''}`.trim();
}

/** Rows as a fixed-width text table for the console. */
export function formatConsoleTable(rows: readonly ResultRow[]): string {
  const header = ['id', 'metric', 'ours', 'reference', 'ratio', 'target', 'result'];
  const lines = rows.map((row) => [
    row.id,
    row.metric,
    formatFigure(row.ours),
    `${formatFigure(row.reference.figure)} (${row.reference.name})`,
    formatComparison(row),
    row.target,
    row.pass ? 'pass' : 'FAIL',
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.map((line) => (line[column] as string).length)),
  );
  const format = (cells: string[]) =>
    cells
      .map((cell, column) => cell.padEnd(widths[column] as number))
      .join('  ')
      .trimEnd();
  return [
    format(header),
    format(widths.map((width) => '-'.repeat(width))),
    ...lines.map(format),
  ].join('\n');
}

/** Rows as a Markdown table, then their notes. */
export function formatMarkdownTable(rows: readonly ResultRow[]): string {
  const escapeCell = (text: string) => text.replaceAll('|', '\\|');
  const lines = [
    '| id | metric | ours | reference | ratio | target | result |',
    '|---|---|---|---|---|---|---|',
    ...rows.map(
      (row) =>
        `| ${row.id} | ${escapeCell(row.metric)} | ${escapeCell(formatFigure(row.ours))} | ${escapeCell(
          `${formatFigure(row.reference.figure)} (${row.reference.name})`,
        )} | ${escapeCell(formatComparison(row))} | ${escapeCell(row.target)} | ${row.pass ? 'pass' : '**FAIL**'} |`,
    ),
  ];
  const notes = rows.filter((row) => row.note).map((row) => `- **${row.id}**: ${row.note}`);
  return notes.length ? `${lines.join('\n')}\n\n${notes.join('\n')}` : lines.join('\n');
}
