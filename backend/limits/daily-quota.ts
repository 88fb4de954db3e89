// Pure: the UTC day a daily token allowance counts (`limits.tokensPerDay`), and the allowance as
// clients are told it (`quota` of the `complete` event and the REST answer, `GET /usage`).

import type { Quota } from '../../sdk/protocol.js';

const DAY_MS = 86_400_000;

/** The UTC day of `now`: from its 00:00 (what the quota counts since) to the next (its reset). */
export function quotaDay(now: Date): { since: Date; resetsAt: Date } {
  const since = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return { since: new Date(since), resetsAt: new Date(since + DAY_MS) };
}

/** The allowance of a user who used `used` tokens today, out of `limit`, at `now`. */
export function describeQuota(used: number, limit: number, now: Date): Quota {
  return { used, limit, resetsAt: quotaDay(now).resetsAt.toISOString() };
}

/** Whole seconds from `now` until the quota renews (at least 1). */
export function secondsUntilReset(now: Date): number {
  return Math.max(1, Math.ceil((quotaDay(now).resetsAt.getTime() - now.getTime()) / 1000));
}
