// Browser tests of the <schema-chat> widget: @web/test-runner in (Debian) Chromium, TypeScript
// through esbuild, bare imports resolved from node_modules. `npm run test:browser`.
import { existsSync } from 'node:fs';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
// Plain TypeScript with no imports: Node 22 loads it directly.
import { CHROMIUM_ARGS } from './test/helpers/chromium-args.ts';

// CI and this machine have Debian's Chromium; a developer machine without it falls back to
// chrome-launcher's own detection of an installed Chrome (executablePath undefined).
const chromePath = process.env.CHROME_PATH ?? '/usr/bin/chromium';
const executablePath = existsSync(chromePath) ? chromePath : undefined;

/**
 * The CSP test page (widget/test-helpers/csp-page.html) is served with a strict policy and
 * Trusted Types, as a careful host page would: no inline script, no eval, no inline styles,
 * connections and images only to the page's own origin.
 */
const STRICT_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'self'",
  "require-trusted-types-for 'script'",
  'trusted-types lit-html',
].join('; ');

/** @type {import('@web/test-runner').TestRunnerConfig} */
export default {
  files: ['widget/**/*.test.ts'],
  nodeResolve: true,
  // Two cores shared by everyone: one browser, one test file at a time.
  concurrency: 1,
  concurrentBrowsers: 1,
  browserStartTimeout: 60_000,
  testsStartTimeout: 60_000,
  testsFinishTimeout: 300_000,
  testFramework: { config: { timeout: 20_000 } },
  plugins: [
    // Resolves `./x.js` imports from .ts files to `./x.ts`, as tsc and rollup do.
    esbuildPlugin({ ts: true, target: 'es2022', tsconfig: 'tsconfig.json' }),
  ],
  middleware: [
    async function strictCsp(context, next) {
      await next();
      if (context.path.startsWith('/widget/test-helpers/csp-page.html')) {
        context.set('Content-Security-Policy', STRICT_CSP);
      }
    },
  ],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath,
        headless: true,
        args: [...CHROMIUM_ARGS],
      },
    }),
  ],
};
