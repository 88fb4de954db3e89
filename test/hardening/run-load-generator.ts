// Runs a load job in a separate load-generator process and returns what it measured.

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LoadJob, LoadResult } from './load-generator.ts';

const GENERATOR = fileURLToPath(new URL('./load-generator.ts', import.meta.url));

/** Spawns the generator, hands it `job`, and resolves with its result (rejects if it fails). */
export function runLoadGenerator(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [GENERATOR], { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (text: string) => {
      out += text;
    });
    child.stderr.on('data', (text: string) => {
      err += text;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) {
        reject(new Error(`load generator exited with ${code}: ${err.slice(-2000)}`));
        return;
      }
      try {
        resolve(JSON.parse(out) as LoadResult);
      } catch (error) {
        reject(
          new Error(
            `load generator printed no result (${(error as Error).message}): ${err.slice(-2000)}`,
          ),
        );
      }
    });
    child.stdin.end(JSON.stringify(job));
  });
}
