// Where the authenticated user lives during a request: `res.locals`, set by the auth step.

import type { Response } from 'express';
import type { ChatUser } from '../projects/project-resolver.js';

const KEY = 'schemaChatUser';

/** Records the authenticated user of a request. */
export function setUser(res: Response, user: ChatUser): void {
  res.locals[KEY] = user;
}

/** The authenticated user; only called on routes behind the auth step. */
export function userOf(res: Response): ChatUser {
  const user = res.locals[KEY] as ChatUser | undefined;
  if (!user) throw new Error('schema-chat: userOf() called before authentication');
  return user;
}
