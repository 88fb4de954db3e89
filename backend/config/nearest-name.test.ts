import { describe, expect, it } from 'vitest';
import { editDistance, nearestName } from './nearest-name.js';

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['flushMs', 'flushMs', 0],
    ['flushMs', 'flushMS', 1],
    ['idelMs', 'idleMs', 1],
    ['histroySize', 'historySize', 1],
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
  ])('is %j → %j = %i', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
  });
});

describe('nearestName', () => {
  const names = ['firstTokenMs', 'idleMs', 'flushMs', 'flushTokens', 'heartbeatMs'];

  it('finds a name that differs in case only, or by a typo', () => {
    expect(nearestName('flushMS', names)).toBe('flushMs');
    expect(nearestName('idelMs', names)).toBe('idleMs');
    expect(nearestName('flushToken', names)).toBe('flushTokens');
  });

  it('suggests nothing for a name far from every known one', () => {
    expect(nearestName('compressionLevel', names)).toBeUndefined();
  });
});
