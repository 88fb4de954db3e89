// splitSseEvents: complete events off the front of a buffer, the incomplete tail kept.

import { describe, expect, it } from 'vitest';
import { splitSseEvents } from './split-sse-events.js';

describe('splitSseEvents', () => {
  it('takes the complete events and keeps the incomplete tail', () => {
    const { events, rest } = splitSseEvents('id: r:0\ndata: {"a":1}\n\ndata: {"b"');
    expect(events).toEqual([{ id: 'r:0', data: '{"a":1}' }]);
    expect(rest).toBe('data: {"b"');
    expect(splitSseEvents(`${rest}:2}\n\n`).events).toEqual([{ data: '{"b":2}' }]);
  });

  it('joins data lines, reads fields with or without the space, and skips blocks without data', () => {
    const text = 'retry: 2000\n\n: ping\n\nid:7\ndata:one\ndata: two\n\n';
    expect(splitSseEvents(text)).toEqual({ events: [{ id: '7', data: 'one\ntwo' }], rest: '' });
  });

  it('keeps the whole buffer when no event is complete yet', () => {
    expect(splitSseEvents('data: {"type":"tok')).toEqual({
      events: [],
      rest: 'data: {"type":"tok',
    });
  });
});
