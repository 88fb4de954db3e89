// S10: the drop-in widget bundle against deep-chat 2.4.2, both built by the same pipeline
// (rollup + node-resolve for the browser + esbuild minify, as rollup.config.mjs builds
// dist/schema-chat.js) and gzipped the same way. The two builds run here, in this run.
// Plain erasable TypeScript: Node runs it directly (type stripping).

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { rollup } from 'rollup';
import esbuild from 'rollup-plugin-esbuild';
import { minifyCssLiteralsPlugin } from '../../scripts/minify-css-literals.mjs';
import { REPO_ROOT } from '../../test/helpers/repo-root.ts';
import type { BenchContext, ResultRow } from '../lib/bench-context.ts';

/**
 * Builds `input` into one minified ESM file and returns its bytes; with `cssLiterals`, Lit's css``
 * literals are minified too, as rollup.config.mjs builds the drop-in bundle.
 */
async function buildMinified(
  input: string,
  ctx: BenchContext,
  name: string,
  cssLiterals = false,
): Promise<Buffer> {
  const bundle = await rollup({
    input,
    plugins: [
      nodeResolve({ browser: true }),
      ...(cssLiterals ? [minifyCssLiteralsPlugin()] : []),
      esbuild({
        target: 'es2022',
        tsconfig: join(REPO_ROOT, 'tsconfig.json'),
        minify: true,
        legalComments: 'none',
      }),
    ],
    onwarn: () => {},
  });
  const file = join(ctx.tmpDir, `${name}.js`);
  await bundle.write({ file, format: 'es', inlineDynamicImports: true });
  await bundle.close();
  return readFileSync(file);
}

/** Runs S10. */
export async function benchBundleSize(ctx: BenchContext): Promise<ResultRow[]> {
  const require = createRequire(join(REPO_ROOT, 'package.json'));
  const deepChatPackage = JSON.parse(
    readFileSync(require.resolve('deep-chat/package.json'), 'utf8'),
  ) as { version: string };
  if (deepChatPackage.version !== '2.4.2') {
    throw new Error(
      `S10: deep-chat ${deepChatPackage.version} is installed; the reference is 2.4.2.`,
    );
  }
  ctx.log('S10: building the widget bundle');
  const ours = await buildMinified(join(REPO_ROOT, 'widget/index.ts'), ctx, 'schema-chat', true);
  ctx.log('S10: building deep-chat 2.4.2');
  const deepChat = await buildMinified(require.resolve('deep-chat'), ctx, 'deep-chat');
  const oursGzip = gzipSync(ours).length;
  const deepChatGzip = gzipSync(deepChat).length;
  const shipped = gzipSync(readFileSync(join(REPO_ROOT, 'dist/schema-chat.js'))).length;
  const ratio = oursGzip / deepChatGzip;
  return [
    {
      id: 'S10',
      metric: 'drop-in widget bundle, min+gzip (markdown and sanitizing renderer included)',
      ours: { value: oursGzip / 1024, unit: 'KiB', digits: 1 },
      reference: {
        name: 'deep-chat 2.4.2',
        figure: { value: deepChatGzip / 1024, unit: 'KiB', digits: 1 },
      },
      comparison: { kind: 'ratio', value: ratio },
      target: '≤ 0.3× (≤ 38 KiB)',
      pass: ratio <= 0.3 && oursGzip <= 38 * 1024,
      note: `Both built in this run by the same pipeline (rollup, node-resolve for the browser, esbuild minify, gzip level 6; for schema-chat, as its build does, Lit's css\`\` literals minified too): ${(ours.length / 1024).toFixed(1)} KiB → ${(oursGzip / 1024).toFixed(1)} KiB for schema-chat (the shipped dist/schema-chat.js: ${(shipped / 1024).toFixed(1)} KiB gzipped), ${(deepChat.length / 1024).toFixed(1)} KiB → ${(deepChatGzip / 1024).toFixed(1)} KiB for deep-chat. A size is deterministic: one build each.`,
    },
  ];
}
