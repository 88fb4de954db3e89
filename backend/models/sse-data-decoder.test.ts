// SseDataDecoder on every chunk boundary: lines, CRLF split across chunks, comments, multi-line data.

import { describe, expect, it } from 'vitest';
import { SseDataDecoder, type SseDataMessage } from './sse-data-decoder.js';

/** Feeds `text` cut at every position in `cuts`, returns every event. */
function decode(text: string, cuts: number[] = []): SseDataMessage[] {
  const decoder = new SseDataDecoder();
  const out: SseDataMessage[] = [];
  let from = 0;
  for (const cut of [...cuts, text.length]) {
    out.push(...decoder.feed(text.slice(from, cut)));
    from = cut;
  }
  return out;
}

const STREAM =
  ': keep-alive\n\n' +
  'data: {"a":1}\n\n' +
  'event: error\ndata: {"error":"x"}\n\n' +
  'data: first\ndata:second\r\n\r\n' +
  'id: 7\nretry: 10\n\n' +
  'data: [DONE]\r\r';
const EVENTS: SseDataMessage[] = [
  { event: undefined, data: '{"a":1}' },
  { event: 'error', data: '{"error":"x"}' },
  { event: undefined, data: 'first\nsecond' },
  { event: undefined, data: '[DONE]' },
];

describe('SseDataDecoder', () => {
  it('returns data events with their names, skipping comments, ids and events without data', () => {
    expect(decode(STREAM)).toEqual(EVENTS);
  });

  it('returns the same events whatever the chunk boundaries (every single cut, and every pair)', () => {
    for (let cut = 0; cut <= STREAM.length; cut++) {
      expect(decode(STREAM, [cut]), `cut at ${cut}`).toEqual(EVENTS);
    }
    for (let a = 0; a <= STREAM.length; a += 3) {
      for (let b = a; b <= STREAM.length; b += 5) {
        expect(decode(STREAM, [a, b]), `cuts at ${a}, ${b}`).toEqual(EVENTS);
      }
    }
  });

  it('treats a CRLF split across chunks as one line break', () => {
    expect(decode('data: x\r\n\r\n', [8])).toEqual([{ event: undefined, data: 'x' }]);
    expect(decode('data: x\r\n\r\n', [8, 10])).toEqual([{ event: undefined, data: 'x' }]);
  });

  it('keeps a value without the optional space, and an empty data line', () => {
    expect(decode('data:x\n\ndata\n\n')).toEqual([
      { event: undefined, data: 'x' },
      { event: undefined, data: '' },
    ]);
  });

  it('drops an unfinished event at the end of the stream', () => {
    expect(decode('data: done\n\ndata: cut')).toEqual([{ event: undefined, data: 'done' }]);
  });

  it('keeps a 1 MB data line whole when it arrives in pieces', () => {
    const big = 'x'.repeat(1024 * 1024);
    const cuts = Array.from({ length: 16 }, (_, i) => (i + 1) * 65_536);
    expect(decode(`data: ${big}\n\n`, cuts)).toEqual([{ event: undefined, data: big }]);
  });
});
