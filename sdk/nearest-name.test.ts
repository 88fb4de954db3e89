import { describe, expect, it } from 'vitest';
import { editDistance, nearestName, typoDistance } from './nearest-name.js';

describe('nearestName', () => {
  const names = ['firstTokenMs', 'idleMs', 'flushMs', 'flushTokens', 'heartbeatMs'];

  it('finds a name that differs in case only, or by a typo', () => {
    expect(nearestName('flushMS', names, typoDistance('flushMS'))).toBe('flushMs');
    expect(nearestName('idelMs', names, typoDistance('idelMs'))).toBe('idleMs');
    expect(nearestName('flushToken', names, typoDistance('flushToken'))).toBe('flushTokens');
    expect(nearestName('heartbeat', names, typoDistance('heartbeat'))).toBe('heartbeatMs');
  });

  it('suggests nothing for a name farther than the limit, the nearest one without a limit', () => {
    expect(
      nearestName('compressionLevel', names, typoDistance('compressionLevel')),
    ).toBeUndefined();
    expect(nearestName('compressionLevel', names)).toBeDefined();
    expect(nearestName('x', [])).toBeUndefined();
  });
});

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['flushms', 'flushms', 0],
    ['idelms', 'idlems', 1],
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
  ])('is %j → %j = %i', (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
  });

  it('stops counting past its limit', () => {
    expect(editDistance('kitten', 'sitting', 1)).toBe(2);
  });
});
