// Resolves ChatRouterOptions once, at setup, into the internal ChatRouterConfig: defaults filled
// in from one table, every value checked, a bad option thrown with its name and the fix, and an
// unknown one reported with the nearest known name.

import { describeIgnoredOption, findUnknownOptions } from '../../sdk/find-unknown-options.js';
import type { ChatRouterOptions, CorsOptions } from './chat-router-options.js';

/** Resolved limits. */
export interface LimitsConfig {
  maxMessageChars: number;
  historySize: number;
  streamsPerMinute: number;
  requestsPerMinute: number;
  maxConcurrentStreams: number;
  tokensPerDay: number | undefined;
  schemaTokenBudget: number;
  maxBodyBytes: number;
}

/** Resolved timers, in milliseconds. */
export interface TimeoutsConfig {
  firstTokenMs: number;
  idleMs: number;
  heartbeatMs: number;
  disconnectGraceMs: number;
  replayTtlMs: number;
  checkpointMs: number;
  flushMs: number;
  flushTokens: number;
  retryHintMs: number;
}

/** Resolved CORS: `false` when the host app handles it. */
export type CorsConfig = false | { origins: ReadonlySet<string>; maxAgeSec: number };

/** The validated, defaulted configuration the router runs on (plug points are resolved separately). */
export interface ChatRouterConfig {
  limits: LimitsConfig;
  timeouts: TimeoutsConfig;
  cors: CorsConfig;
  compression: boolean;
  instructions: string | undefined;
  /** Setup warnings to log once (unknown option keys). */
  warnings: string[];
}

/** An integer option: its default (`undefined`: off unless set) and smallest allowed value. */
interface IntegerOption {
  default: number | undefined;
  min: number;
}

/**
 * Every numeric limit, its default and its floor: the one place a default is written. The
 * figures are the original design's where it gives them (10 streams a minute, last 10 messages).
 */
const LIMIT_OPTIONS = {
  maxMessageChars: { default: 4000, min: 1 },
  historySize: { default: 10, min: 0 },
  streamsPerMinute: { default: 10, min: 1 },
  requestsPerMinute: { default: 60, min: 1 },
  maxConcurrentStreams: { default: 3, min: 1 },
  tokensPerDay: { default: undefined, min: 1 },
  schemaTokenBudget: { default: 6000, min: 100 },
  maxBodyBytes: { default: 65_536, min: 1024 },
} as const satisfies Record<keyof LimitsConfig, IntegerOption>;

/** Every timer, in milliseconds, its default and its floor. */
const TIMEOUT_OPTIONS = {
  firstTokenMs: { default: 30_000, min: 1 },
  idleMs: { default: 60_000, min: 1 },
  heartbeatMs: { default: 15_000, min: 1 },
  disconnectGraceMs: { default: 30_000, min: 0 },
  replayTtlMs: { default: 300_000, min: 0 },
  checkpointMs: { default: 1_000, min: 1 },
  flushMs: { default: 75, min: 0 },
  flushTokens: { default: 4, min: 1 },
  retryHintMs: { default: 2_000, min: 0 },
} as const satisfies Record<keyof TimeoutsConfig, IntegerOption>;

const CORS_MAX_AGE: IntegerOption = { default: 600, min: 0 };

/** The keys each options object knows, for the unknown-option report. */
const KNOWN_KEYS: Readonly<Record<string, readonly string[]>> = {
  '': [
    'auth',
    'projects',
    'store',
    'model',
    'instructions',
    'limits',
    'timeouts',
    'cors',
    'compression',
    'runs',
    'widget',
    'logger',
    'onTurnEnd',
    'onFeedback',
  ],
  auth: [
    'secret',
    'publicKey',
    'algorithms',
    'issuer',
    'audience',
    'clockToleranceSec',
    'maxAge',
    'authenticate',
  ],
  limits: [...Object.keys(LIMIT_OPTIONS), 'rateLimitStore'],
  timeouts: Object.keys(TIMEOUT_OPTIONS),
  cors: ['origins', 'maxAgeSec'],
};

function defaultsOf<T extends Record<string, IntegerOption>>(
  table: T,
): { [K in keyof T]: T[K]['default'] } {
  return Object.fromEntries(
    Object.entries(table).map(([name, option]) => [name, option.default]),
  ) as { [K in keyof T]: T[K]['default'] };
}

/** Defaults of every numeric limit (the original design's figures where it gives them). */
export const DEFAULT_LIMITS: Readonly<LimitsConfig> = Object.freeze(defaultsOf(LIMIT_OPTIONS));

/** Defaults of every timer, in milliseconds. */
export const DEFAULT_TIMEOUTS: Readonly<TimeoutsConfig> = Object.freeze(
  defaultsOf(TIMEOUT_OPTIONS),
);

/** Validates and defaults the plain-data options. Throws a TypeError naming the option. */
export function resolveChatRouterConfig(options: ChatRouterOptions): ChatRouterConfig {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError('schema-chat: createChatRouter() needs an options object.');
  }
  if (typeof options.auth !== 'object' || options.auth === null) {
    throw new TypeError(
      'schema-chat: options.auth is required, e.g. { secret: process.env.SCHEMA_CHAT_JWT_SECRET }.',
    );
  }
  const projects = options.projects as unknown;
  if (
    typeof projects !== 'function' &&
    (typeof projects !== 'object' ||
      projects === null ||
      typeof (projects as { get?: unknown }).get !== 'function')
  ) {
    throw new TypeError(
      'schema-chat: options.projects is required: a function (projectId, user) => project, or an object with get() (and optionally list()).',
    );
  }
  const limits: LimitsConfig = resolveIntegers('limits', LIMIT_OPTIONS, options.limits);
  // Multi-byte characters: a body must hold the longest message even at 4 bytes per character.
  if (limits.maxBodyBytes < limits.maxMessageChars * 4 + 1024) {
    throw new TypeError(
      `schema-chat: limits.maxBodyBytes (${limits.maxBodyBytes}) is too small for limits.maxMessageChars (${limits.maxMessageChars}); use at least ${limits.maxMessageChars * 4 + 1024}.`,
    );
  }
  const timeouts: TimeoutsConfig = resolveIntegers('timeouts', TIMEOUT_OPTIONS, options.timeouts);
  if (options.instructions !== undefined && typeof options.instructions !== 'string') {
    throw new TypeError('schema-chat: options.instructions must be a string.');
  }
  if (options.compression !== undefined && typeof options.compression !== 'boolean') {
    throw new TypeError('schema-chat: options.compression must be true or false.');
  }
  return {
    limits,
    timeouts,
    cors: resolveCors(options.cors),
    compression: options.compression ?? false,
    instructions: options.instructions,
    warnings: findIgnoredOptions(options),
  };
}

/** The resolved values of an option table: a number, or `undefined` where the default is off. */
type Resolved<T extends Record<string, IntegerOption>> = {
  [K in keyof T]: T[K]['default'] extends number ? number : number | undefined;
};

/** Each option of `table` from `given`, checked, or its default. */
function resolveIntegers<T extends Record<string, IntegerOption>>(
  scope: string,
  table: T,
  given: object | undefined,
): Resolved<T> {
  const values = (given ?? {}) as Record<string, unknown>;
  return Object.fromEntries(
    Object.entries(table).map(([name, option]) => {
      const value = values[name];
      return [
        name,
        value === undefined ? option.default : integer(`${scope}.${name}`, value, option.min),
      ];
    }),
  ) as Resolved<T>;
}

/**
 * One message per option key nobody reads (a typo such as `timeouts.flushMS` would otherwise be
 * ignored without a word), naming the nearest known key.
 */
function findIgnoredOptions(options: ChatRouterOptions): string[] {
  return Object.entries(KNOWN_KEYS).flatMap(([scope, known]) => {
    const object = scope === '' ? options : (options as unknown as Record<string, unknown>)[scope];
    if (typeof object !== 'object' || object === null) return [];
    return findUnknownOptions(object, known, scope === '' ? '' : `${scope}.`).map(
      (unknown) => `schema-chat: ${describeIgnoredOption(unknown)}`,
    );
  });
}

function resolveCors(cors: CorsOptions | false | undefined): CorsConfig {
  if (cors === false) return false;
  const origins = cors?.origins ?? [];
  if (!Array.isArray(origins)) {
    throw new TypeError(
      "schema-chat: options.cors.origins must be an array of origins, e.g. ['https://shop.example'].",
    );
  }
  const normalized = new Set<string>();
  for (const origin of origins) {
    let url: URL | undefined;
    try {
      url = new URL(origin);
    } catch {
      url = undefined;
    }
    if (
      !url ||
      (url.protocol !== 'http:' && url.protocol !== 'https:') ||
      url.origin !== origin.replace(/\/$/, '')
    ) {
      throw new TypeError(
        `schema-chat: options.cors.origins has ${JSON.stringify(origin)}; give origins as scheme://host[:port], e.g. 'https://shop.example'.`,
      );
    }
    normalized.add(url.origin);
  }
  return {
    origins: normalized,
    maxAgeSec:
      cors?.maxAgeSec === undefined
        ? (CORS_MAX_AGE.default as number)
        : integer('cors.maxAgeSec', cors.maxAgeSec, CORS_MAX_AGE.min),
  };
}

function integer(name: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new TypeError(
      `schema-chat: options.${name} must be an integer ≥ ${min}, got ${String(value)}.`,
    );
  }
  return value;
}
