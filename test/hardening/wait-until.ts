// Polls a condition until it holds, or fails with what it was waiting for.

import { setTimeout as sleep } from 'node:timers/promises';

/** Resolves with the first truthy value of `check`; rejects naming `what` after `timeoutMs`. */
export async function waitUntil<T>(
  what: string,
  check: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 15_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = performance.now() + timeoutMs;
  let last: T | undefined | false;
  for (;;) {
    last = await check();
    if (last) return last;
    if (performance.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what} (last: ${JSON.stringify(last)})`,
      );
    }
    await sleep(intervalMs);
  }
}
