// Tests of the inactivity watchdog, on fake timers.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createWatchdog } from './create-watchdog.js';

describe('createWatchdog', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fires once after a whole timeout of silence', () => {
    const onTimeout = vi.fn();
    createWatchdog({ timeoutMs: 1000, onTimeout });
    vi.advanceTimersByTime(999);
    expect(onTimeout).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onTimeout).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(10_000);
    expect(onTimeout).toHaveBeenCalledTimes(1);
  });

  it('starts the timeout again at every touch', () => {
    const onTimeout = vi.fn();
    const watchdog = createWatchdog({ timeoutMs: 1000, onTimeout });
    for (let i = 0; i < 10; i += 1) {
      vi.advanceTimersByTime(600);
      watchdog.touch();
    }
    expect(onTimeout).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1000);
    expect(onTimeout).toHaveBeenCalledTimes(1);
  });

  it('restarts with a new timeout, shorter or longer', () => {
    const onTimeout = vi.fn();
    const watchdog = createWatchdog({ timeoutMs: 10_000, onTimeout });
    vi.advanceTimersByTime(100);
    watchdog.restart(500);
    vi.advanceTimersByTime(499);
    expect(onTimeout).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onTimeout).toHaveBeenCalledTimes(1);
  });

  it('never fires after stop', () => {
    const onTimeout = vi.fn();
    const watchdog = createWatchdog({ timeoutMs: 1000, onTimeout });
    watchdog.stop();
    watchdog.restart(10);
    vi.advanceTimersByTime(5000);
    expect(onTimeout).not.toHaveBeenCalled();
    expect(vi.getTimerCount()).toBe(0);
  });
});
