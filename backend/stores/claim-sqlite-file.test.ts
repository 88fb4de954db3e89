// One SQLite file, one process: a second process opening the same file is refused with the fix;
// the same process may open it again; a file left by a process that was killed is taken over.
// The other process runs the built package (`npm test` builds first).

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../test/helpers/repo-root.js';
import { SqliteChatStore } from './sqlite-chat-store.js';

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill('SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempFile(): string {
  const dir = mkdtempSync(join(tmpdir(), 'schema-chat-claim-'));
  dirs.push(dir);
  return join(dir, 'chat.db');
}

/** Another process that opens a SqliteChatStore on `path` and keeps it open. */
function serveInAnotherProcess(path: string): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      `const { SqliteChatStore } = await import('schema-chat/express');
       new SqliteChatStore({ path: ${JSON.stringify(path)} });
       process.stdout.write('ready\\n');
       setInterval(() => {}, 1000);`,
    ],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  children.push(child);
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (data: Buffer) => {
      if (data.toString().includes('ready')) resolve(child);
    });
    child.once('exit', (code) => reject(new Error(`the other process exited with ${code}`)));
  });
}

describe('one SQLite file per process', () => {
  it('refuses a file another live process serves, naming the fix', async () => {
    const path = tempFile();
    await serveInAnotherProcess(path);
    expect(() => new SqliteChatStore({ path })).toThrow(
      /already served by process \d+ on this machine.*PostgresChatStore.*RedisRunRegistry/s,
    );
  });

  it('takes over a file whose process was killed, and lets this process open it twice', async () => {
    const path = tempFile();
    const other = await serveInAnotherProcess(path);
    const exited = new Promise((resolve) => other.once('exit', resolve));
    other.kill('SIGKILL');
    await exited;
    const first = new SqliteChatStore({ path });
    const second = new SqliteChatStore({ path });
    await second.close();
    await first.close();
  });

  it('frees the file on close, for the next process', async () => {
    const path = tempFile();
    const store = new SqliteChatStore({ path });
    await store.close();
    const other = await serveInAnotherProcess(path);
    expect(other.exitCode).toBeNull();
  });
});
