// The coded, user-facing description of failed operations.
/// <reference types="mocha" />

import { expect } from 'chai';
import { ChatClientError } from '../sdk/chat-client-error.js';
import { describeChatError } from './describe-chat-error.js';
import { defaultStrings } from './schema-chat-strings.js';

const error = (code: ChatClientError['code'], status: number, retryAfter?: number) =>
  new ChatClientError('server text that must not be shown', {
    code,
    status,
    retryable: status === 503,
    ...(retryAfter === undefined ? {} : { retryAfter }),
  });

describe('describeChatError', () => {
  it('maps statuses and codes to the matching string, never the error text', () => {
    const cases: [ChatClientError, string][] = [
      [error('AUTH_EXPIRED', 401), defaultStrings.errorAuth],
      [error('FORBIDDEN_ORIGIN', 403), defaultStrings.errorForbidden],
      [error('CONVERSATION_NOT_FOUND', 404), defaultStrings.errorNotFound],
      [error('TURN_IN_PROGRESS', 409), defaultStrings.errorConflict],
      [error('MESSAGE_TOO_LONG', 413), defaultStrings.errorInvalid],
      [error('VALIDATION_FAILED', 400), defaultStrings.errorInvalid],
      [error('RATE_LIMITED', 429, 12.2), 'Too many requests. Try again in 13 s.'],
      [error('QUOTA_EXCEEDED', 429), defaultStrings.errorRateLimitedNoWait],
      [error('SERVER_BUSY', 503), defaultStrings.errorUnavailable],
      [error('UPSTREAM_TIMEOUT', 504), defaultStrings.errorUnavailable],
      [error('NETWORK_ERROR', 0), defaultStrings.errorNetwork],
      [error('BAD_RESPONSE', 0), defaultStrings.errorGeneric],
    ];
    for (const [input, message] of cases) {
      const detail = describeChatError(input, 'send', defaultStrings);
      expect(detail.message, input.code).to.equal(message);
      expect(detail.code).to.equal(input.code);
      expect(detail.status).to.equal(input.status);
      expect(JSON.stringify(detail)).to.not.contain('server text');
    }
  });

  it('describes anything uncoded as a retryable NETWORK_ERROR', () => {
    const detail = describeChatError(new TypeError('Failed to fetch'), 'send', defaultStrings);
    expect(detail).to.deep.include({ code: 'NETWORK_ERROR', status: 0, retryable: true });
  });

  it('says that the history failed to load, except for auth problems', () => {
    expect(
      describeChatError(error('SERVER_BUSY', 503), 'history', defaultStrings).message,
    ).to.equal(`${defaultStrings.errorHistory} ${defaultStrings.errorUnavailable}`);
    expect(
      describeChatError(error('AUTH_EXPIRED', 401), 'history', defaultStrings).message,
    ).to.equal(defaultStrings.errorAuth);
  });
});
