// SilenceWatch: the first-token and idle timeouts of a turn, on fake timers.

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Silence, SilenceWatch } from './silence-watch.js';

describe('SilenceWatch', () => {
  let fired: Silence[];
  const watch = (firstTokenMs = 300, idleMs = 100) =>
    new SilenceWatch({ firstTokenMs, idleMs, onSilence: (silence) => fired.push(silence) });
  beforeEach(() => {
    fired = [];
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fires first-token once when no token comes within firstTokenMs', () => {
    watch();
    vi.advanceTimersByTime(299);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual(['first-token']);
    vi.advanceTimersByTime(1000);
    expect(fired).toEqual(['first-token']);
  });

  it('switches to the idle period at the first token, however long the first-token wait', () => {
    const timer = watch(10_000, 100);
    vi.advanceTimersByTime(50);
    timer.touch();
    expect(timer.started).toBe(true);
    vi.advanceTimersByTime(99);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual(['idle']);
  });

  it('does not fire while tokens keep coming, then fires a period after the last one', () => {
    const timer = watch(300, 40);
    for (let i = 0; i < 8; i++) {
      vi.advanceTimersByTime(15);
      timer.touch();
    }
    expect(fired).toEqual([]); // 120 ms in, three idle periods long
    vi.advanceTimersByTime(39);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual(['idle']);
  });

  it('never fires once stopped', () => {
    const timer = watch();
    timer.stop();
    vi.advanceTimersByTime(1000);
    expect(fired).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
