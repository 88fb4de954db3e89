// Tests of option checking and defaults of createChatClient.

import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ChatClientOptions } from './chat-client.js';
import {
  CHAT_CLIENT_DEFAULTS,
  findUnknownChatClientOptions,
  resolveChatClientConfig,
} from './resolve-chat-client-config.js';

const base = { baseUrl: 'https://api.example.com/api/v1/ai/' };

describe('resolveChatClientConfig', () => {
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('applies the documented defaults', () => {
    const config = resolveChatClientConfig(base);
    expect(config).toMatchObject({
      baseUrl: 'https://api.example.com/api/v1/ai',
      token: undefined,
      getToken: undefined,
      retry: { maxRetries: 5, baseDelayMs: 500, maxDelayMs: 10_000 },
      heartbeatMs: 15_000,
      watchdogMs: 37_500,
      streamOpenTimeoutMs: 15_000,
      fallbackToRest: true,
      streamMethod: 'POST',
    });
    // The table the resolver reads is the same one.
    expect(config).toMatchObject(CHAT_CLIENT_DEFAULTS);
  });

  it('finds unknown keys, nested ones too, each with the known key nearest to it', () => {
    expect(
      findUnknownChatClientOptions({
        ...base,
        fallbackToREST: false,
        retry: { maxDelay: 1, maxRetries: 1 },
      } as ChatClientOptions),
    ).toEqual([
      { key: 'fallbackToREST', nearest: 'fallbackToRest' },
      { key: 'retry.maxDelay', nearest: 'retry.maxDelayMs' },
    ]);
    expect(
      findUnknownChatClientOptions({
        ...base,
        token: 't',
        getToken: () => 't',
        fetch: globalThis.fetch,
        retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 2 },
        heartbeatMs: 1,
        streamOpenTimeoutMs: 1,
        fallbackToRest: true,
        streamMethod: 'GET',
      }),
    ).toEqual([]);
  });

  it('keeps given values and derives the watchdog from the heartbeat', () => {
    const config = resolveChatClientConfig({
      ...base,
      token: 'jwt',
      heartbeatMs: 100,
      streamOpenTimeoutMs: 50,
      fallbackToRest: false,
      streamMethod: 'GET',
      retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 2 },
    });
    expect(config).toMatchObject({
      token: 'jwt',
      watchdogMs: 250,
      streamOpenTimeoutMs: 50,
      fallbackToRest: false,
      streamMethod: 'GET',
      retry: { maxRetries: 0, baseDelayMs: 1, maxDelayMs: 2 },
    });
  });

  it('calls an injected fetch as a plain function (a bare window.fetch throws when called as a method)', async () => {
    let receiver: unknown = 'unset';
    const fetchImpl = function (this: unknown) {
      receiver = this;
      return Promise.resolve(new Response('ok'));
    } as unknown as typeof fetch;
    await resolveChatClientConfig({ ...base, fetch: fetchImpl }).fetch('https://x');
    expect(receiver).toBeUndefined();
  });

  it.each<[string, Partial<ChatClientOptions> | null, RegExp]>([
    ['a missing baseUrl', { baseUrl: '' }, /"baseUrl"/],
    [
      'a relative baseUrl without a page (Node)',
      { baseUrl: '/api/v1/ai' },
      /absolute http\(s\) URL/,
    ],
    ['a non-http baseUrl', { baseUrl: 'ftp://example.com/ai' }, /"baseUrl"/],
    ['a non-string token', { token: 42 as never }, /"token" must be a string/],
    ['a non-function getToken', { getToken: 'jwt' as never }, /"getToken"/],
    ['a non-function fetch', { fetch: {} as never }, /"fetch"/],
    [
      'a negative heartbeat',
      { heartbeatMs: -1 },
      /"heartbeatMs" must be a number of milliseconds >= 1 \(got -1\)/,
    ],
    ['a zero open timeout', { streamOpenTimeoutMs: 0 }, /"streamOpenTimeoutMs"/],
    [
      'a fractional maxRetries',
      { retry: { maxRetries: 1.5 } },
      /"retry.maxRetries" must be an integer/,
    ],
    [
      'maxDelayMs below baseDelayMs',
      { retry: { baseDelayMs: 100, maxDelayMs: 10 } },
      /"retry.maxDelayMs"/,
    ],
    [
      'an unknown streamMethod',
      { streamMethod: 'PUT' as never },
      /"streamMethod" must be "POST" or "GET"/,
    ],
    ['a non-boolean fallbackToRest', { fallbackToRest: 'yes' as never }, /"fallbackToRest"/],
  ])('throws a TypeError naming the option for %s', (_case, patch, message) => {
    expect(() => resolveChatClientConfig({ ...base, ...patch } as ChatClientOptions)).toThrowError(
      message,
    );
    expect(() => resolveChatClientConfig({ ...base, ...patch } as ChatClientOptions)).toThrowError(
      TypeError,
    );
  });

  it('throws for options that are not an object', () => {
    expect(() => resolveChatClientConfig(undefined as never)).toThrowError(/"options"/);
  });

  it('accepts a relative baseUrl on a page, where fetch resolves it', () => {
    vi.stubGlobal('location', { href: 'https://app.example.com/' });
    expect(resolveChatClientConfig({ baseUrl: '/api/v1/ai' }).baseUrl).toBe('/api/v1/ai');
    expect(() => resolveChatClientConfig({ baseUrl: 'javascript:alert(1)' })).toThrowError(
      /"baseUrl"/,
    );
  });
});
