// One clock for every process of a bench run: CLOCK_MONOTONIC (process.hrtime), which all processes
// of a machine share, in milliseconds. `performance.now()` runs on the same clock from a
// per-process origin, so its readings convert with one constant offset; the wall clock
// (`Date.now()`, `performance.timeOrigin`) would not do, since NTP may slew it between processes'
// readings of it.
// No imports, so that Node runs it directly (the load generator) as well as vitest.

/** Now on the shared monotonic clock, ms. */
export function monotonicNowMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** `performance.now()` readings of this process + this = the shared monotonic clock, ms. */
const OFFSET_MS = monotonicNowMs() - performance.now();

/** A `performance.now()` reading of this process on the shared monotonic clock, ms. */
export function toMonotonicMs(performanceNow: number): number {
  return performanceNow + OFFSET_MS;
}
