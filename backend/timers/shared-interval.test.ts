import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { SharedInterval } from './shared-interval.js';

describe('SharedInterval', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('calls every member once per interval, in the same tick', () => {
    const interval = new SharedInterval(1000);
    const calls: string[] = [];
    interval.add(() => calls.push('a'));
    interval.add(() => calls.push('b'));
    vi.advanceTimersByTime(999);
    expect(calls).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(calls).toEqual(['a', 'b']);
    vi.advanceTimersByTime(1000);
    expect(calls).toEqual(['a', 'b', 'a', 'b']);
  });

  it('runs one timer for all members and stops it with the last one', () => {
    const interval = new SharedInterval(1000);
    const a = vi.fn();
    const b = vi.fn();
    interval.add(a);
    interval.add(b);
    expect(vi.getTimerCount()).toBe(1);
    interval.delete(a);
    vi.advanceTimersByTime(1000);
    expect(a).not.toHaveBeenCalled();
    expect(b).toHaveBeenCalledTimes(1);
    interval.delete(b);
    expect(interval.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
