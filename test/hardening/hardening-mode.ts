// How big the hardening suites run: reduced inside `npm test` (CI time), full under
// `npm run test:hardening` (SCHEMA_CHAT_HARDENING=full), so one suite carries both counts.

/** The env var that selects the full counts. */
export const HARDENING_ENV = 'SCHEMA_CHAT_HARDENING';

/** `full` under `npm run test:hardening`, else `reduced`. */
export const hardeningMode: 'full' | 'reduced' =
  process.env[HARDENING_ENV] === 'full' ? 'full' : 'reduced';

/** Whether the full counts run. */
export const isFullRun = hardeningMode === 'full';

/** Picks the reduced or the full figure of a count, duration or timeout. */
export function scaled<T>(reduced: T, full: T): T {
  return isFullRun ? full : reduced;
}

/** The env var that replays the random choices of a run (fuzz cases, kill moments, reset points). */
export const SEED_ENV = 'SCHEMA_CHAT_HARDENING_SEED';

/** The seed of a suite: from SCHEMA_CHAT_HARDENING_SEED when set, else random; printed either way. */
export function pickSeed(suite: string): number {
  const given = process.env[SEED_ENV];
  const seed =
    given !== undefined && /^-?\d+$/.test(given)
      ? Number(given)
      : Math.floor(Math.random() * 2 ** 31);
  console.log(`[hardening] ${suite}: seed ${seed} (replay with ${SEED_ENV}=${seed})`);
  return seed;
}
