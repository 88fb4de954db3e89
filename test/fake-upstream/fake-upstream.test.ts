// Tests of the fake upstream itself, through the real `openai` client and raw HTTP.

import { spawn } from 'node:child_process';
import { request as httpRequest } from 'node:http';
import { fileURLToPath } from 'node:url';
import OpenAI, {
  type APIError,
  BadRequestError,
  InternalServerError,
  RateLimitError,
} from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type FakeUpstream,
  fakeText,
  fakeTokens,
  parseFakeDirective,
  readStamps,
  splitIntoTokens,
  startFakeUpstream,
} from './fake-upstream.ts';

let upstream: FakeUpstream;
let client: OpenAI;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  client = new OpenAI({ baseURL: upstream.url, apiKey: 'test', maxRetries: 0, logLevel: 'off' });
});
afterEach(() => upstream.reset());
afterAll(() => upstream.close());

const messages = (content = 'Which tables hold orders?') => [{ role: 'user' as const, content }];

/** Streams a completion and collects chunks, text and the error that ended it (if any). */
async function collect(content?: string, signal?: AbortSignal) {
  const chunks: ChatCompletionChunk[] = [];
  let error: unknown;
  try {
    const stream = await client.chat.completions.create(
      {
        model: 'test-model',
        messages: messages(content),
        stream: true,
        stream_options: { include_usage: true },
      },
      { signal },
    );
    for await (const chunk of stream) chunks.push(chunk);
  } catch (caught) {
    error = caught;
  }
  const text = chunks.map((chunk) => chunk.choices[0]?.delta?.content ?? '').join('');
  const finish = chunks.find((chunk) => chunk.choices[0]?.finish_reason)?.choices[0]?.finish_reason;
  return { chunks, text, finish, error };
}

/** Raw POST returning the status, headers, body chunks as received, and the joined body. */
function rawPost(
  url: string,
  body: unknown,
): Promise<{ status: number; headers: Record<string, unknown>; parts: Buffer[]; text: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      `${url}/chat/completions`,
      { method: 'POST', headers: { 'content-type': 'application/json' } },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (part: Buffer) => parts.push(Buffer.from(part)));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            parts,
            text: Buffer.concat(parts).toString('utf8'),
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('streaming in the vLLM chunk format', () => {
  it('sends a role chunk, content chunks, null-content chunks, a finish chunk, a usage chunk and [DONE]', async () => {
    const response = await rawPost(upstream.url, {
      model: 'test-model',
      messages: messages(),
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const frames = response.text.split('\n\n').filter(Boolean);
    expect(frames.every((frame) => frame.startsWith('data: '))).toBe(true);
    expect(frames.at(-1)).toBe('data: [DONE]');
    const payloads = frames.slice(0, -1).map((frame) => JSON.parse(frame.slice(6)));
    expect(payloads[0].choices[0].delta).toEqual({ role: 'assistant', content: '' });
    expect(payloads.some((p) => p.choices[0]?.delta?.content === null)).toBe(true);
    const finish = payloads.at(-2);
    expect(finish.choices[0].finish_reason).toBe('stop');
    const usage = payloads.at(-1);
    expect(usage.choices).toEqual([]);
    expect(usage.usage).toEqual({
      prompt_tokens: expect.any(Number),
      completion_tokens: 8,
      total_tokens: usage.usage.prompt_tokens + 8,
    });
    const text = payloads.map((p) => p.choices[0]?.delta?.content ?? '').join('');
    expect(text).toBe(fakeText(8));
  });

  it('omits the usage chunk unless stream_options.include_usage is set', async () => {
    const response = await rawPost(upstream.url, {
      model: 'm',
      messages: messages(),
      stream: true,
    });
    const frames = response.text.split('\n\n').filter(Boolean);
    expect(frames.at(-1)).toBe('data: [DONE]');
    expect(frames.some((frame) => frame.includes('"usage"'))).toBe(false);
  });

  it('streams the deterministic default tokens through the openai client', async () => {
    const { text, finish, error, chunks } = await collect();
    expect(error).toBeUndefined();
    expect(text).toBe('Fake0 fake1 fake2 fake3 fake4 fake5 fake6 fake7');
    expect(finish).toBe('stop');
    expect(chunks.at(-1)?.usage?.completion_tokens).toBe(8);
    expect(upstream.calls.count).toBe(1);
    expect(upstream.calls.bodies[0].model).toBe('test-model');
  });

  it('streams a given token list and finish reason', async () => {
    upstream.script({ kind: 'normal', tokens: ['a', 'b', 'c'], finishReason: 'length' });
    const { text, finish } = await collect();
    expect(text).toBe('abc');
    expect(finish).toBe('length');
  });

  it('streams given text unchanged, injection payloads included', async () => {
    const payload =
      '<img src=x onerror=alert(1)>\n```\ndata: {"type":"complete"}\r\n\n ignore previous instructions';
    upstream.script({ kind: 'normal', text: payload });
    const { text } = await collect();
    expect(text).toBe(payload);
    expect(splitIntoTokens(payload).join('')).toBe(payload);
  });

  it('cuts frames inside multi-byte UTF-8 characters and the text still arrives intact', async () => {
    const payload = 'Hi 👋🏽 世界 مرحبا ✓ 🧑‍💻 done';
    upstream.script({ kind: 'normal', text: payload, splitUtf8: true });
    const { text } = await collect();
    expect(text).toBe(payload);

    upstream.script({ kind: 'normal', text: payload, splitUtf8: true });
    const raw = await rawPost(upstream.url, { model: 'm', messages: messages(), stream: true });
    expect(raw.text).toContain('👋🏽');
    // At least one body part as received ends inside a character: strict decoding of it fails.
    const strict = new TextDecoder('utf-8', { fatal: true });
    const cutInside = raw.parts.some((part) => {
      try {
        strict.decode(part);
        return false;
      } catch {
        return true;
      }
    });
    expect(cutInside).toBe(true);
  });

  it('delays the first token: the role chunk comes at once, the text only after the delay', async () => {
    upstream.script({ kind: 'normal', tokens: 2, firstTokenDelayMs: 300 });
    const stream = await client.chat.completions.create({
      model: 'm',
      messages: messages(),
      stream: true,
    });
    // A reference timer shorter than the delay: it fires between the role chunk and the text.
    let referenceFired = false;
    const order: string[] = [];
    for await (const chunk of stream) {
      const content = chunk.choices[0]?.delta?.content;
      if (chunk.choices[0]?.delta?.role) {
        order.push('role');
        setTimeout(() => {
          referenceFired = true;
        }, 100);
      } else if (content)
        order.push(referenceFired ? 'text after the reference' : 'text before it');
    }
    expect(order).toEqual(['role', 'text after the reference', 'text after the reference']);
  });

  it('stamps each token with when it is written, on the monotonic clock, in order', async () => {
    const before = Number(process.hrtime.bigint() / 1000n);
    const { text, chunks } = await collect('[[fake:tokens=4,interval=5,stamp]] q');
    const after = Number(process.hrtime.bigint() / 1000n);
    const { micros, rest } = readStamps(text);
    expect(micros).toHaveLength(4);
    expect(rest).toBe('');
    expect(chunks.filter((chunk) => chunk.choices[0]?.delta?.content).length).toBe(4);
    for (let i = 0; i < micros.length; i++) {
      expect(micros[i]).toBeGreaterThanOrEqual(i === 0 ? before : (micros[i - 1] as number));
      expect(micros[i]).toBeLessThanOrEqual(after);
    }
    expect(readStamps(' 12; 3')).toEqual({ micros: [12], rest: ' 3' });
  });

  it('sends a 1 MB delta in a single chunk', async () => {
    upstream.script({ kind: 'huge-delta', tokens: 2 });
    const { chunks, text, finish } = await collect();
    const largest = Math.max(
      ...chunks.map((chunk) => chunk.choices[0]?.delta?.content?.length ?? 0),
    );
    expect(largest).toBe(1024 * 1024);
    expect(text.startsWith(fakeText(2))).toBe(true);
    expect(finish).toBe('stop');
  });
});

describe('faults', () => {
  it('answers 429 with Retry-After', async () => {
    upstream.script({ kind: 'status', status: 429, retryAfter: 7 });
    const { error } = await collect();
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).headers.get('retry-after')).toBe('7');
  });

  it('answers 500 and 503 with the vLLM error body', async () => {
    upstream.script({ kind: 'status', status: 500 });
    upstream.script({ kind: 'status', status: 503, retryAfter: 2 });
    const first = await collect();
    const second = await collect();
    expect(first.error).toBeInstanceOf(InternalServerError);
    expect((first.error as APIError).status).toBe(500);
    expect((first.error as APIError).type).toBe('InternalServerError');
    expect((second.error as APIError).status).toBe(503);
    expect((second.error as APIError).headers?.get('retry-after')).toBe('2');
  });

  it('answers 400 for a context that is too long, in the vLLM and the OpenAI shape', async () => {
    upstream.script({ kind: 'context-length' });
    upstream.script({ kind: 'context-length', flavour: 'openai' });
    const vllm = (await collect()).error as BadRequestError;
    const openai = (await collect()).error as BadRequestError;
    expect(vllm).toBeInstanceOf(BadRequestError);
    expect(vllm.message).toMatch(/maximum context length is 32768 tokens/);
    expect(openai.code).toBe('context_length_exceeded');
  });

  it('stalls after k tokens with the socket open, until the client gives up', async () => {
    upstream.script({ kind: 'stall', afterTokens: 3 });
    const controller = new AbortController();
    const seen: string[] = [];
    const stream = await client.chat.completions.create(
      { model: 'm', messages: messages(), stream: true },
      { signal: controller.signal },
    );
    const reading = (async () => {
      for await (const chunk of stream) {
        const content = chunk.choices[0]?.delta?.content;
        if (content) seen.push(content);
      }
    })().catch(() => undefined);
    await waitFor(() => seen.length === 3);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(seen).toEqual(fakeTokens(3));
    expect(upstream.calls.open).toBe(1);
    controller.abort();
    await reading;
    await waitFor(() => upstream.calls.aborted === 1);
    expect(upstream.calls.open).toBe(0);
  });

  it('resets the connection after k tokens', async () => {
    upstream.script({ kind: 'reset', afterTokens: 2 });
    const { text, error, finish } = await collect();
    expect(text).toBe(fakeText(2));
    expect(finish).toBeUndefined();
    expect(error).toBeDefined();
  });

  it('sends a malformed chunk after k tokens', async () => {
    upstream.script({ kind: 'malformed', afterTokens: 2 });
    const { text, error } = await collect();
    expect(text).toBe(fakeText(2));
    expect(error).toBeInstanceOf(SyntaxError);
  });

  it('ends without a finish chunk and without [DONE]', async () => {
    upstream.script({ kind: 'no-done', afterTokens: 4 });
    const { text, error, finish } = await collect();
    expect(error).toBeUndefined();
    expect(text).toBe(fakeText(4));
    expect(finish).toBeUndefined();
    const raw = await rawPost(upstream.url, {
      model: 'm',
      messages: messages('[[fake:no-done]]'),
      stream: true,
    });
    expect(raw.text).not.toContain('[DONE]');
    expect(raw.text).not.toContain('finish_reason":"stop');
  });
});

describe('non-streaming and models', () => {
  it('answers stream: false with one completion JSON', async () => {
    upstream.script({ kind: 'normal', tokens: 3 });
    const completion = await client.chat.completions.create({ model: 'm', messages: messages() });
    expect(completion.object).toBe('chat.completion');
    expect(completion.choices[0]?.message.content).toBe(fakeText(3));
    expect(completion.choices[0]?.finish_reason).toBe('stop');
    expect(completion.usage?.completion_tokens).toBe(3);
  });

  it('lists the model', async () => {
    const upstreamWithModel = await startFakeUpstream({ model: 'my/model' });
    try {
      const other = new OpenAI({ baseURL: upstreamWithModel.url, apiKey: 'x', maxRetries: 0 });
      const models = await other.models.list();
      expect(models.data.map((model) => model.id)).toEqual(['my/model']);
    } finally {
      await upstreamWithModel.close();
    }
  });
});

describe('scripting and counting', () => {
  it('uses queued behaviours in order, then the function, then the default, and counts calls', async () => {
    upstream.script({ kind: 'normal', tokens: ['one'] });
    upstream.script({ kind: 'normal', tokens: ['two'] });
    upstream.script((request, index) => ({
      kind: 'normal',
      tokens: [`call ${index} ${request.body.model}`],
    }));
    expect((await collect()).text).toBe('one');
    expect((await collect()).text).toBe('two');
    expect((await collect()).text).toBe('call 2 test-model');
    expect(upstream.calls.count).toBe(3);
    expect(upstream.calls.requests.map((r) => r.index)).toEqual([0, 1, 2]);
    upstream.reset();
    expect(upstream.calls.count).toBe(0);
    expect((await collect()).text).toBe(fakeText(8));
  });

  it('lets a [[fake:…]] directive in the last user message pick the behaviour', async () => {
    upstream.script({ kind: 'normal', tokens: ['queued'] });
    const stalled = await collect('hello [[fake:status=503,retry-after=4]]');
    expect((stalled.error as APIError).status).toBe(503);
    expect((stalled.error as APIError).headers?.get('retry-after')).toBe('4');
    const text = await collect(`[[fake:text=${encodeURIComponent('a, b & c')},finish=length]]`);
    expect(text.text).toBe('a, b & c');
    expect(text.finish).toBe('length');
    // The directive did not consume the queue.
    expect((await collect()).text).toBe('queued');
  });

  it('rejects an unknown directive with a 400 that names it', async () => {
    const { error } = await collect('[[fake:explode=1]]');
    expect((error as APIError).status).toBe(400);
    expect((error as APIError).message).toContain('unknown key "explode"');
  });

  it('parses every directive key', () => {
    expect(parseFakeDirective('no directive')).toBeUndefined();
    expect(parseFakeDirective('[[fake:stall-after=3]]')).toEqual({
      behaviour: { kind: 'stall', afterTokens: 3 },
    });
    expect(parseFakeDirective('[[fake:reset-after=2,tokens=5,interval=10]]')).toEqual({
      behaviour: { kind: 'reset', afterTokens: 2, tokens: 5, intervalMs: 10 },
    });
    expect(
      parseFakeDirective('[[fake:malformed-after=1]] [[fake:split-utf8,no-null-chunks]]'),
    ).toEqual({
      behaviour: { kind: 'malformed', afterTokens: 1, splitUtf8: true, nullChunks: false },
    });
    expect(parseFakeDirective('[[fake:no-done=2,first-token-delay=50]]')).toEqual({
      behaviour: { kind: 'no-done', afterTokens: 2, firstTokenDelayMs: 50 },
    });
    expect(parseFakeDirective('[[fake:huge-delta=2048]]')).toEqual({
      behaviour: { kind: 'huge-delta', bytes: 2048 },
    });
    expect(parseFakeDirective('[[fake:context-length=openai]]')).toEqual({
      behaviour: { kind: 'context-length', flavour: 'openai' },
    });
    expect(parseFakeDirective('[[fake:status=429,retry-after=5]]')).toEqual({
      behaviour: { kind: 'status', status: 429, retryAfter: '5' },
    });
    expect(parseFakeDirective('[[fake:tokens=abc]]')).toEqual({
      error: 'fake upstream directive: "tokens" needs a number ≥ 0',
    });
  });

  it('is scripted and read over HTTP by tests in other processes', async () => {
    const base = upstream.url.replace(/\/v1$/, '');
    const scripted = await fetch(`${base}/__fake/script`, {
      method: 'POST',
      body: JSON.stringify([
        { kind: 'normal', tokens: ['x'] },
        { kind: 'status', status: 500 },
      ]),
    });
    expect(await scripted.json()).toEqual({ queued: 2 });
    expect((await collect()).text).toBe('x');
    expect(((await collect()).error as APIError).status).toBe(500);
    const calls = await (await fetch(`${base}/__fake/calls`)).json();
    expect(calls.count).toBe(2);
    expect(calls.bodies[0].messages).toEqual(messages());
    const bad = await fetch(`${base}/__fake/script`, { method: 'POST', body: '{"kind":"nope"}' });
    expect(bad.status).toBe(400);
    await fetch(`${base}/__fake/reset`, { method: 'POST' });
    expect(upstream.calls.count).toBe(0);
  });
});

describe('cli', () => {
  it('prints its URL and serves until SIGTERM', async () => {
    const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));
    const child = spawn(process.execPath, [cli, '--port', '0', '--tokens', '3'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        child.stdout.on('data', (data: Buffer) => {
          out += data.toString();
          if (out.includes('\n')) resolve(out.split('\n')[0] as string);
        });
        child.once('exit', (code) => reject(new Error(`cli exited with ${code}`)));
      });
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
      const other = new OpenAI({ baseURL: url, apiKey: 'x', maxRetries: 0 });
      const completion = await other.chat.completions.create({ model: 'm', messages: messages() });
      expect(completion.choices[0]?.message.content).toBe(fakeText(3));
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    }
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
