// `npm run bench`: runs the benchmarks S1–S13 (bench/scenarios/) on this machine and prints one table
// (metric, ours, reference, ratio, target, pass/fail); a full run also writes bench/RESULTS.md and
// copies its table into the performance section of README.md.
//   node bench/run-bench.ts [--quick] [--write] [--only S1,S8]
// --quick: smaller loads and 3 rounds instead of 5, under two minutes; it does not touch
// RESULTS.md unless --write is given. Every figure is measured in this run; ratios compare with
// references measured in the same run, in interleaved rounds. Exit code 0 when every target is
// met, 1 when one is not (printed as FAIL), 2 when a benchmark could not run.
// Plain erasable TypeScript: Node runs it directly (type stripping).

import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { REPO_ROOT } from '../test/helpers/repo-root.ts';
import type { BenchContext, ResultRow } from './lib/bench-context.ts';
import { describeMachine } from './lib/describe-machine.ts';
import { formatConsoleTable, formatMarkdownTable } from './lib/format-results.ts';
import { benchBundleSize } from './scenarios/bundle-size.ts';
import { benchConcurrency } from './scenarios/concurrency.ts';
import { benchFirstToken } from './scenarios/first-token.ts';
import { benchIdleMemory } from './scenarios/idle-memory.ts';
import { benchRelayCost } from './scenarios/relay-cost.ts';
import { benchSeveralInstances } from './scenarios/several-instances.ts';
import { benchSqliteShare } from './scenarios/sqlite-share.ts';
import { benchWidgetRender } from './scenarios/widget-render.ts';

/** The benchmarks, in table order, with the ids they report. */
const SCENARIOS: Array<{ ids: string[]; run: (ctx: BenchContext) => Promise<ResultRow[]> }> = [
  { ids: ['S1', 'S7'], run: benchRelayCost },
  { ids: ['S3'], run: benchFirstToken },
  { ids: ['S4'], run: benchIdleMemory },
  { ids: ['S6'], run: benchConcurrency },
  { ids: ['S8'], run: benchWidgetRender },
  { ids: ['S10'], run: benchBundleSize },
  { ids: ['S12'], run: benchSqliteShare },
  { ids: ['S13'], run: benchSeveralInstances },
];

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    write: { type: 'boolean', default: false },
    only: { type: 'string' },
  },
});
const quick = values.quick === true;
const only = values.only?.split(',').map((id) => id.trim().toUpperCase());
const selected = SCENARIOS.filter(
  (scenario) => !only || scenario.ids.some((id) => only.includes(id)),
);
if (selected.length === 0) {
  process.stderr.write(
    `bench: --only ${values.only} matches no benchmark (S1, S3, S4, S6, S7, S8, S10, S12, S13).\n`,
  );
  process.exit(2);
}
const dist = join(REPO_ROOT, 'dist/express.js');
if (!existsSync(dist)) {
  process.stderr.write(
    'bench: dist/ is missing; run `npm run build` first (npm run bench does).\n',
  );
  process.exit(2);
}

const started = Date.now();
const tmpDir = mkdtempSync(join(tmpdir(), 'schema-chat-bench-'));
const ctx: BenchContext = {
  quick,
  rounds: quick ? 3 : 5,
  tmpDir,
  secret: 'schema-chat-bench-secret-0123456789abcdef',
  log: (message) => process.stderr.write(`  ${message}\n`),
};
const machine = describeMachine();
process.stderr.write(
  `schema-chat benchmarks (${quick ? 'quick' : 'full'}: ${ctx.rounds} interleaved rounds per figure)\n${machine.map((line) => `  ${line}`).join('\n')}\n`,
);

const rows: ResultRow[] = [];
const failures: string[] = [];
try {
  for (const scenario of selected) {
    const t = Date.now();
    process.stderr.write(`${scenario.ids.join(', ')}…\n`);
    try {
      rows.push(...(await scenario.run(ctx)));
    } catch (error) {
      failures.push(`${scenario.ids.join(', ')}: ${(error as Error).stack ?? error}`);
    }
    process.stderr.write(`  (${((Date.now() - t) / 1000).toFixed(1)} s)\n`);
  }
} finally {
  rmSync(tmpDir, { recursive: true, force: true });
}
rows.sort((a, b) => idOrder(a.id) - idOrder(b.id));
const seconds = (Date.now() - started) / 1000;

process.stdout.write(`\n${formatConsoleTable(rows)}\n\n`);
for (const row of rows) if (row.note) process.stdout.write(`${row.id}: ${row.note}\n`);
const failed = rows.filter((row) => !row.pass);
process.stdout.write(
  `\n${rows.length - failed.length} of ${rows.length} targets met${failed.length ? ` (FAIL: ${failed.map((row) => row.id).join(', ')})` : ''}; ${seconds.toFixed(0)} s.\n`,
);
for (const failure of failures) process.stderr.write(`\nbench: could not run ${failure}\n`);

if ((!quick && !only) || values.write) {
  const file = join(REPO_ROOT, 'bench/RESULTS.md');
  writeFileSync(file, resultsMarkdown(rows, machine, seconds, failures));
  process.stdout.write(`Wrote ${file} (${statSync(file).size} bytes).\n`);
  if (!only && failures.length === 0) {
    // The table only: README.md says in its own words what the figures mean.
    const table = formatMarkdownTable(rows)
      .split('\n')
      .filter((line) => line.startsWith('|'))
      .join('\n');
    copyTableToReadme(table);
  }
}
process.exitCode = failures.length > 0 ? 2 : failed.length > 0 ? 1 : 0;

/**
 * Puts the table into README.md's performance section (between its `bench-table` markers) and
 * formats it as the repo's formatter does; test/e2e/readme.test.ts checks that they agree.
 */
function copyTableToReadme(table: string): void {
  const readme = join(REPO_ROOT, 'README.md');
  const text = readFileSync(readme, 'utf8');
  const start = text.indexOf('<!-- bench-table -->\n');
  const end = text.indexOf('<!-- /bench-table -->');
  if (start < 0 || end < start) {
    process.stderr.write('bench: README.md has no bench-table markers; table not copied.\n');
    return;
  }
  const head = text.slice(0, start + '<!-- bench-table -->\n'.length);
  writeFileSync(readme, `${head}${table.trim()}\n${text.slice(end)}`);
  execFileSync(
    process.execPath,
    [join(REPO_ROOT, 'node_modules/@biomejs/biome/bin/biome'), 'format', '--write', readme],
    { stdio: 'ignore' },
  );
  process.stdout.write(`Copied the table into ${readme}; its prose figures are yours to check.\n`);
}

function idOrder(id: string): number {
  const match = /^S(\d+)([a-z]?)$/.exec(id);
  return match ? Number(match[1]) * 100 + (match[2] ? match[2].charCodeAt(0) - 96 : 0) : 9999;
}

function resultsMarkdown(
  table: readonly ResultRow[],
  machineLines: readonly string[],
  durationSeconds: number,
  errors: readonly string[],
): string {
  const missed = table.filter((row) => !row.pass);
  return [
    '# schema-chat benchmark results',
    '',
    `Generated by \`npm run bench\`${quick ? ' --quick' : ''} on ${new Date().toISOString().slice(0, 10)} in ${Math.round(durationSeconds)} s; ${ctx.rounds} interleaved rounds per figure. Every figure was measured in this run, every reference in the same run (the benchmarks, their references and their targets are in \`bench/\`). Do not edit: run \`npm run bench\` again.`,
    '',
    '## Machine',
    '',
    ...machineLines.map((line) => `- ${line}`),
    '',
    '## Results',
    '',
    `${table.length - missed.length} of ${table.length} targets met.`,
    '',
    formatMarkdownTable(table),
    ...(errors.length
      ? ['', '## Benchmarks that could not run', '', ...errors.map((e) => `- ${e.split('\n')[0]}`)]
      : []),
    '',
  ].join('\n');
}
