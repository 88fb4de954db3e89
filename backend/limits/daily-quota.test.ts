import { describe, expect, it } from 'vitest';
import { describeQuota, quotaDay, secondsUntilReset } from './daily-quota.js';

describe('quotaDay', () => {
  it('runs from 00:00 UTC of the day to the next 00:00 UTC', () => {
    const { since, resetsAt } = quotaDay(new Date('2026-03-01T23:59:59.999Z'));
    expect(since.toISOString()).toBe('2026-03-01T00:00:00.000Z');
    expect(resetsAt.toISOString()).toBe('2026-03-02T00:00:00.000Z');
  });

  it('starts a new day exactly at midnight', () => {
    expect(quotaDay(new Date('2026-03-02T00:00:00.000Z')).since.toISOString()).toBe(
      '2026-03-02T00:00:00.000Z',
    );
  });
});

describe('describeQuota', () => {
  it('says the tokens used, the allowance and when it renews', () => {
    expect(describeQuota(1200, 5000, new Date('2026-12-31T10:00:00.000Z'))).toEqual({
      used: 1200,
      limit: 5000,
      resetsAt: '2027-01-01T00:00:00.000Z',
    });
  });
});

describe('secondsUntilReset', () => {
  it('counts whole seconds up to midnight, never 0', () => {
    expect(secondsUntilReset(new Date('2026-03-01T23:59:00.000Z'))).toBe(60);
    expect(secondsUntilReset(new Date('2026-03-01T23:59:59.900Z'))).toBe(1);
  });
});
