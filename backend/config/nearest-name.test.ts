import { describe, expect, it } from 'vitest';
import { nearestName } from './nearest-name.js';

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
