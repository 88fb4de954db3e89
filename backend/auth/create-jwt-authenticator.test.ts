import { createHmac, generateKeyPairSync } from 'node:crypto';
import type { Request } from 'express';
import jwt from 'jsonwebtoken';
import { describe, expect, it } from 'vitest';
import type { ErrorCode } from '../../sdk/protocol.js';
import { isChatError } from '../errors.js';
import { createJwtAuthenticator } from './create-jwt-authenticator.js';

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

  // Each row: a forged or malformed token and the code it must be rejected with.
  const corpus: Array<[string, string | undefined, ErrorCode]> = [
    ['no Authorization header', undefined, 'AUTH_MISSING'],
    ['an empty Authorization header', '', 'AUTH_MISSING'],
    ['the Basic scheme', 'Basic YWxpY2U6c2VjcmV0', 'AUTH_MALFORMED'],
    ['Bearer with no token', 'Bearer', 'AUTH_MALFORMED'],
    ['Bearer with only spaces', 'Bearer    ', 'AUTH_MALFORMED'],
    ['two segments', 'Bearer aaa.bbb', 'AUTH_MALFORMED'],
    ['a non-JWT word', 'Bearer not-a-jwt', 'AUTH_MALFORMED'],
    ['segments that are not JSON', 'Bearer aaa.bbb.ccc', 'AUTH_MALFORMED'],
    ['a line break inside the header', `Bearer ${sign(claims())}\nX-Injected: 1`, 'AUTH_MALFORMED'],
    ['two tokens', `Bearer ${sign(claims())} ${sign(claims())}`, 'AUTH_MALFORMED'],
    ['a 100 KB token', `Bearer ${'a'.repeat(100 * 1024)}`, 'AUTH_MALFORMED'],
    [
      'alg none without a signature',
      `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.`,
      'AUTH_INVALID',
    ],
    [
      'alg none with a signature',
      `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims())}.c2lnbmF0dXJl`,
      'AUTH_INVALID',
    ],
    [
      'alg "None" capitalised',
      `Bearer ${b64({ alg: 'None', typ: 'JWT' })}.${b64(claims())}.`,
      'AUTH_INVALID',
    ],
    [
      'HS512 when only HS256 is allowed',
      `Bearer ${sign(claims(), { algorithm: 'HS512' })}`,
      'AUTH_INVALID',
    ],
    [
      'RS256 signed with a real RSA key',
      `Bearer ${jwt.sign(claims(), rsa.privateKey, { algorithm: 'RS256' })}`,
      'AUTH_INVALID',
    ],
    [
      'the wrong secret',
      `Bearer ${sign(claims(), {}, 'another-secret-that-is-also-32-bytes-long')}`,
      'AUTH_INVALID',
    ],
    [
      'a tampered payload (sub changed)',
      (() => {
        const [header, , signature] = sign(claims()).split('.');
        return `Bearer ${header}.${b64(claims({ sub: 'mallory' }))}.${signature}`;
      })(),
      'AUTH_INVALID',
    ],
    [
      'a tampered header (alg changed)',
      (() => {
        const [, payload, signature] = sign(claims()).split('.');
        return `Bearer ${b64({ alg: 'HS384', typ: 'JWT' })}.${payload}.${signature}`;
      })(),
      'AUTH_INVALID',
    ],
    [
      'a stripped signature',
      `Bearer ${sign(claims()).split('.').slice(0, 2).join('.')}.`,
      'AUTH_INVALID',
    ],
    [
      'a jku header pointing at an attacker key',
      `Bearer ${sign(claims(), { header: { alg: 'HS256', jku: 'https://evil.example/jwks' } }, 'attacker-secret-that-is-32-bytes-long!!')}`,
      'AUTH_INVALID',
    ],
    ['an expired token', `Bearer ${sign(claims({ exp: now() - 3600 }))}`, 'AUTH_EXPIRED'],
    [
      'a token not valid yet',
      `Bearer ${sign(claims({ nbf: now() + 3600 }))}`,
      'AUTH_NOT_YET_VALID',
    ],
    [
      'no exp',
      `Bearer ${sign({ sub: 'alice', iss: 'schema-chat-tests', aud: 'chat' })}`,
      'AUTH_NO_EXPIRY',
    ],
    [
      'exp as a string',
      `Bearer ${signRaw(JSON.stringify(claims({ exp: 'tomorrow' })))}`,
      'AUTH_INVALID',
    ],
    ['the wrong issuer', `Bearer ${sign(claims({ iss: 'someone-else' }))}`, 'AUTH_WRONG_ISSUER'],
    [
      'no issuer',
      `Bearer ${sign({ sub: 'alice', exp: now() + 600, aud: 'chat' })}`,
      'AUTH_WRONG_ISSUER',
    ],
    ['the wrong audience', `Bearer ${sign(claims({ aud: 'billing' }))}`, 'AUTH_WRONG_AUDIENCE'],
    [
      'no subject',
      `Bearer ${sign({ exp: now() + 600, iss: 'schema-chat-tests', aud: 'chat' })}`,
      'AUTH_NO_SUBJECT',
    ],
    ['an empty subject', `Bearer ${sign(claims({ sub: '' }))}`, 'AUTH_NO_SUBJECT'],
    ['a numeric subject', `Bearer ${sign(claims({ sub: 42 }))}`, 'AUTH_NO_SUBJECT'],
    ['an object subject', `Bearer ${sign(claims({ sub: { id: 'alice' } }))}`, 'AUTH_NO_SUBJECT'],
    ['a 1 KB subject', `Bearer ${sign(claims({ sub: 'a'.repeat(1024) }))}`, 'AUTH_NO_SUBJECT'],
    [
      'a subject only through __proto__',
      `Bearer ${signRaw(`{"__proto__":{"sub":"admin"},"exp":${now() + 600},"iss":"schema-chat-tests","aud":"chat"}`)}`,
      'AUTH_NO_SUBJECT',
    ],
  ];

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
