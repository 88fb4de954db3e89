// `npm run test:hardening`: runs every hardening suite at its full counts (SCHEMA_CHAT_HARDENING=
// full), one file at a time so the load figures are not shared with another suite, then prints a
// summary table of what each check measured in this run (records from record-hardening-result.ts).
// Extra arguments go to vitest, e.g. `npm run test:hardening -- load` runs the load suite only.
// Plain erasable TypeScript with `.ts` imports: Node runs it directly (type stripping).

import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { HARDENING_ENV } from './hardening-mode.ts';
import { HARDENING_RESULTS_DIR, type HardeningResult } from './record-hardening-result.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
if (!existsSync(join(root, 'dist', 'express.js'))) {
  process.stderr.write('run-hardening: dist/ is missing; run `npm run build` first.\n');
  process.exit(1);
}

rmSync(HARDENING_RESULTS_DIR, { recursive: true, force: true });
const started = performance.now();
const filters = process.argv.slice(2);
const run = spawnSync(
  process.execPath,
  [
    join(root, 'node_modules', 'vitest', 'vitest.mjs'),
    'run',
    '--no-file-parallelism',
    ...(filters.length > 0
      ? filters.map((filter) => `test/hardening/${filter}`)
      : ['test/hardening', 'test/cluster']),
  ],
  { cwd: root, stdio: 'inherit', env: { ...process.env, [HARDENING_ENV]: 'full' } },
);

const records: Array<HardeningResult & { mode: string }> = existsSync(HARDENING_RESULTS_DIR)
  ? readdirSync(HARDENING_RESULTS_DIR)
      .filter((name) => name.endsWith('.json'))
      .map((name) => JSON.parse(readFileSync(join(HARDENING_RESULTS_DIR, name), 'utf8')))
      .sort((a, b) => `${a.suite}${a.check}`.localeCompare(`${b.suite}${b.check}`))
  : [];

const rows = records.map((record) => [
  record.suite,
  record.check,
  `${record.tried} ${record.unit}`,
  String(record.failures),
  Object.entries(record.figures ?? {})
    .map(([name, value]) => `${name}: ${value}`)
    .join('; '),
]);
const header = ['suite', 'check', 'tried', 'failures', 'figures'];
// The last column (figures) is left ragged: padding it to its longest row helps nobody.
const widths = header.map((title, column) =>
  column === header.length - 1
    ? 0
    : Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
);
const line = (cells: string[]) =>
  `| ${cells.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
const out: string[] = [
  '',
  `Hardening summary (${records[0]?.mode ?? 'no'} counts, ${Math.round((performance.now() - started) / 1000)} s, measured in this run)`,
  line(header),
  `|${widths.map((width) => '-'.repeat(Math.max(width, 7) + 2)).join('|')}|`,
  ...rows.map(line),
];
for (const record of records)
  if (record.note) out.push(`- ${record.suite} / ${record.check}: ${record.note}`);
if (records.length === 0)
  out.push('No suite recorded a result (did vitest fail before running them?).');
const failed = records.reduce((sum, record) => sum + record.failures, 0);
out.push('', `vitest exited with ${run.status ?? run.signal}; ${failed} failures recorded.`, '');
process.stdout.write(out.join('\n'));
process.exit(run.status === 0 && failed === 0 ? 0 : 1);
