// Keeps the README true: its configuration table matches the router's defaults, it names every
// environment variable the examples read, its performance table is the last full benchmark run's,
// and what it links to exists.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_LIMITS,
  DEFAULT_TIMEOUTS,
} from '../../backend/config/resolve-chat-router-config.js';
import { REPO_ROOT } from '../helpers/repo-root.js';

const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');

/** The default cell of the configuration table row of `option`, without backticks. */
function defaultOf(option: string): string | undefined {
  const escaped = option.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const row = readme.split('\n').find((line) => new RegExp(`^\\| \`${escaped}\` +\\|`).test(line));
  return row?.split('|')[2]?.trim().replace(/`/g, '');
}

/** Environment variables a source file reads (`env.NAME` / `process.env.NAME`). */
function envVariablesOf(file: string): string[] {
  const source = readFileSync(join(REPO_ROOT, file), 'utf8');
  return [
    ...new Set(
      [...source.matchAll(/\benv\.([A-Z][A-Z0-9_]+)/g)].map((match) => match[1] as string),
    ),
  ];
}

describe('README.md', () => {
  it.each(Object.entries(DEFAULT_LIMITS))('gives limits.%s its real default', (name, value) => {
    const cell = defaultOf(`limits.${name}`);
    expect(cell, `no row for limits.${name}`).toBeDefined();
    expect(value === undefined ? cell : Number(cell)).toBe(value ?? 'unlimited');
  });

  it.each(Object.entries(DEFAULT_TIMEOUTS))('gives timeouts.%s its real default', (name, value) => {
    expect(Number(defaultOf(`timeouts.${name}`))).toBe(value);
  });

  it('lists the other router options with their defaults', () => {
    expect(defaultOf('cors.maxAgeSec')).toBe('600');
    expect(defaultOf('cors.origins')).toBe('[]');
    expect(defaultOf('compression')).toBe('false');
    expect(defaultOf('widget')).toBe('true');
    expect(defaultOf('auth.clockToleranceSec')).toBe('5');
    for (const option of [
      'auth.secret',
      'projects',
      'store',
      'model',
      'runs',
      'logger',
      'onTurnEnd',
    ]) {
      expect(defaultOf(option), option).toBeDefined();
    }
  });

  it('names every environment variable the examples and the default model read', () => {
    const variables = [
      ...envVariablesOf('examples/demo/resolve-demo-config.ts'),
      ...envVariablesOf('examples/express-app/server.ts'),
      ...envVariablesOf('examples/third-party-page/server.ts'),
      ...envVariablesOf('backend/models/openai-chat-model.ts'),
    ];
    expect(variables).toContain('SCHEMA_CHAT_JWT_SECRET');
    for (const name of new Set(variables)) {
      expect(readme, name).toMatch(new RegExp(`^\\| \`${name}\` +\\|`, 'm'));
    }
  });

  it("shows the last full benchmark run's table (bench/RESULTS.md) as it is", () => {
    const cells = (text: string) =>
      text
        .split('\n')
        .filter((line) => /^\| *S\d/.test(line))
        .map((line) =>
          line
            .split('|')
            .map((cell) => cell.trim())
            .join('|'),
        );
    const section = readme.slice(
      readme.indexOf('<!-- bench-table -->'),
      readme.indexOf('<!-- /bench-table -->'),
    );
    const results = cells(readFileSync(join(REPO_ROOT, 'bench/RESULTS.md'), 'utf8'));
    expect(results.length).toBeGreaterThanOrEqual(12);
    expect(cells(section)).toEqual(results);
  });

  it('links only to files that exist', () => {
    const links = [...readme.matchAll(/\]\((?!https?:|#)([^)#]+)/g)].map(
      (match) => match[1] as string,
    );
    expect(links).toContain('docs/screenshot.png');
    for (const link of links) expect(existsSync(join(REPO_ROOT, link)), link).toBe(true);
  });
});
