// Tests of reading non-2xx responses into coded ChatClientErrors.

import { describe, expect, it } from 'vitest';
import { isRetryableStatus, parseErrorBody, readErrorResponse } from './read-error-response.js';

const NOW = Date.parse('2025-01-01T00:00:00Z');

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers },
  });
}

describe('isRetryableStatus', () => {
  it('retries 408, 425, 429 and 5xx and nothing else', () => {
    for (const status of [408, 425, 429, 500, 502, 503, 504]) {
      expect(isRetryableStatus(status)).toBe(true);
    }
    for (const status of [400, 401, 403, 404, 409, 413, 415, 422]) {
      expect(isRetryableStatus(status)).toBe(false);
    }
  });
});

describe('parseErrorBody', () => {
  it('reads the coded error body of the router', () => {
    expect(
      parseErrorBody(
        '{"error":{"code":"RATE_LIMITED","message":"Slow down.","retryable":true,"retryAfter":3}}',
      ),
    ).toEqual({ code: 'RATE_LIMITED', message: 'Slow down.', retryable: true, retryAfter: 3 });
  });

  it('returns undefined for HTML, truncated JSON and other shapes', () => {
    expect(parseErrorBody('<html>502 Bad Gateway</html>')).toBeUndefined();
    expect(parseErrorBody('{"error":{"code":"X"')).toBeUndefined();
    expect(parseErrorBody('{"message":"nope"}')).toBeUndefined();
    expect(parseErrorBody('{"error":{"code":"","message":"x"}}')).toBeUndefined();
    expect(parseErrorBody('null')).toBeUndefined();
  });
});

describe('readErrorResponse', () => {
  it('keeps the server code and message and marks a 503 retryable', async () => {
    const { error, coded } = await readErrorResponse(
      json(503, { error: { code: 'SERVER_BUSY', message: 'Busy.', retryable: true } }),
      NOW,
    );
    expect(coded).toBe(true);
    expect(error).toMatchObject({
      status: 503,
      code: 'SERVER_BUSY',
      message: 'Busy.',
      retryable: true,
    });
  });

  it('takes retryAfter from the Retry-After header, in seconds', async () => {
    const { error } = await readErrorResponse(
      json(
        429,
        { error: { code: 'RATE_LIMITED', message: 'x', retryable: true, retryAfter: 9 } },
        {
          'Retry-After': '2',
        },
      ),
      NOW,
    );
    expect(error.retryAfter).toBe(2);
  });

  it('falls back to the body retryAfter without a header', async () => {
    const { error } = await readErrorResponse(
      json(429, { error: { code: 'RATE_LIMITED', message: 'x', retryable: true, retryAfter: 9 } }),
      NOW,
    );
    expect(error.retryAfter).toBe(9);
  });

  it('makes a 429 final when the server says it is not retryable (quota)', async () => {
    const { error } = await readErrorResponse(
      json(429, { error: { code: 'QUOTA_EXCEEDED', message: 'x', retryable: false } }),
      NOW,
    );
    expect(error).toMatchObject({ code: 'QUOTA_EXCEEDED', retryable: false });
  });

  it('makes a 409 final even if the body claims it is retryable', async () => {
    const { error } = await readErrorResponse(
      json(409, { error: { code: 'TURN_IN_PROGRESS', message: 'x', retryable: true } }),
      NOW,
    );
    expect(error.retryable).toBe(false);
  });

  it('derives the code from the status and hides the body of a proxy page', async () => {
    const response = new Response('<html><pre>at Proxy.handle (/srv/proxy.js:10)</pre></html>', {
      status: 502,
      headers: { 'Content-Type': 'text/html' },
    });
    const { error, coded } = await readErrorResponse(response, NOW);
    expect(coded).toBe(false);
    expect(error).toMatchObject({ status: 502, code: 'UPSTREAM_UNAVAILABLE', retryable: true });
    expect(error.message).toBe('The chat server answered with HTTP 502.');
  });

  it('answers BAD_RESPONSE for an unknown status without a body', async () => {
    const { error } = await readErrorResponse(new Response(null, { status: 418 }), NOW);
    expect(error).toMatchObject({ status: 418, code: 'BAD_RESPONSE', retryable: false });
  });
});
