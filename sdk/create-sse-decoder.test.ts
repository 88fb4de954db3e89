// Tests of the SSE decoder on chunk boundaries: mid-line, mid-CRLF, mid-character.

import { describe, expect, it } from 'vitest';
import { createSseDecoder, type EventSourceMessage } from './create-sse-decoder.js';
import { createSeededRandom, splitRandomly } from './test-helpers/seeded-random.js';

const encoder = new TextEncoder();

function decodeAll(chunks: Uint8Array[]): EventSourceMessage[] {
  const messages: EventSourceMessage[] = [];
  const decode = createSseDecoder((m) => messages.push({ ...m }));
  for (const chunk of chunks) decode(chunk);
  return messages;
}

const WIRE =
  'retry: 1000\n\n' +
  'id: r1:0\ndata: {"type":"conversationId","conversationId":"c"}\n\n' +
  ': ping\n\n' +
  'id: r1:1\ndata: {"type":"token","content":"Héllo 👋 שלום"}\n\n' +
  'id: r1:2\ndata: {"type":"token","content":"line\\nbreak \\r and data: inside"}\n\n';

describe('createSseDecoder', () => {
  it('decodes ids, data and the retry hint, and drops comment lines', () => {
    const messages = decodeAll([encoder.encode(WIRE)]);
    expect(messages.map((m) => [m.id, m.data, m.retry])).toEqual([
      ['', '', 1000],
      ['r1:0', '{"type":"conversationId","conversationId":"c"}', undefined],
      ['', '', undefined],
      ['r1:1', '{"type":"token","content":"Héllo 👋 שלום"}', undefined],
      ['r1:2', '{"type":"token","content":"line\\nbreak \\r and data: inside"}', undefined],
    ]);
  });

  it('gives the same events for every chunking: mid-line, mid-character, one byte at a time', () => {
    const bytes = encoder.encode(WIRE);
    const expected = decodeAll([bytes]);
    expect(decodeAll(Array.from(bytes, (b) => Uint8Array.of(b)))).toEqual(expected);
    for (let seed = 1; seed <= 50; seed += 1) {
      expect(decodeAll(splitRandomly(bytes, createSeededRandom(seed), 7))).toEqual(expected);
    }
  });

  it('decodes a multi-byte character split between two chunks without U+FFFD', () => {
    const bytes = encoder.encode('data: {"type":"token","content":"👋"}\n\n');
    const inside = bytes.indexOf(0xf0) + 2; // two of the emoji's four bytes in each chunk
    const [message] = decodeAll([bytes.subarray(0, inside), bytes.subarray(inside)]);
    expect(message?.data).toBe('{"type":"token","content":"👋"}');
    expect(message?.data).not.toContain('\uFFFD');
  });

  it('handles CRLF line ends, also when the CR and the LF arrive in different chunks', () => {
    const crlf = WIRE.replace(/\n/g, '\r\n');
    const bytes = encoder.encode(crlf);
    const expected = decodeAll([encoder.encode(WIRE)]);
    const splits = [...crlf.matchAll(/\r/g)].map(
      (m) => encoder.encode(crlf.slice(0, m.index)).length + 1,
    );
    for (const at of splits) {
      expect(decodeAll([bytes.subarray(0, at), bytes.subarray(at)])).toEqual(expected);
    }
  });

  it('handles bare CR line ends', () => {
    const messages = decodeAll([encoder.encode('id: 7\rdata: {"a":1}\r\r')]);
    expect(messages).toEqual([{ id: '7', event: '', data: '{"a":1}', retry: undefined }]);
  });

  it('never delivers an event that the stream cut off before its blank line', () => {
    const messages = decodeAll([encoder.encode('id: 1\ndata: {"a":1}\n\nid: 2\ndata: {"a":')]);
    expect(messages.map((m) => m.id)).toEqual(['1']);
  });

  it('joins several data lines with a newline', () => {
    const [message] = decodeAll([encoder.encode('data: a\ndata: b\n\n')]);
    expect(message?.data).toBe('a\nb');
  });
});
