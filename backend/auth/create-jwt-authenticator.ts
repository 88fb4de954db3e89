// JWT Bearer authentication: the key is built once at setup (a KeyObject), the algorithms are
// pinned, and every way a token can be wrong maps to its own 401 code.

import { createPublicKey, createSecretKey, KeyObject } from 'node:crypto';
import type { Request } from 'express';
import jwt from 'jsonwebtoken';
import type { ErrorCode } from '../../sdk/protocol.js';
import type { AuthOptions } from '../config/chat-router-options.js';
import { ChatError, isChatError } from '../errors.js';
import type { ChatUser } from '../projects/project-resolver.js';

/** Turns a request into its user, or throws a 401 `ChatError`. */
export type Authenticate = (req: Request) => Promise<ChatUser>;

/** Shortest HS* secret accepted: RFC 7518 §3.2 asks for a key at least as long as the hash. */
export const MIN_SECRET_BYTES = 32;

/** Tokens larger than this are refused before parsing (a 100 KB token must cost nothing). */
export const MAX_TOKEN_CHARS = 8192;

const HMAC = ['HS256', 'HS384', 'HS512'] as const;
const RSA = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512'] as const;
const EC = ['ES256', 'ES384', 'ES512'] as const;

/**
 * Builds the authenticate step from the `auth` option. Throws at setup (naming the option and
 * the fix) for a missing or weak key, or algorithms that do not fit the key.
 */
export function createJwtAuthenticator(options: AuthOptions): Authenticate {
  const given = [options.secret, options.publicKey, options.authenticate].filter(
    (value) => value !== undefined,
  );
  if (given.length !== 1) {
    throw new TypeError(
      'schema-chat: give exactly one of auth.secret (HS256), auth.publicKey (RS256/ES256) or auth.authenticate.',
    );
  }
  if (options.authenticate) return customAuthenticator(options.authenticate);

  const { key, algorithms } = resolveKey(options);
  const verifyOptions: jwt.VerifyOptions = {
    algorithms,
    clockTolerance: options.clockToleranceSec ?? 5,
  };
  if (options.issuer !== undefined)
    verifyOptions.issuer = options.issuer as jwt.VerifyOptions['issuer'];
  if (options.audience !== undefined) {
    verifyOptions.audience = options.audience as jwt.VerifyOptions['audience'];
  }
  if (options.maxAge !== undefined) verifyOptions.maxAge = options.maxAge;

  // A client sends the same token with every request (history, stream, stop…): a token verified
  // once is remembered until its `exp`, so the next requests skip the signature check and claim
  // parsing (~0.1 ms each, on the time to the first token; bench S3). Keyed by the whole token,
  // signature included, so only that exact token is trusted; time-based claims are re-checked on
  // every use. Not used with `maxAge`, whose limit moves with the clock on its own.
  const toleranceMs = (verifyOptions.clockTolerance ?? 0) * 1000;
  const verified = options.maxAge === undefined ? new VerifiedTokens() : undefined;
  return async (req) => {
    const token = readBearerToken(req.headers.authorization);
    const known = verified?.get(token, Date.now());
    if (known) return known;
    let payload: unknown;
    try {
      const verifiedToken = jwt.verify(token, key, { ...verifyOptions, complete: true });
      // RFC 7515 §4.1.11: a recipient that does not understand every extension a `crit` header
      // names must reject the token. This one understands none (and an empty list is invalid).
      if (Object.hasOwn(verifiedToken.header, 'crit')) throw authError('AUTH_INVALID');
      payload = verifiedToken.payload;
    } catch (error) {
      if (isChatError(error)) throw error;
      throw authError(codeForJwtError(error), error);
    }
    const user = userFromClaims(payload);
    verified?.set(token, user, payload as { exp: number; nbf?: unknown }, toleranceMs);
    return user;
  };
}

/** Most tokens remembered at once; the oldest is forgotten first. */
const MAX_VERIFIED_TOKENS = 1000;

/** Tokens that passed verification, with the time window in which they stay valid. */
class VerifiedTokens {
  readonly #entries = new Map<string, { user: ChatUser; fromMs: number; untilMs: number }>();

  /** The user of a remembered token that is valid at `nowMs`; forgets it once it is not. */
  get(token: string, nowMs: number): ChatUser | undefined {
    const entry = this.#entries.get(token);
    if (!entry) return undefined;
    if (nowMs >= entry.fromMs && nowMs < entry.untilMs) return entry.user;
    // Expired (or not valid yet): full verification again, which throws the right code.
    this.#entries.delete(token);
    return undefined;
  }

  /** Remembers a verified token; jsonwebtoken's rules: valid while exp + tolerance > now (s). */
  set(
    token: string,
    user: ChatUser,
    claims: { exp: number; nbf?: unknown },
    toleranceMs: number,
  ): void {
    if (this.#entries.size >= MAX_VERIFIED_TOKENS) {
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    const nbf = typeof claims.nbf === 'number' ? claims.nbf : Number.NEGATIVE_INFINITY;
    this.#entries.set(token, {
      user,
      fromMs: nbf * 1000 - toleranceMs,
      untilMs: claims.exp * 1000 + toleranceMs,
    });
  }
}

/** Extracts the token of an `Authorization: Bearer <token>` header (RFC 6750 §2.1). */
export function readBearerToken(header: string | undefined): string {
  if (header === undefined || header.trim() === '') throw authError('AUTH_MISSING');
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header);
  if (!match?.[1] || match[1].length > MAX_TOKEN_CHARS) throw authError('AUTH_MALFORMED');
  return match[1];
}

/** Validates the claims of a verified token and builds the user. */
export function userFromClaims(payload: unknown): ChatUser {
  if (typeof payload !== 'object' || payload === null) throw authError('AUTH_MALFORMED');
  const claims = payload as Record<string, unknown>;
  // jsonwebtoken accepts tokens without `exp`; a token that never expires is a standing risk.
  if (typeof claims.exp !== 'number') throw authError('AUTH_NO_EXPIRY');
  const sub = Object.hasOwn(claims, 'sub') ? claims.sub : undefined;
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > 256) {
    throw authError('AUTH_NO_SUBJECT');
  }
  // A null-prototype copy: claims such as `__proto__` or `constructor` stay plain data.
  const copy: Record<string, unknown> = Object.create(null);
  for (const [name, value] of Object.entries(claims)) copy[name] = value;
  return { id: sub, claims: Object.freeze(copy) };
}

const MESSAGES: Partial<Record<ErrorCode, string>> = {
  AUTH_MISSING: 'Sign in: the request has no bearer token.',
  AUTH_MALFORMED: 'The bearer token is malformed.',
  AUTH_INVALID: 'The bearer token is not valid.',
  AUTH_EXPIRED: 'The bearer token has expired: sign in again.',
  AUTH_NOT_YET_VALID: 'The bearer token is not valid yet.',
  AUTH_NO_EXPIRY: 'The bearer token has no expiry time.',
  AUTH_NO_SUBJECT: 'The bearer token names no user (sub).',
  AUTH_WRONG_AUDIENCE: 'The bearer token is meant for another audience.',
  AUTH_WRONG_ISSUER: 'The bearer token comes from another issuer.',
  AUTH_TOO_OLD: 'The bearer token is too old: sign in again.',
};

/** A 401 with its code; the router adds `WWW-Authenticate`. */
export function authError(code: ErrorCode, cause?: unknown): ChatError {
  return new ChatError(code, MESSAGES[code] ?? 'Authentication failed.', { status: 401, cause });
}

function codeForJwtError(error: unknown): ErrorCode {
  if (error instanceof jwt.TokenExpiredError) {
    return error.message === 'maxAge exceeded' ? 'AUTH_TOO_OLD' : 'AUTH_EXPIRED';
  }
  if (error instanceof jwt.NotBeforeError) return 'AUTH_NOT_YET_VALID';
  const message = error instanceof Error ? error.message : '';
  if (message === 'jwt malformed' || message === 'invalid token') return 'AUTH_MALFORMED';
  if (message.startsWith('jwt audience invalid')) return 'AUTH_WRONG_AUDIENCE';
  if (message.startsWith('jwt issuer invalid')) return 'AUTH_WRONG_ISSUER';
  if (message === 'iat required when maxAge is specified') return 'AUTH_TOO_OLD';
  // invalid signature, alg:none, algorithm not allowed, bad exp/nbf types, wrong key type.
  return 'AUTH_INVALID';
}

function resolveKey(options: AuthOptions): { key: KeyObject; algorithms: jwt.Algorithm[] } {
  if (options.secret !== undefined) {
    const bytes = Buffer.from(options.secret);
    if (bytes.length < MIN_SECRET_BYTES) {
      throw new TypeError(
        `schema-chat: auth.secret is ${bytes.length} bytes; HS256 needs at least ${MIN_SECRET_BYTES} random bytes (e.g. \`openssl rand -base64 48\`).`,
      );
    }
    return {
      key: createSecretKey(bytes),
      algorithms: pinAlgorithms(options.algorithms, HMAC, 'HS256'),
    };
  }
  let key: KeyObject;
  try {
    key =
      options.publicKey instanceof KeyObject
        ? options.publicKey
        : createPublicKey(options.publicKey as string | Buffer);
  } catch (cause) {
    throw new TypeError('schema-chat: auth.publicKey is not a PEM public key (RSA or EC).', {
      cause,
    });
  }
  if (key.type !== 'public') {
    throw new TypeError(
      'schema-chat: auth.publicKey must be a public key, not a secret or private key.',
    );
  }
  if (key.asymmetricKeyType === 'ec') {
    return { key, algorithms: pinAlgorithms(options.algorithms, EC, 'ES256') };
  }
  if (key.asymmetricKeyType === 'rsa' || key.asymmetricKeyType === 'rsa-pss') {
    return { key, algorithms: pinAlgorithms(options.algorithms, RSA, 'RS256') };
  }
  throw new TypeError(
    `schema-chat: auth.publicKey is a ${key.asymmetricKeyType} key; use an RSA or EC (P-256) key.`,
  );
}

function pinAlgorithms(
  requested: jwt.Algorithm[] | undefined,
  family: readonly jwt.Algorithm[],
  fallback: jwt.Algorithm,
): jwt.Algorithm[] {
  if (requested === undefined) return [fallback];
  const wrong = requested.filter((alg) => !family.includes(alg));
  if (requested.length === 0 || wrong.length > 0) {
    throw new TypeError(
      `schema-chat: auth.algorithms must be a non-empty subset of ${family.join(', ')} for this key${wrong.length ? ` (not ${wrong.join(', ')})` : ''}.`,
    );
  }
  return [...requested];
}

function customAuthenticator(authenticate: NonNullable<AuthOptions['authenticate']>): Authenticate {
  return async (req) => {
    const user = await authenticate(req);
    if (user === undefined) throw authError('AUTH_MISSING');
    if (typeof user.id !== 'string' || user.id.length === 0) throw authError('AUTH_NO_SUBJECT');
    return user;
  };
}
