// Tests of buildUrl: joining the mount point, routes and query parameters.

import { describe, expect, it } from 'vitest';
import { buildUrl, encodePathSegment } from './build-url.js';

describe('buildUrl', () => {
  it('joins a base without a trailing slash and a route', () => {
    expect(buildUrl('https://api.example.com/api/v1/ai', '/chat')).toBe(
      'https://api.example.com/api/v1/ai/chat',
    );
  });

  it('drops trailing slashes of the base so routes never get a double slash', () => {
    expect(buildUrl('/api/v1/ai//', '/chat/stream')).toBe('/api/v1/ai/chat/stream');
  });

  it('appends defined query parameters, URL-encoded, and leaves out undefined ones', () => {
    expect(
      buildUrl('http://h/ai', '/chat/stream', {
        projectId: 'p 1',
        message: 'a&b=c/ü?',
        conversationId: undefined,
        limit: 20,
      }),
    ).toBe('http://h/ai/chat/stream?projectId=p+1&message=a%26b%3Dc%2F%C3%BC%3F&limit=20');
  });

  it('adds no question mark when every parameter is undefined', () => {
    expect(buildUrl('http://h/ai', '/conversations', { cursor: undefined })).toBe(
      'http://h/ai/conversations',
    );
  });
});

describe('encodePathSegment', () => {
  it('keeps an id from adding path segments, a query or a fragment', () => {
    expect(encodePathSegment('../x?y#z')).toBe('..%2Fx%3Fy%23z');
  });
});
