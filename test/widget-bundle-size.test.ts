// The drop-in widget bundle (dist/schema-chat.js: Lit, the client, markdown and the element, all
// inlined and minified) stays within its budget: 38 KB min+gzip (the bound of benchmark S10).

import { existsSync, readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';

const BUNDLE = new URL('../dist/schema-chat.js', import.meta.url);
const BUDGET_BYTES = 38 * 1024;

describe('dist/schema-chat.js', () => {
  it('is at most 38 KB minified and gzipped', () => {
    if (!existsSync(BUNDLE)) {
      throw new Error('dist/schema-chat.js is missing: run npm run build first.');
    }
    const source = readFileSync(BUNDLE);
    const gzipped = gzipSync(source).length;
    expect(
      gzipped,
      `dist/schema-chat.js is ${gzipped} bytes gzipped (budget ${BUDGET_BYTES})`,
    ).toBeLessThanOrEqual(BUDGET_BYTES);
    // It really is the whole widget, minified: the element, its styles and the client are inside.
    const text = source.toString('utf8');
    expect(text).toContain('schema-chat');
    expect(text).toContain('--schema-chat-accent');
    expect(text).not.toMatch(/^\s*\/\/ /m);
    expect(text).not.toMatch(/from\s*["']lit["']/);
  });
});
