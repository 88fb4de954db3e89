// The coded, user-facing description of failed operations.
/// <reference types="mocha" />

import { expect } from 'chai';
import { ChatClientError } from '../sdk/chat-client-error.js';
import { canRetryChatError, describeChatError } from './describe-chat-error.js';
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

  it('gives no HTTP status for an error that came as an event on an open stream', () => {
    const onStream = new ChatClientError('x', {
      code: 'UPSTREAM_UNAVAILABLE',
      status: 200,
      retryable: true,
    });
    const detail = describeChatError(onStream, 'send', defaultStrings);
    expect(detail).to.deep.include({ code: 'UPSTREAM_UNAVAILABLE', status: 0, retryable: true });
    expect(detail.message).to.equal(defaultStrings.errorUnavailable);
  });

  it('offers a retry only where one may help', () => {
    const retry = (code: ChatClientError['code'], status: number, retryable = false) =>
      canRetryChatError(
        describeChatError(
          new ChatClientError('x', { code, status, retryable }),
          'send',
          defaultStrings,
        ),
      );
    expect(retry('UPSTREAM_UNAVAILABLE', 503, true), '503').to.equal(true);
    expect(retry('RATE_LIMITED', 429, true), '429').to.equal(true);
    expect(retry('NETWORK_ERROR', 0, true), 'network').to.equal(true);
    expect(retry('AUTH_EXPIRED', 401), 'signed out').to.equal(true);
    expect(retry('GENERATION_INTERRUPTED', 200), 'interrupted (a new turn may do)').to.equal(true);
    expect(retry('UPSTREAM_ERROR', 200), 'the model gave up').to.equal(true);
    expect(retry('FORBIDDEN_ORIGIN', 403), '403').to.equal(false);
    expect(retry('PROJECT_NOT_FOUND', 404), '404 project').to.equal(false);
    expect(retry('CONVERSATION_NOT_FOUND', 404), '404 conversation').to.equal(false);
    expect(retry('VALIDATION_FAILED', 400), '400').to.equal(false);
    expect(retry('MESSAGE_TOO_LONG', 413), '413').to.equal(false);
    expect(retry('QUOTA_EXCEEDED', 429), 'quota').to.equal(false);
    const notConfigured = describeChatError(
      { code: 'NOT_CONFIGURED', status: 0, retryable: false },
      'send',
      defaultStrings,
    );
    expect(canRetryChatError(notConfigured), 'not configured').to.equal(false);
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
