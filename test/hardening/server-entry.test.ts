// The server child-process entry itself: it needs the built package and says so, and it starts,
// reports its figures and exits cleanly on SIGTERM.

import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { HARDENING_SECRET, startServerProcess } from './server-process.js';

describe('server-entry.ts', () => {
  it('refuses to start without the built package, saying to run npm run build', () => {
    // Outside the package, `schema-chat/express` resolves to nothing, as before a build.
    const dir = mkdtempSync(join(tmpdir(), 'schema-chat-entry-'));
    try {
      const entry = join(dir, 'server-entry.ts');
      copyFileSync(fileURLToPath(new URL('./server-entry.ts', import.meta.url)), entry);
      const run = spawnSync(process.execPath, [entry], {
        env: {
          ...process.env,
          SCHEMA_CHAT_DB: join(dir, 'x.db'),
          HARDENING_JWT_SECRET: HARDENING_SECRET,
        },
        encoding: 'utf8',
        timeout: 20_000,
      });
      expect(run.status).toBe(1);
      expect(run.stderr).toContain('run `npm run build` first');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('prints its port, reports its own figures and exits 0 on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'schema-chat-entry-'));
    try {
      const server = await startServerProcess({
        db: join(dir, 'chat.db'),
        upstreamUrl: 'http://127.0.0.1:9/v1',
      });
      const stats = await server.gcStats();
      expect(stats).toMatchObject({ pid: server.pid, activeRuns: 0, unhandledRejections: 0 });
      expect(stats.rssKb).toBeGreaterThan(10_000);
      expect(stats.fds).toBeGreaterThan(3);
      expect(await server.stop('SIGTERM')).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
