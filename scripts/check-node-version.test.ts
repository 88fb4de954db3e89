import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeNodeVersionProblem, MINIMUM_NODE } from './check-node-version.mjs';

describe('describeNodeVersionProblem', () => {
  it.each(['20.20.2', 'v20.20.2', '22.0.0', '22.17.9', '18.19.1'])(
    'names the needed and the running version for %s',
    (version) => {
      expect(describeNodeVersionProblem(version)).toBe(
        `schema-chat needs Node.js 22.18.0 or later; this is Node.js ${version.replace('v', '')}. Install a newer one (https://nodejs.org) and run the command again.`,
      );
    },
  );

  it.each(['22.18.0', '22.23.5', '23.0.0', '24.1.0', '30.0.0'])('accepts %s', (version) => {
    expect(describeNodeVersionProblem(version)).toBeUndefined();
  });

  it('runs before start, test and bench, and engines says the same minimum', () => {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
    for (const script of ['prestart', 'pretest', 'prebench']) {
      expect(pkg.scripts[script]).toBe('node scripts/check-node-version.mjs');
    }
    expect(pkg.engines.node).toBe(`>=${MINIMUM_NODE}`);
  });

  it('exits 0 on this Node.js, which is new enough', () => {
    const script = new URL('./check-node-version.mjs', import.meta.url).pathname;
    expect(execFileSync(process.execPath, [script], { encoding: 'utf8' })).toBe('');
  });
});
