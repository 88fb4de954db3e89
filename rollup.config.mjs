// Builds dist/: the backend entry (ESM + CJS), the Postgres and Redis entries (ESM + CJS, `pg`,
// `ioredis`, `rate-limit-redis` external), the client entry (ESM + CJS), the widget entry (Lit
// external) and the drop-in widget bundle (everything inlined and minified). Types come from
// `tsc -p tsconfig.build.json`; rollup only transpiles (esbuild), since TypeScript 7 has no JS API.
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { fileURLToPath } from 'node:url';
import nodeResolve from '@rollup/plugin-node-resolve';
import esbuild from 'rollup-plugin-esbuild';
import { minifyCssLiteralsPlugin } from './scripts/minify-css-literals.mjs';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const dependencies = [
  ...Object.keys(pkg.dependencies ?? {}),
  ...Object.keys(pkg.peerDependencies ?? {}),
];
/** Packages (and their subpaths) and Node built-ins stay imports in the npm entries. */
const external = (id) =>
  id.startsWith('node:') ||
  builtinModules.includes(id) ||
  dependencies.some((dep) => id === dep || id.startsWith(`${dep}/`));

/**
 * The Postgres and Redis entries import ChatError from `schema-chat/express` instead of bundling a copy, so
 * that the router's `instanceof ChatError` recognises the stores' coded errors.
 */
const errorsFromExpressEntry = {
  name: 'errors-from-express-entry',
  resolveId(source, importer) {
    if (importer === undefined || !source.endsWith('/errors.js')) return null;
    const resolved = fileURLToPath(new URL(source.replace(/\.js$/, '.ts'), `file://${importer}`));
    return resolved === fileURLToPath(new URL('./backend/errors.ts', import.meta.url))
      ? { id: 'schema-chat/express', external: true }
      : null;
  },
};

const transpile = (options = {}) =>
  esbuild({ target: 'es2022', tsconfig: 'tsconfig.json', ...options });

const entries = [
  {
    input: 'backend/index.ts',
    external,
    plugins: [transpile({ target: 'node22' })],
    output: [
      { file: 'dist/express.js', format: 'es', sourcemap: true },
      { file: 'dist/express.cjs', format: 'cjs', sourcemap: true, exports: 'named' },
    ],
  },
  {
    input: 'backend/postgres.ts',
    external,
    plugins: [errorsFromExpressEntry, transpile({ target: 'node22' })],
    output: [
      { file: 'dist/postgres.js', format: 'es', sourcemap: true },
      { file: 'dist/postgres.cjs', format: 'cjs', sourcemap: true, exports: 'named' },
    ],
  },
  {
    input: 'backend/redis.ts',
    external,
    plugins: [errorsFromExpressEntry, transpile({ target: 'node22' })],
    output: [
      { file: 'dist/redis.js', format: 'es', sourcemap: true },
      { file: 'dist/redis.cjs', format: 'cjs', sourcemap: true, exports: 'named' },
    ],
  },
  {
    input: 'sdk/index.ts',
    // fetch-event-source's parser ships as ESM inside a CommonJS package, which Node before
    // 22.7 cannot import: inline those few lines instead of importing them.
    external: (id) => !id.startsWith('@microsoft/fetch-event-source') && external(id),
    plugins: [nodeResolve(), transpile()],
    output: [
      { file: 'dist/client.js', format: 'es', sourcemap: true },
      { file: 'dist/client.cjs', format: 'cjs', sourcemap: true, exports: 'named' },
    ],
  },
];

// The widget joins the build once it exists (issue 3).
if (existsSync('widget/index.ts')) {
  entries.push(
    {
      input: 'widget/index.ts',
      external,
      plugins: [minifyCssLiteralsPlugin(), transpile()],
      output: { file: 'dist/widget.js', format: 'es', sourcemap: true },
    },
    {
      input: 'widget/index.ts',
      plugins: [
        nodeResolve({ browser: true }),
        minifyCssLiteralsPlugin(),
        transpile({ minify: true, legalComments: 'none' }),
      ],
      output: { file: 'dist/schema-chat.js', format: 'es', sourcemap: true },
    },
  );
}

export default entries;
