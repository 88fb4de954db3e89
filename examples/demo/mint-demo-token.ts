// Signs the demo's short-lived HS256 sign-in tokens (the demo's stand-in for a real login).

import jwt from 'jsonwebtoken';

/** Issuer and audience of demo tokens; the router checks both. */
export const DEMO_TOKEN_ISSUER = 'schema-chat-demo';
/** See {@link DEMO_TOKEN_ISSUER}. */
export const DEMO_TOKEN_AUDIENCE = 'schema-chat-demo';
/** Lifetime of a demo token, in seconds: short, since the page asks for a new one when needed. */
export const DEMO_TOKEN_TTL_SEC = 15 * 60;

/** An HS256 JWT for `user` (`sub`), valid for `ttlSec` seconds. */
export function mintDemoToken(secret: string, user: string, ttlSec = DEMO_TOKEN_TTL_SEC): string {
  return jwt.sign({ sub: user, name: user }, secret, {
    algorithm: 'HS256',
    expiresIn: ttlSec,
    issuer: DEMO_TOKEN_ISSUER,
    audience: DEMO_TOKEN_AUDIENCE,
  });
}
