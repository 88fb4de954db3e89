// Where the bearer token of each request comes from: the set token, else `getToken()`; and the
// one refresh after a 401.

import { ChatClientError } from './chat-client-error.js';

/** The client's token state. */
export interface TokenSource {
  /** The token for the next request: the set one, else a fresh `getToken()`; `undefined` if none. */
  get(): Promise<string | undefined>;
  /**
   * After a 401: asks `getToken()` once and keeps the answer as the set token (so the retry and the
   * next calls use it). Returns false when there is no `getToken` to ask.
   */
  refresh(): Promise<boolean>;
  /** Replaces the set token (`undefined` or `''`: none, use `getToken()` again). */
  set(token: string | undefined): void;
}

async function askForToken(getToken: () => string | Promise<string>): Promise<string | undefined> {
  let token: string;
  try {
    token = await getToken();
  } catch (cause) {
    throw new ChatClientError('getToken() failed, so the request was not sent.', {
      status: 0,
      code: 'AUTH_MISSING',
      retryable: false,
      cause,
    });
  }
  return typeof token === 'string' && token !== '' ? token : undefined;
}

/** Creates the token source of one client. */
export function createTokenSource(
  initial: string | undefined,
  getToken: (() => string | Promise<string>) | undefined,
): TokenSource {
  let token = initial || undefined;
  return {
    async get() {
      if (token !== undefined) return token;
      return getToken ? askForToken(getToken) : undefined;
    },
    async refresh() {
      if (!getToken) return false;
      token = await askForToken(getToken);
      return true;
    },
    set(next) {
      token = next || undefined;
    },
  };
}
