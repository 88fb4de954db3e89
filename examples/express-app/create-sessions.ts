// The existing app's login sessions: a random id in an HMAC-signed, HttpOnly cookie, mapped to a
// user id in memory. (A real app would use its session library; the chat does not care which.)

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';

/** Name of the session cookie. */
export const SESSION_COOKIE = 'example_session';

/** Sign-in state of the app. */
export interface Sessions {
  /** The signed-in user's id, if the request carries a valid session cookie. */
  userId(req: Request): string | undefined;
  /** Starts a session for `userId` and sets its cookie. */
  start(res: Response, userId: string): void;
  /** Ends the request's session and clears its cookie. */
  end(req: Request, res: Response): void;
}

function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

/** Creates the session store; `secret` signs the cookies. */
export function createSessions(secret: string): Sessions {
  const users = new Map<string, string>();
  const sign = (id: string) => createHmac('sha256', secret).update(id).digest('base64url');
  const idOf = (req: Request): string | undefined => {
    const [id, signature] = (readCookie(req, SESSION_COOKIE) ?? '').split('.');
    if (!id || !signature) return undefined;
    const expected = Buffer.from(sign(id));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given) ? id : undefined;
  };
  return {
    userId(req) {
      const id = idOf(req);
      return id === undefined ? undefined : users.get(id);
    },
    start(res, userId) {
      const id = randomBytes(24).toString('base64url');
      users.set(id, userId);
      res.cookie(SESSION_COOKIE, `${id}.${sign(id)}`, {
        httpOnly: true,
        sameSite: 'lax',
        path: '/',
      });
    },
    end(req, res) {
      const id = idOf(req);
      if (id !== undefined) users.delete(id);
      res.clearCookie(SESSION_COOKIE, { path: '/' });
    },
  };
}
