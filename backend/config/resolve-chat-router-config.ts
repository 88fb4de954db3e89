// Resolves ChatRouterOptions once, at setup, into the internal ChatRouterConfig: defaults filled
// in, every value checked, and a bad option thrown with its name and the fix.

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
}

/** Defaults of every numeric option (the seed's figures where it gives them). */
export const DEFAULT_LIMITS: Readonly<LimitsConfig> = {
  maxMessageChars: 4000,
  historySize: 10,
  streamsPerMinute: 10,
  requestsPerMinute: 60,
  maxConcurrentStreams: 3,
  tokensPerDay: undefined,
  schemaTokenBudget: 6000,
  maxBodyBytes: 65_536,
};

/** Defaults of every timer, in milliseconds. */
export const DEFAULT_TIMEOUTS: Readonly<TimeoutsConfig> = {
  firstTokenMs: 30_000,
  idleMs: 60_000,
  heartbeatMs: 15_000,
  disconnectGraceMs: 30_000,
  replayTtlMs: 300_000,
  checkpointMs: 1_000,
  flushMs: 100,
  flushTokens: 4,
  retryHintMs: 2_000,
};

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
  const limitsIn = options.limits ?? {};
  const timeoutsIn = options.timeouts ?? {};
  const limits: LimitsConfig = {
    maxMessageChars: integer(
      'limits.maxMessageChars',
      limitsIn.maxMessageChars,
      DEFAULT_LIMITS.maxMessageChars,
      1,
    ),
    historySize: integer('limits.historySize', limitsIn.historySize, DEFAULT_LIMITS.historySize, 0),
    streamsPerMinute: integer(
      'limits.streamsPerMinute',
      limitsIn.streamsPerMinute,
      DEFAULT_LIMITS.streamsPerMinute,
      1,
    ),
    requestsPerMinute: integer(
      'limits.requestsPerMinute',
      limitsIn.requestsPerMinute,
      DEFAULT_LIMITS.requestsPerMinute,
      1,
    ),
    maxConcurrentStreams: integer(
      'limits.maxConcurrentStreams',
      limitsIn.maxConcurrentStreams,
      DEFAULT_LIMITS.maxConcurrentStreams,
      1,
    ),
    tokensPerDay:
      limitsIn.tokensPerDay === undefined
        ? undefined
        : integer('limits.tokensPerDay', limitsIn.tokensPerDay, 0, 1),
    schemaTokenBudget: integer(
      'limits.schemaTokenBudget',
      limitsIn.schemaTokenBudget,
      DEFAULT_LIMITS.schemaTokenBudget,
      100,
    ),
    maxBodyBytes: integer(
      'limits.maxBodyBytes',
      limitsIn.maxBodyBytes,
      DEFAULT_LIMITS.maxBodyBytes,
      1024,
    ),
  };
  // Multi-byte characters: a body must hold the longest message even at 4 bytes per character.
  if (limits.maxBodyBytes < limits.maxMessageChars * 4 + 1024) {
    throw new TypeError(
      `schema-chat: limits.maxBodyBytes (${limits.maxBodyBytes}) is too small for limits.maxMessageChars (${limits.maxMessageChars}); use at least ${limits.maxMessageChars * 4 + 1024}.`,
    );
  }
  const timeouts: TimeoutsConfig = {
    firstTokenMs: integer(
      'timeouts.firstTokenMs',
      timeoutsIn.firstTokenMs,
      DEFAULT_TIMEOUTS.firstTokenMs,
      1,
    ),
    idleMs: integer('timeouts.idleMs', timeoutsIn.idleMs, DEFAULT_TIMEOUTS.idleMs, 1),
    heartbeatMs: integer(
      'timeouts.heartbeatMs',
      timeoutsIn.heartbeatMs,
      DEFAULT_TIMEOUTS.heartbeatMs,
      1,
    ),
    disconnectGraceMs: integer(
      'timeouts.disconnectGraceMs',
      timeoutsIn.disconnectGraceMs,
      DEFAULT_TIMEOUTS.disconnectGraceMs,
      0,
    ),
    replayTtlMs: integer(
      'timeouts.replayTtlMs',
      timeoutsIn.replayTtlMs,
      DEFAULT_TIMEOUTS.replayTtlMs,
      0,
    ),
    checkpointMs: integer(
      'timeouts.checkpointMs',
      timeoutsIn.checkpointMs,
      DEFAULT_TIMEOUTS.checkpointMs,
      1,
    ),
    flushMs: integer('timeouts.flushMs', timeoutsIn.flushMs, DEFAULT_TIMEOUTS.flushMs, 0),
    flushTokens: integer(
      'timeouts.flushTokens',
      timeoutsIn.flushTokens,
      DEFAULT_TIMEOUTS.flushTokens,
      1,
    ),
    retryHintMs: integer(
      'timeouts.retryHintMs',
      timeoutsIn.retryHintMs,
      DEFAULT_TIMEOUTS.retryHintMs,
      0,
    ),
  };
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
  };
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
    maxAgeSec: integer('cors.maxAgeSec', cors === undefined ? undefined : cors.maxAgeSec, 600, 0),
  };
}

function integer(name: string, value: unknown, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new TypeError(
      `schema-chat: options.${name} must be an integer ≥ ${min}, got ${String(value)}.`,
    );
  }
  return value;
}
