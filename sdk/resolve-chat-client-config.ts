// Checks `ChatClientOptions` once, at setup, and resolves them into the internal `ChatClientConfig`.

import type { ChatClientOptions, RetryOptions } from './chat-client.js';
import { findUnknownOptions, type UnknownOption } from './find-unknown-options.js';
import { sleep } from './sleep.js';

/**
 * The default of every optional setting, written here only (the JSDoc of `ChatClientOptions`
 * says the same). `token`, `getToken` and `fetch` default to none (the global `fetch`).
 */
export const CHAT_CLIENT_DEFAULTS = Object.freeze({
  retry: Object.freeze({
    maxRetries: 5,
    baseDelayMs: 500,
    maxDelayMs: 10_000,
  } satisfies Required<RetryOptions>),
  heartbeatMs: 15_000,
  streamOpenTimeoutMs: 15_000,
  fallbackToRest: true,
  streamMethod: 'POST' as 'POST' | 'GET',
});

/** Every key of `ChatClientOptions` (the compiler checks that none is missing). */
const OPTION_KEYS = Object.keys({
  baseUrl: true,
  token: true,
  getToken: true,
  fetch: true,
  retry: true,
  heartbeatMs: true,
  streamOpenTimeoutMs: true,
  fallbackToRest: true,
  streamMethod: true,
} satisfies Record<keyof ChatClientOptions, true>);
const RETRY_KEYS = Object.keys(CHAT_CLIENT_DEFAULTS.retry);

/** `ChatClientOptions` with every default applied; internal to the sdk. */
export interface ChatClientConfig {
  /** Without trailing slashes. */
  baseUrl: string;
  token: string | undefined;
  getToken: (() => string | Promise<string>) | undefined;
  /** Always called as a plain function (a bare `window.fetch` called as a method throws). */
  fetch: typeof fetch;
  retry: { maxRetries: number; baseDelayMs: number; maxDelayMs: number };
  heartbeatMs: number;
  /** 2.5 × `heartbeatMs`: silence that makes the stream reconnect. */
  watchdogMs: number;
  streamOpenTimeoutMs: number;
  fallbackToRest: boolean;
  streamMethod: 'POST' | 'GET';
  /** The clock, for `Retry-After` dates. */
  now: () => number;
  /** Jitter source, in [0, 1). */
  random: () => number;
  /** Waits between retries; rejects with `ABORTED` when the signal aborts. */
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** The watchdog allows two and a half heartbeat intervals of silence (one lost ping is normal). */
const WATCHDOG_FACTOR = 2.5;

function invalid(option: string, expected: string, got: unknown): TypeError {
  const shown = typeof got === 'string' ? JSON.stringify(got) : String(got);
  return new TypeError(
    `schema-chat client: option "${option}" must be ${expected} (got ${shown}).`,
  );
}

function readNumber(
  option: string,
  value: unknown,
  fallback: number,
  { min, integer = false }: { min: number; integer?: boolean },
): number {
  if (value === undefined) return fallback;
  if (
    typeof value !== 'number' ||
    !Number.isFinite(value) ||
    value < min ||
    (integer && !Number.isInteger(value))
  ) {
    const kind = integer ? 'an integer' : 'a number of milliseconds';
    throw invalid(option, `${kind} >= ${min}`, value);
  }
  return value;
}

function isAbsoluteHttpUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * Validates the options and applies the defaults. Throws a `TypeError` naming the option and what
 * it must be, so a misconfiguration fails at setup and not at the first message.
 */
export function resolveChatClientConfig(options: ChatClientOptions): ChatClientConfig {
  if (typeof options !== 'object' || options === null) {
    throw invalid('options', 'an object with at least { baseUrl }', options);
  }
  const defaults = CHAT_CLIENT_DEFAULTS;
  const { baseUrl, token, getToken, retry = {}, streamMethod = defaults.streamMethod } = options;
  if (typeof baseUrl !== 'string' || baseUrl.trim() === '') {
    throw invalid('baseUrl', 'the URL the router is mounted at, e.g. "/api/v1/ai"', baseUrl);
  }
  // A relative URL only means something against a page; in Node it would fail at every request.
  const hasPage = typeof (globalThis as { location?: unknown }).location === 'object';
  if (!isAbsoluteHttpUrl(baseUrl) && (!hasPage || /^[a-z][a-z\d+.-]*:/i.test(baseUrl))) {
    throw invalid(
      'baseUrl',
      'an absolute http(s) URL such as "https://api.example.com/api/v1/ai"',
      baseUrl,
    );
  }
  if (token !== undefined && typeof token !== 'string') throw invalid('token', 'a string', token);
  if (getToken !== undefined && typeof getToken !== 'function') {
    throw invalid('getToken', 'a function returning a token (or a promise of one)', getToken);
  }
  const customFetch = options.fetch;
  if (customFetch !== undefined && typeof customFetch !== 'function') {
    throw invalid('fetch', 'a fetch function', customFetch);
  }
  if (customFetch === undefined && typeof globalThis.fetch !== 'function') {
    throw invalid('fetch', 'given: this runtime has no global fetch', undefined);
  }
  if (typeof retry !== 'object' || retry === null) {
    throw invalid('retry', 'an object { maxRetries, baseDelayMs, maxDelayMs }', retry);
  }
  if (options.fallbackToRest !== undefined && typeof options.fallbackToRest !== 'boolean') {
    throw invalid('fallbackToRest', 'a boolean', options.fallbackToRest);
  }
  if (streamMethod !== 'POST' && streamMethod !== 'GET') {
    throw invalid('streamMethod', '"POST" or "GET"', streamMethod);
  }
  const baseDelayMs = readNumber(
    'retry.baseDelayMs',
    retry.baseDelayMs,
    defaults.retry.baseDelayMs,
    {
      min: 0,
    },
  );
  const maxDelayMs = readNumber('retry.maxDelayMs', retry.maxDelayMs, defaults.retry.maxDelayMs, {
    min: 0,
  });
  if (maxDelayMs < baseDelayMs) {
    throw invalid('retry.maxDelayMs', `at least retry.baseDelayMs (${baseDelayMs})`, maxDelayMs);
  }
  const heartbeatMs = readNumber('heartbeatMs', options.heartbeatMs, defaults.heartbeatMs, {
    min: 1,
  });
  return {
    baseUrl: baseUrl.trim().replace(/\/+$/, ''),
    token: token === '' ? undefined : token,
    getToken,
    fetch: customFetch
      ? (input, init) => customFetch(input, init)
      : (input, init) => globalThis.fetch(input, init),
    retry: {
      maxRetries: readNumber('retry.maxRetries', retry.maxRetries, defaults.retry.maxRetries, {
        min: 0,
        integer: true,
      }),
      baseDelayMs,
      maxDelayMs,
    },
    heartbeatMs,
    watchdogMs: heartbeatMs * WATCHDOG_FACTOR,
    streamOpenTimeoutMs: readNumber(
      'streamOpenTimeoutMs',
      options.streamOpenTimeoutMs,
      defaults.streamOpenTimeoutMs,
      { min: 1 },
    ),
    fallbackToRest: options.fallbackToRest ?? defaults.fallbackToRest,
    streamMethod,
    now: Date.now,
    random: Math.random,
    sleep,
  };
}

/**
 * The keys of `options` (and of `options.retry`) that the client does not know, each with the
 * known key nearest to it: a misspelt option would otherwise be ignored without a word.
 */
export function findUnknownChatClientOptions(options: ChatClientOptions): UnknownOption[] {
  const unknown = findUnknownOptions(options, OPTION_KEYS);
  const { retry } = options;
  if (typeof retry === 'object' && retry !== null) {
    unknown.push(...findUnknownOptions(retry, RETRY_KEYS, 'retry.'));
  }
  return unknown;
}
