import { describe, expect, it } from 'vitest';
import type { ChatRouterOptions } from './chat-router-options.js';
import {
  DEFAULT_LIMITS,
  DEFAULT_TIMEOUTS,
  resolveChatRouterConfig,
} from './resolve-chat-router-config.js';

const base: ChatRouterOptions = {
  auth: { secret: 'x'.repeat(32) },
  projects: () => undefined,
};

describe('resolveChatRouterConfig', () => {
  it('fills in the documented defaults', () => {
    const config = resolveChatRouterConfig(base);
    expect(config.limits).toEqual(DEFAULT_LIMITS);
    expect(config.timeouts).toEqual(DEFAULT_TIMEOUTS);
    expect(config.limits.maxMessageChars).toBe(4000);
    expect(config.limits.historySize).toBe(10);
    expect(config.limits.streamsPerMinute).toBe(10);
    expect(config.timeouts.idleMs).toBe(60_000);
    expect(config.timeouts.heartbeatMs).toBe(15_000);
    expect(config.timeouts.disconnectGraceMs).toBe(30_000);
    expect(config.cors).toEqual({ origins: new Set(), maxAgeSec: 600 });
    expect(config.compression).toBe(false);
  });

  it('keeps given values', () => {
    const config = resolveChatRouterConfig({
      ...base,
      limits: { historySize: 4, tokensPerDay: 1000 },
      timeouts: { flushMs: 20 },
      cors: { origins: ['https://shop.example'] },
    });
    expect(config.limits.historySize).toBe(4);
    expect(config.limits.tokensPerDay).toBe(1000);
    expect(config.timeouts.flushMs).toBe(20);
    expect(config.cors).toEqual({ origins: new Set(['https://shop.example']), maxAgeSec: 600 });
  });

  it.each<[string, Partial<ChatRouterOptions>, RegExp]>([
    ['missing auth', { auth: undefined as never }, /options\.auth is required/],
    ['missing projects', { projects: undefined as never }, /options\.projects is required/],
    ['projects without get', { projects: {} as never }, /options\.projects is required/],
    [
      'a negative limit',
      { limits: { historySize: -1 } },
      /options\.limits\.historySize must be an integer ≥ 0/,
    ],
    ['a fractional limit', { limits: { streamsPerMinute: 1.5 } }, /limits\.streamsPerMinute/],
    ['a string timeout', { timeouts: { idleMs: '60s' as never } }, /timeouts\.idleMs/],
    [
      'a body limit below the message limit',
      { limits: { maxBodyBytes: 2048 } },
      /limits\.maxBodyBytes \(2048\) is too small/,
    ],
    [
      'an origin with a path',
      { cors: { origins: ['https://shop.example/page'] } },
      /cors\.origins has/,
    ],
    ['an origin without scheme', { cors: { origins: ['shop.example'] } }, /cors\.origins has/],
    ['a wildcard origin', { cors: { origins: ['*'] } }, /cors\.origins has/],
    [
      'origins not an array',
      { cors: { origins: 'https://a.example' as never } },
      /must be an array/,
    ],
    ['compression not boolean', { compression: 'gzip' as never }, /options\.compression/],
  ])('throws at setup for %s, naming the option', (_name, patch, message) => {
    expect(() => resolveChatRouterConfig({ ...base, ...patch })).toThrow(message);
  });

  it('reports each unknown option once, naming the nearest known key', () => {
    const config = resolveChatRouterConfig({
      ...base,
      timeouts: { flushMS: 20 } as never,
      limits: { histroySize: 4 } as never,
      auth: { secret: 'x'.repeat(32), isuer: 'me' } as never,
      ...({ stores: {} } as object),
      cors: { origins: [], colour: 'blue' } as never,
    });
    expect(config.warnings).toEqual([
      'schema-chat: unknown option "stores" is ignored; did you mean "store"?',
      'schema-chat: unknown option "auth.isuer" is ignored; did you mean "auth.issuer"?',
      'schema-chat: unknown option "limits.histroySize" is ignored; did you mean "limits.historySize"?',
      'schema-chat: unknown option "timeouts.flushMS" is ignored; did you mean "timeouts.flushMs"?',
      'schema-chat: unknown option "cors.colour" is ignored.',
    ]);
    expect(config.timeouts.flushMs).toBe(DEFAULT_TIMEOUTS.flushMs);
    expect(resolveChatRouterConfig(base).warnings).toEqual([]);
  });

  it('leaves CORS to the host when cors is false', () => {
    expect(resolveChatRouterConfig({ ...base, cors: false }).cors).toBe(false);
  });
});
