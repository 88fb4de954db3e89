// The retry countdown: whole seconds from a deadline, so late timers do not stretch the wait.
/// <reference types="mocha" />

import { expect } from 'chai';
import { RetryCountdown } from './retry-countdown.js';

/** A clock and interval under the test's control. */
function manualClock() {
  let now = 0;
  let tick: (() => void) | undefined;
  let cleared = 0;
  return {
    clock: {
      now: () => now,
      setInterval: (callback: () => void) => {
        tick = callback;
        return 1 as unknown as ReturnType<typeof setInterval>;
      },
      clearInterval: () => {
        tick = undefined;
        cleared++;
      },
    },
    /** Moves the clock on by `ms` and fires the interval once (as a late timer would). */
    advance(ms: number) {
      now += ms;
      tick?.();
    },
    get running() {
      return tick !== undefined;
    },
    get cleared() {
      return cleared;
    },
  };
}

describe('RetryCountdown', () => {
  it('counts whole seconds down from the deadline and stops at 0', () => {
    const manual = manualClock();
    let ticks = 0;
    const countdown = new RetryCountdown(() => ticks++, manual.clock);
    countdown.start(3);
    expect(countdown.seconds).to.equal(3);
    manual.advance(1000);
    expect(countdown.seconds).to.equal(2);
    // A timer that fires 1.6 s late still counts from the deadline.
    manual.advance(1600);
    expect(countdown.seconds).to.equal(1);
    manual.advance(400);
    expect(countdown.seconds).to.equal(0);
    expect(manual.running).to.equal(false);
    expect(ticks).to.equal(3);
  });

  it('stops at once, without a tick, and a new start replaces a running count', () => {
    const manual = manualClock();
    let ticks = 0;
    const countdown = new RetryCountdown(() => ticks++, manual.clock);
    countdown.start(30);
    countdown.start(5);
    expect(countdown.seconds).to.equal(5);
    expect(manual.cleared).to.equal(1);
    countdown.stop();
    expect(countdown.seconds).to.equal(0);
    expect(manual.running).to.equal(false);
    expect(ticks).to.equal(0);
  });
});
