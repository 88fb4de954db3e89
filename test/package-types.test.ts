// The package as a TypeScript user installs it: the packed tarball, with only what npm installs
// for a user (its dependencies) plus `@types/express`, compiled with `skipLibCheck: false`. So the
// published declarations name no `@types` package a user does not have (jsonwebtoken,
// better-sqlite3…). Needs `npm run build` first (`npm test` builds before running this).

import { execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../', import.meta.url));
const modules = join(root, 'node_modules');
let fixture: string;

/** A package and, recursively, its dependencies, as installed in the repository. */
function closure(names: Iterable<string>, seen = new Set<string>()): Set<string> {
  for (const name of names) {
    if (seen.has(name) || !existsSync(join(modules, name, 'package.json'))) continue;
    seen.add(name);
    const manifest = JSON.parse(readFileSync(join(modules, name, 'package.json'), 'utf8'));
    closure(
      [
        ...Object.keys(manifest.dependencies ?? {}),
        ...Object.keys(manifest.peerDependencies ?? {}),
      ],
      seen,
    );
  }
  return seen;
}

beforeAll(() => {
  if (!existsSync(join(root, 'dist/types/backend/index.d.ts'))) {
    throw new Error('dist/ is missing: run `npm run build` before this test.');
  }
  fixture = mkdtempSync(join(tmpdir(), 'schema-chat-types-'));
  const packed = execFileSync('npm', ['pack', '--silent', '--pack-destination', fixture], {
    cwd: root,
    encoding: 'utf8',
  }).trim();
  const installed = join(fixture, 'node_modules', 'schema-chat');
  mkdirSync(installed, { recursive: true });
  execFileSync('tar', ['xzf', join(fixture, packed), '-C', installed, '--strip-components=1']);
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  // What `npm install schema-chat express @types/express` would bring, and nothing else.
  const wanted = closure([...Object.keys(pkg.dependencies), 'express', '@types/express']);
  for (const name of wanted) {
    const target = join(fixture, 'node_modules', name);
    mkdirSync(join(target, '..'), { recursive: true });
    symlinkSync(join(modules, name), target, 'dir');
  }
  writeFileSync(
    join(fixture, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: {
        target: 'ES2023',
        lib: ['ES2023', 'DOM', 'DOM.Iterable'],
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        types: ['node'],
        strict: true,
        skipLibCheck: false,
        noEmit: true,
      },
      files: ['app.ts'],
    }),
  );
  writeFileSync(join(fixture, 'package.json'), JSON.stringify({ type: 'module' }));
  writeFileSync(
    join(fixture, 'app.ts'),
    `import express from 'express';
import {
  createChatRouter,
  type ChatRouterOptions,
  OfflineChatModel,
  SqliteChatStore,
  SqliteProjectStore,
} from 'schema-chat/express';
import { createChatClient, type ChatEvent } from 'schema-chat/client';
import type { SchemaChat } from 'schema-chat/widget';

const store = new SqliteChatStore({ path: ':memory:' });
const projects = new SqliteProjectStore({ database: store.database });
const options: ChatRouterOptions = {
  auth: { secret: 'x'.repeat(32), algorithms: ['HS256'] },
  projects,
  store,
  model: new OfflineChatModel(),
};
const app = express();
app.use('/api/v1/ai', createChatRouter(options));
const client = createChatClient({ baseUrl: '/api/v1/ai', token: 't' });
const onEvent = (event: ChatEvent): string => event.type;
declare const element: SchemaChat;
element.projectId = 'bookstore';
export { app, client, onEvent };
`,
  );
}, 60_000);
afterAll(() => {
  if (fixture) rmSync(fixture, { recursive: true, force: true });
});

describe('the published type declarations', () => {
  it('compile with skipLibCheck: false given only the dependencies and @types/express', () => {
    const installedTypes = [...closure(['@types/express'])].filter((name) =>
      name.startsWith('@types/'),
    );
    expect(installedTypes).not.toContain('@types/jsonwebtoken');
    expect(installedTypes).not.toContain('@types/better-sqlite3');
    let output = '';
    try {
      execFileSync(join(modules, '.bin', 'tsc'), ['-p', fixture], { encoding: 'utf8' });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    expect(output).toBe('');
  });
});
