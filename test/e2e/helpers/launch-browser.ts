// Starts Chromium for the end-to-end tests: Debian's /usr/bin/chromium (or CHROME_PATH) through
// playwright-core, with a clear error when no browser is installed.

import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../helpers/chromium-args.js';

/** The Chromium binary: `CHROME_PATH`, else Debian's. Throws how to get one when it is missing. */
export function findChromium(): string {
  const path = process.env.CHROME_PATH ?? '/usr/bin/chromium';
  if (!existsSync(path)) {
    throw new Error(
      `No Chromium at ${path}: the end-to-end tests need one. Install Debian's (apt-get install chromium) or set CHROME_PATH to a Chrome/Chromium binary.`,
    );
  }
  return path;
}

/** Launches the browser through playwright-core. */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: findChromium(), args: [...CHROMIUM_ARGS] });
}

/** A browser whose tabs really hide each other (see {@link launchBrowserWithTabs}). */
export interface TabbedBrowser {
  browser: Browser;
  /** The browser's own context: its pages are tabs of one window. */
  context: BrowserContext;
  close(): Promise<void>;
}

/**
 * Launches Chromium itself and attaches playwright-core over CDP with `noDefaults`, so Playwright
 * leaves focus emulation off. With it on (as after `chromium.launch`), every page stays
 * `visible` forever; without it, bringing another tab to the front hides the first one, exactly
 * as a user switching tabs does (`document.visibilityState === 'hidden'`, `visibilitychange`).
 */
export async function launchBrowserWithTabs(): Promise<TabbedBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'schema-chat-e2e-chromium-'));
  const child = spawn(
    findChromium(),
    [...CHROMIUM_ARGS, '--remote-debugging-port=0', `--user-data-dir=${profile}`, 'about:blank'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  // A worker that dies must not leave the browser behind.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const running = () => child.exitCode === null && child.signalCode === null;
  const cleanup = async () => {
    if (running()) {
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    process.off('exit', killOnExit);
    try {
      rmSync(profile, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 });
    } catch {
      // A helper process still writing its last file: a leftover temp folder is harmless.
    }
  };
  try {
    const endpoint = await readDevToolsEndpoint(child);
    const browser = await chromium.connectOverCDP(endpoint, { noDefaults: true });
    const context = browser.contexts()[0];
    if (!context) throw new Error('Chromium started without a default browser context.');
    return {
      browser,
      context,
      async close() {
        // Playwright only disconnects from a browser it attached to; ask Chromium to quit.
        try {
          const cdp = await browser.newBrowserCDPSession();
          await cdp.send('Browser.close');
        } catch {
          child.kill('SIGKILL');
        }
        await cleanup();
      },
    };
  } catch (error) {
    child.kill('SIGKILL');
    await cleanup();
    throw error;
  }
}

function readDevToolsEndpoint(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(
      () => reject(new Error(`Chromium did not open its DevTools port within 30 s:\n${output}`)),
      30_000,
    );
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      output += chunk;
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        // Keep draining stderr (a full pipe would block Chromium) without keeping it.
        child.stderr?.removeAllListeners('data');
        child.stderr?.resume();
        resolve(match[1]);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`Chromium exited (${code}) before opening its DevTools port:\n${output}`));
    });
  });
}
