// CompletionChunkReader and readChunkFields: the chunks read by position give exactly what
// JSON.parse gives, whatever the text holds; text goes out before an error; [DONE] ends the read.

import fc from 'fast-check';
import { APIError } from 'openai';
import { describe, expect, it, vi } from 'vitest';
import { CompletionChunkReader, readChunkFields } from './completion-chunk-reader.js';

const headers = () => new Headers();

/** A vLLM text-delta chunk, as JSON.stringify writes it. */
function vllmChunk(content: string | null, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk',
    created: 1,
    model: 'Qwen/Qwen2.5-7B-Instruct',
    choices: [{ index: 0, delta: { content }, logprobs: null, finish_reason: null }],
    ...extra,
  });
}

/** What JSON.parse reads from a chunk: the reference the position reading must match. */
function parsed(data: string) {
  const chunk = JSON.parse(data);
  const choice = chunk.choices?.[0];
  return {
    content: choice?.delta?.content,
    finishReason: choice?.finish_reason,
    usage: chunk.usage ?? undefined,
  };
}

describe('readChunkFields', () => {
  it('reads any text delta exactly as JSON.parse does: quotes, backslashes, escapes, markers inside', () => {
    const tricky = fc.oneof(
      fc.string({ unit: 'grapheme' }),
      fc.string({ unit: 'binary' }),
      fc.constantFrom(
        '"}',
        '\\',
        '\\"',
        '","logprobs":null,"finish_reason":"stop"}]}',
        '"finish_reason":null',
        '"content":"x',
        '"usage":{"total_tokens":1}',
        '"error"',
        '\n\r\t\u2028\u0000',
        '🙂 مرحبا',
      ),
    );
    fc.assert(
      fc.property(fc.array(tricky, { maxLength: 4 }), (parts) => {
        const data = vllmChunk(parts.join(''));
        expect(readChunkFields(undefined, data, headers)).toEqual(parsed(data));
      }),
      { numRuns: 2000, seed: 13 },
    );
  });

  it('reads every other shape in full: role chunk, null content, finish, usage, several choices, other key orders', () => {
    const shapes = [
      JSON.stringify({
        choices: [
          {
            index: 0,
            delta: { role: 'assistant', content: '' },
            logprobs: null,
            finish_reason: null,
          },
        ],
      }),
      vllmChunk(null),
      vllmChunk('x', { usage: null }),
      vllmChunk('x', { usage: { prompt_tokens: 1, completion_tokens: 2, total_tokens: 3 } }),
      JSON.stringify({
        choices: [{ index: 0, delta: { content: '' }, logprobs: null, finish_reason: 'length' }],
      }),
      JSON.stringify({
        choices: [],
        usage: { prompt_tokens: 4, completion_tokens: 5, total_tokens: 9 },
      }),
      JSON.stringify({
        choices: [
          { index: 0, delta: { content: 'a' }, logprobs: null, finish_reason: null },
          { index: 1, delta: { content: 'b' }, logprobs: null, finish_reason: null },
        ],
      }),
      JSON.stringify({
        choices: [{ delta: { content: 'a', refusal: null }, finish_reason: null }],
      }),
      JSON.stringify({ choices: [{ finish_reason: null, delta: { content: 'a' } }] }),
      '{ "choices": [ { "delta": { "content": "spaced" }, "finish_reason": null } ] }',
    ];
    for (const data of shapes)
      expect(readChunkFields(undefined, data, headers)).toEqual(parsed(data));
  });

  it('reads the usual chunks (text, null) by position, without JSON.parse, and parses an escaped text alone', () => {
    const parse = vi.spyOn(JSON, 'parse');
    try {
      expect(readChunkFields(undefined, vllmChunk(' fake1'), headers).content).toBe(' fake1');
      expect(readChunkFields(undefined, vllmChunk(null), headers).content).toBeNull();
      expect(parse).not.toHaveBeenCalled();
      expect(readChunkFields(undefined, vllmChunk('a\n"b"'), headers).content).toBe('a\n"b"');
      expect(parse).toHaveBeenCalledWith('"a\\n\\"b\\""');
    } finally {
      parse.mockRestore();
    }
  });

  it('throws SyntaxError for a chunk that is not JSON, and APIError for an error payload', () => {
    expect(() =>
      readChunkFields(undefined, '{"choices":[{"index":0,"delta":{"content":"cut', headers),
    ).toThrow(SyntaxError);
    expect(() =>
      readChunkFields(undefined, '{"error":{"message":"engine dead","code":500}}', headers),
    ).toThrow(APIError);
    expect(() => readChunkFields('error', vllmChunk('x'), headers)).toThrow(APIError);
  });
});

describe('CompletionChunkReader', () => {
  it('hands each non-empty delta over as it is read, then finish and usage, and stops at [DONE]', () => {
    const texts: string[] = [];
    const reader = new CompletionChunkReader((delta) => texts.push(delta), headers);
    const body = [
      `data: ${JSON.stringify({ choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }] })}\n\n`,
      `data: ${vllmChunk('Hel')}\n\ndata: ${vllmChunk(null)}\n\n`,
      `data: ${vllmChunk('lo')}\n\n: keep-alive\n\n`,
      `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content: '' }, logprobs: null, finish_reason: 'stop' }] })}\n\n`,
      `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } })}\n\n`,
      'data: [DONE]\n\ndata: {"after":"done"}\n\n',
    ].join('');
    // Cut into pieces of 7 characters: events and lines split anywhere.
    for (let i = 0; i < body.length; i += 7) reader.feed(body.slice(i, i + 7));
    expect(texts).toEqual(['Hel', 'lo']);
    // One whole event per read (the usual case, read without line-by-line decoding): the same.
    const whole: string[] = [];
    const byEvent = new CompletionChunkReader((delta) => whole.push(delta), headers);
    for (const event of body.split(/(?<=\n\n)/)) byEvent.feed(event);
    expect(whole).toEqual(['Hel', 'lo']);
    expect([byEvent.finishReason, byEvent.sawDone]).toEqual(['stop', true]);
    expect(reader.finishReason).toBe('stop');
    expect(reader.usage).toEqual({ prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 });
    expect(reader.sawDone).toBe(true);
    reader.feed(`data: ${vllmChunk('more')}\n\n`);
    expect(texts).toEqual(['Hel', 'lo']);
  });

  it('delivers the text before an error payload, then throws', () => {
    const texts: string[] = [];
    const reader = new CompletionChunkReader((delta) => texts.push(delta), headers);
    expect(() =>
      reader.feed(`data: ${vllmChunk('partial')}\n\ndata: {"error":{"message":"boom"}}\n\n`),
    ).toThrow(APIError);
    expect(texts).toEqual(['partial']);
    expect(reader.sawDone).toBe(false);
  });
});
