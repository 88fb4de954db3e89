import { describe, expect, it } from 'vitest';
import {
  formatEventIdPrefix,
  formatSseComment,
  formatSseEvent,
  formatSseRetry,
  formatTokenEvent,
} from './format-sse-event.js';

/** Parses SSE text the way the WHATWG algorithm does (enough for round-trip checks). */
function parseSse(text: string): Array<{ id?: string; data: string }> {
  const events: Array<{ id?: string; data: string }> = [];
  let data: string[] = [];
  let id: string | undefined;
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line === '') {
      if (data.length) events.push({ ...(id === undefined ? {} : { id }), data: data.join('\n') });
      data = [];
      continue;
    }
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    if (field === 'id') id = value;
  }
  return events;
}

describe('formatSseEvent', () => {
  it('frames an unnamed event with an id, as docs/protocol.md shows it', () => {
    expect(formatSseEvent({ id: 'r1:0', data: '{"type":"token","content":"Hello"}' })).toBe(
      'id: r1:0\ndata: {"type":"token","content":"Hello"}\n\n',
    );
  });

  it.each([
    ['LF', 'a\nb'],
    ['CR', 'a\rb'],
    ['CRLF', 'a\r\nb'],
    ['a fake field', 'x\ndata: injected\n\nid: evil'],
    ['trailing newline', 'line\n'],
    ['emoji and RTL', '👋🏽 مرحبا'],
  ])('keeps text with %s intact through a parser', (_name, text) => {
    const [event, ...rest] = parseSse(formatSseEvent({ id: 'r:1', data: text }));
    expect(rest).toHaveLength(0);
    expect(event?.data).toBe(text.replace(/\r\n|\r/g, '\n'));
    expect(event?.id).toBe('r:1');
  });

  it('refuses ids that would inject fields', () => {
    expect(() => formatSseEvent({ id: 'a\nretry: 1', data: 'x' })).toThrow(TypeError);
    expect(() => formatSseEvent({ id: 'a\u0000', data: 'x' })).toThrow(TypeError);
  });

  it('writes the event name when given', () => {
    expect(formatSseEvent({ event: 'message', data: 'x' })).toBe('event: message\ndata: x\n\n');
  });
});

describe('formatSseComment and formatSseRetry', () => {
  it('frames a keep-alive comment that parsers ignore', () => {
    expect(formatSseComment('ping')).toBe(': ping\n\n');
    expect(parseSse(formatSseComment('a\nb'))).toEqual([]);
  });

  it('frames the retry hint and refuses a bad value', () => {
    expect(formatSseRetry(2000)).toBe('retry: 2000\n\n');
    expect(() => formatSseRetry(-1)).toThrow(TypeError);
  });
});

describe('formatTokenEvent', () => {
  it('frames exactly what formatSseEvent frames for the same token event', () => {
    const texts = [
      'Hello',
      'line1\nline2\r\n',
      'data: fake\n\nid: x',
      ' 👋🏽 مرحبا ',
      '\u2028"\\',
      '',
    ];
    for (const content of texts) {
      expect(formatTokenEvent(formatEventIdPrefix('r1'), 42, content)).toBe(
        formatSseEvent({ id: 'r1:42', data: JSON.stringify({ type: 'token', content }) }),
      );
      expect(parseSse(formatTokenEvent('id: r1:', 42, content))).toEqual([
        { id: 'r1:42', data: JSON.stringify({ type: 'token', content }) },
      ]);
    }
  });

  it('refuses a run id that would inject fields', () => {
    expect(() => formatEventIdPrefix('r1\nretry: 1')).toThrow(TypeError);
    expect(() => formatEventIdPrefix('r1\u0000')).toThrow(TypeError);
  });
});
