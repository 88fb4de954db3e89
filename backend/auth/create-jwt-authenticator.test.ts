import { createHmac, generateKeyPairSync } from 'node:crypto';
import type { Request } from 'express';
import jwt from 'jsonwebtoken';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ErrorCode } from '../../sdk/protocol.js';
import { isChatError } from '../errors.js';
import { createJwtAuthenticator } from './create-jwt-authenticator.js';
import { createJwtCorpus } from './test-helpers/jwt-corpus.js';

const SECRET = 'a-test-secret-that-is-long-enough-for-hs256!!';
const now = () => Math.floor(Date.now() / 1000);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const requestWith = (authorization?: string) =>
  ({ headers: authorization === undefined ? {} : { authorization } }) as unknown as Request;
const sign = (payload: object, options: jwt.SignOptions = {}, key: jwt.Secret = SECRET) =>
  jwt.sign(payload, key, { algorithm: 'HS256', ...options });
const valid = (extra: object = {}) => ({ sub: 'alice', exp: now() + 600, ...extra });
/** Signs a raw JSON payload text (for payloads JSON.stringify cannot produce, like own `__proto__`). */
const signRaw = (payloadJson: string, key: string = SECRET) => {
  const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${Buffer.from(payloadJson).toString('base64url')}`;
  return `${unsigned}.${createHmac('sha256', key).update(unsigned).digest('base64url')}`;
};

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const rsaPublicPem = rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString();
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const otherEc = generateKeyPairSync('ec', { namedCurve: 'P-256' });

async function codeOf(
  authenticate: (req: Request) => Promise<unknown>,
  header?: string,
): Promise<ErrorCode | 'accepted'> {
  try {
    await authenticate(requestWith(header));
    return 'accepted';
  } catch (error) {
    if (!isChatError(error)) throw error;
    expect(error.status).toBe(401);
    return error.code;
  }
}

describe('createJwtAuthenticator (HS256)', () => {
  const hs = createJwtAuthenticator({
    secret: SECRET,
    issuer: 'schema-chat-tests',
    audience: 'chat',
  });
  const claims = (extra: object = {}) => valid({ iss: 'schema-chat-tests', aud: 'chat', ...extra });
  const hsMaxAge = createJwtAuthenticator({ secret: SECRET, maxAge: 60 });

  // Each row: a forged or malformed token and the code it must be rejected with (shared with the
  // HTTP-level hardening suite, test/hardening/auth-and-access.test.ts).
  const corpus = createJwtCorpus({ secret: SECRET, issuer: 'schema-chat-tests', audience: 'chat' });

  it.each(corpus)('rejects %s', async (_name, header, code) => {
    expect(await codeOf(hs, header)).toBe(code);
  });

  it('has at least 30 rejection cases', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(30);
  });

  it('rejects a token older than maxAge with AUTH_TOO_OLD', async () => {
    const old = sign(valid({ iat: now() - 3600 }), { noTimestamp: true });
    expect(await codeOf(hsMaxAge, `Bearer ${old}`)).toBe('AUTH_TOO_OLD');
  });

  it('rejects a token without iat when maxAge is set with AUTH_TOO_OLD', async () => {
    const noIat = sign(valid(), { noTimestamp: true });
    expect(await codeOf(hsMaxAge, `Bearer ${noIat}`)).toBe('AUTH_TOO_OLD');
  });

  it('accepts a valid token and returns the subject as the user id', async () => {
    const user = await hs(requestWith(`Bearer ${sign(claims())}`));
    expect(user.id).toBe('alice');
    expect(user.claims.iss).toBe('schema-chat-tests');
  });

  it('accepts the scheme in any case', async () => {
    expect(await codeOf(hs, `bearer ${sign(claims())}`)).toBe('accepted');
  });

  it('accepts a token expired within the clock tolerance', async () => {
    expect(await codeOf(hs, `Bearer ${sign(claims({ exp: now() - 2 }))}`)).toBe('accepted');
  });

  it('keeps __proto__ and constructor claims as plain data', async () => {
    const token = signRaw(
      `{"sub":"alice","exp":${now() + 600},"iss":"schema-chat-tests","aud":"chat","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}`,
    );
    const user = await hs(requestWith(`Bearer ${token}`));
    expect(user.id).toBe('alice');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(user.claims)).toBeNull();
  });
});

describe('createJwtAuthenticator (remembered tokens)', () => {
  afterEach(() => vi.useRealTimers());

  it('accepts a token again without re-verifying it, and refuses it once it expires', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2030-01-01T00:00:00Z'));
    const auth = createJwtAuthenticator({ secret: SECRET, clockToleranceSec: 0 });
    const token = sign({ sub: 'alice', exp: now() + 60 });
    const first = await auth(requestWith(`Bearer ${token}`));
    const again = await auth(requestWith(`Bearer ${token}`));
    expect(again).toBe(first); // the remembered user, not a second verification
    vi.setSystemTime(new Date('2030-01-01T00:01:00Z'));
    expect(await codeOf(auth, `Bearer ${token}`)).toBe('AUTH_EXPIRED');
  });

  it('refuses a remembered token before its nbf and honours the clock tolerance', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2030-01-01T00:00:00Z'));
    const auth = createJwtAuthenticator({ secret: SECRET, clockToleranceSec: 5 });
    const token = sign({ sub: 'alice', exp: now() + 60, nbf: now() + 3 });
    expect(await codeOf(auth, `Bearer ${token}`)).toBe('accepted'); // within the tolerance
    vi.setSystemTime(new Date('2030-01-01T00:01:04Z'));
    expect(await codeOf(auth, `Bearer ${token}`)).toBe('accepted'); // exp + 4 s < tolerance
    vi.setSystemTime(new Date('2030-01-01T00:01:05Z'));
    expect(await codeOf(auth, `Bearer ${token}`)).toBe('AUTH_EXPIRED');
  });

  it('trusts only the exact token: a tampered copy of a remembered token is refused', async () => {
    const auth = createJwtAuthenticator({ secret: SECRET });
    const token = sign(valid());
    await auth(requestWith(`Bearer ${token}`));
    const [header, , signature] = token.split('.');
    const tampered = `${header}.${b64(valid({ sub: 'mallory' }))}.${signature}`;
    expect(await codeOf(auth, `Bearer ${tampered}`)).toBe('AUTH_INVALID');
  });
});

describe('createJwtAuthenticator (public keys)', () => {
  it('verifies RS256 tokens with an RSA public key', async () => {
    const rs = createJwtAuthenticator({ publicKey: rsaPublicPem });
    const token = jwt.sign(valid(), rsa.privateKey, { algorithm: 'RS256' });
    expect(await codeOf(rs, `Bearer ${token}`)).toBe('accepted');
  });

  it('rejects an HS256 token signed with the RSA public key as secret (algorithm confusion)', async () => {
    const rs = createJwtAuthenticator({ publicKey: rsaPublicPem });
    const forged = signRaw(JSON.stringify(valid()), rsaPublicPem);
    expect(await codeOf(rs, `Bearer ${forged}`)).toBe('AUTH_INVALID');
  });

  it('verifies ES256 tokens with a P-256 public key and rejects another key', async () => {
    const es = createJwtAuthenticator({ publicKey: ec.publicKey });
    expect(
      await codeOf(es, `Bearer ${jwt.sign(valid(), ec.privateKey, { algorithm: 'ES256' })}`),
    ).toBe('accepted');
    expect(
      await codeOf(es, `Bearer ${jwt.sign(valid(), otherEc.privateKey, { algorithm: 'ES256' })}`),
    ).toBe('AUTH_INVALID');
  });
});

describe('createJwtAuthenticator setup', () => {
  it('refuses to start with a secret shorter than 32 bytes, naming the option', () => {
    expect(() => createJwtAuthenticator({ secret: 'short' })).toThrow(/auth\.secret is 5 bytes/);
  });

  it('refuses two kinds of credentials at once', () => {
    expect(() => createJwtAuthenticator({ secret: SECRET, publicKey: rsaPublicPem })).toThrow(
      /exactly one of auth\.secret/,
    );
  });

  it('refuses no credentials at all', () => {
    expect(() => createJwtAuthenticator({})).toThrow(/exactly one of auth\.secret/);
  });

  it('refuses algorithms that do not fit the key', () => {
    expect(() => createJwtAuthenticator({ secret: SECRET, algorithms: ['RS256'] })).toThrow(
      /auth\.algorithms must be a non-empty subset of HS256/,
    );
    expect(() =>
      createJwtAuthenticator({ publicKey: ec.publicKey, algorithms: ['HS256'] }),
    ).toThrow(/ES256/);
  });

  it('refuses a public key that is not a PEM key', () => {
    expect(() => createJwtAuthenticator({ publicKey: 'not a key' })).toThrow(/auth\.publicKey/);
  });
});

describe('custom authenticate', () => {
  it('uses the returned user', async () => {
    const auth = createJwtAuthenticator({ authenticate: () => ({ id: 'bob', claims: {} }) });
    expect((await auth(requestWith())).id).toBe('bob');
  });

  it('answers AUTH_MISSING when it returns undefined', async () => {
    const auth = createJwtAuthenticator({ authenticate: () => undefined });
    expect(await codeOf(auth)).toBe('AUTH_MISSING');
  });
});
