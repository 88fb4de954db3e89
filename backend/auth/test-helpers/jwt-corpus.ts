// The JWT corpus: forged and malformed bearer tokens, each with the 401 code it must be rejected
// with. One list for the authenticator's unit test and the HTTP-level hardening suite, so both
// prove the same ≥ 30 variants (the JWT row of the README's Hardening table).

import { createHmac, generateKeyPairSync } from 'node:crypto';
import jwt from 'jsonwebtoken';
import type { ErrorCode } from '../../../sdk/protocol.js';

/** What the authenticator under test is configured with. */
export interface JwtCorpusOptions {
  /** The HS256 secret it verifies with. */
  secret: string;
  /** Its required `iss`. */
  issuer: string;
  /** Its required `aud`. */
  audience: string;
  /** The subject of the otherwise valid claims. Defaults to `alice`. */
  subject?: string;
}

/** One row: what it is, the whole `Authorization` header (undefined: none), the expected code. */
export type JwtCorpusRow = [name: string, header: string | undefined, code: ErrorCode];

/** Builds the corpus for an authenticator configured with `options`. */
export function createJwtCorpus(options: JwtCorpusOptions): JwtCorpusRow[] {
  const { secret, issuer, audience, subject = 'alice' } = options;
  const now = () => Math.floor(Date.now() / 1000);
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const sign = (payload: object, signOptions: jwt.SignOptions = {}, key: jwt.Secret = secret) =>
    jwt.sign(payload, key, { algorithm: 'HS256', ...signOptions });
  /** Signs a raw JSON payload text (for payloads JSON.stringify cannot produce, like own `__proto__`). */
  const signRaw = (payloadJson: string, key: string = secret) => {
    const unsigned = `${b64({ alg: 'HS256', typ: 'JWT' })}.${Buffer.from(payloadJson).toString('base64url')}`;
    return `${unsigned}.${createHmac('sha256', key).update(unsigned).digest('base64url')}`;
  };
  const claims = (extra: object = {}) => ({
    sub: subject,
    exp: now() + 600,
    iss: issuer,
    aud: audience,
    ...extra,
  });
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });

  return [
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
    [
      'a correctly signed token with a critical header extension (crit)',
      `Bearer ${sign(claims(), { header: { alg: 'HS256', crit: ['exp-v2'], 'exp-v2': 1 } as jwt.JwtHeader })}`,
      'AUTH_INVALID',
    ],
    [
      'a correctly signed token with an empty crit list',
      `Bearer ${sign(claims(), { header: { alg: 'HS256', crit: [] } as jwt.JwtHeader })}`,
      'AUTH_INVALID',
    ],
    ['an expired token', `Bearer ${sign(claims({ exp: now() - 3600 }))}`, 'AUTH_EXPIRED'],
    [
      'a token not valid yet',
      `Bearer ${sign(claims({ nbf: now() + 3600 }))}`,
      'AUTH_NOT_YET_VALID',
    ],
    ['no exp', `Bearer ${sign({ sub: subject, iss: issuer, aud: audience })}`, 'AUTH_NO_EXPIRY'],
    [
      'exp as a string',
      `Bearer ${signRaw(JSON.stringify(claims({ exp: 'tomorrow' })))}`,
      'AUTH_INVALID',
    ],
    ['the wrong issuer', `Bearer ${sign(claims({ iss: 'someone-else' }))}`, 'AUTH_WRONG_ISSUER'],
    [
      'no issuer',
      `Bearer ${sign({ sub: subject, exp: now() + 600, aud: audience })}`,
      'AUTH_WRONG_ISSUER',
    ],
    ['the wrong audience', `Bearer ${sign(claims({ aud: 'billing' }))}`, 'AUTH_WRONG_AUDIENCE'],
    [
      'no subject',
      `Bearer ${sign({ exp: now() + 600, iss: issuer, aud: audience })}`,
      'AUTH_NO_SUBJECT',
    ],
    ['an empty subject', `Bearer ${sign(claims({ sub: '' }))}`, 'AUTH_NO_SUBJECT'],
    ['a numeric subject', `Bearer ${sign(claims({ sub: 42 }))}`, 'AUTH_NO_SUBJECT'],
    ['an object subject', `Bearer ${sign(claims({ sub: { id: 'alice' } }))}`, 'AUTH_NO_SUBJECT'],
    ['a 1 KB subject', `Bearer ${sign(claims({ sub: 'a'.repeat(1024) }))}`, 'AUTH_NO_SUBJECT'],
    [
      'a subject only through __proto__',
      `Bearer ${signRaw(`{"__proto__":{"sub":"admin"},"exp":${now() + 600},"iss":${JSON.stringify(issuer)},"aud":${JSON.stringify(audience)}}`)}`,
      'AUTH_NO_SUBJECT',
    ],
    [
      'a 9 KB token (over the 8 KB limit, under HTTP header limits)',
      `Bearer ${'a'.repeat(9 * 1024)}`,
      'AUTH_MALFORMED',
    ],
  ];
}
