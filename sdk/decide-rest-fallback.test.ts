// Tests of the one REST-fallback policy of streamed turns.

import { describe, expect, it } from 'vitest';
import { decideRestFallback, type RestFallbackInput } from './decide-rest-fallback.js';

const network = { code: 'NETWORK_ERROR', message: 'The chat server could not be reached.' };
const base: RestFallbackInput = {
  enabled: true,
  error: network,
  final: false,
  receivedEvents: false,
  receivedText: false,
};

describe('decideRestFallback', () => {
  it('falls back at once when the stream cannot start and nothing arrived', () => {
    expect(decideRestFallback({ ...base, cannotStart: 'HTTP 502 from a proxy' })).toBe(
      'HTTP 502 from a proxy',
    );
  });

  it('does not fall back on a stream that cannot start once events arrived (a resume follows)', () => {
    const input = { ...base, cannotStart: 'HTTP 502 from a proxy', receivedEvents: true };
    expect(decideRestFallback(input)).toBeUndefined();
  });

  it('retries a transport failure first, and falls back when the stream is given up before any text', () => {
    expect(decideRestFallback(base)).toBeUndefined();
    expect(decideRestFallback({ ...base, final: true })).toBe(network.message);
    expect(decideRestFallback({ ...base, final: true, receivedEvents: true })).toBe(
      network.message,
    );
    for (const code of ['STREAM_TIMEOUT', 'BAD_RESPONSE']) {
      expect(decideRestFallback({ ...base, final: true, error: { code, message: code } })).toBe(
        code,
      );
    }
  });

  it('never falls back once text arrived, for the server’s own errors, or when switched off', () => {
    expect(decideRestFallback({ ...base, final: true, receivedText: true })).toBeUndefined();
    const serverError = { code: 'UPSTREAM_UNAVAILABLE', message: 'down' };
    expect(decideRestFallback({ ...base, final: true, error: serverError })).toBeUndefined();
    expect(
      decideRestFallback({ ...base, enabled: false, final: true, cannotStart: 'x' }),
    ).toBeUndefined();
  });
});
