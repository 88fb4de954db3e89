// Reads a streamed `/chat/completions` body as text arrives: SSE events (sse-data-decoder.ts) to
// OpenAI chunks to answer text, the finish reason and the usage, up to `data: [DONE]`. Pure and
// synchronous: the caller feeds text from whatever it reads (a Node stream, a fetch body) and the
// text deltas go straight to a callback, with no promise per token. The common chunk (one choice,
// a text delta, no finish reason) is read without JSON.parse; anything else is parsed in full.

import { APIError } from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { SseDataDecoder } from './sse-data-decoder.js';

/** What one chunk says, as far as an answer needs it. */
export interface ChunkFields {
  /** `choices[0].delta.content`: text, `null` or absent. */
  content: string | null | undefined;
  /** `choices[0].finish_reason`, when the chunk has one. */
  finishReason: string | null | undefined;
  /** The chunk's `usage` (the last chunk, with `stream_options.include_usage`). */
  usage: ChatCompletionChunk['usage'] | undefined;
}

/** Reads a streamed completion body; see the file comment. */
export class CompletionChunkReader {
  /** The last finish reason a chunk gave. */
  finishReason: string | undefined;
  /** The usage of the usage chunk. */
  usage: ChatCompletionChunk['usage'] | undefined;
  /** Whether the body said `data: [DONE]` (nothing after it is read). */
  sawDone = false;
  readonly #decoder = new SseDataDecoder();
  readonly #onText: (delta: string) => void;
  readonly #headers: () => Headers;
  readonly #onEvent = (event: string | undefined, data: string): boolean => {
    // The usual chunk first, without building its fields.
    if (event === undefined) {
      const content = readTextDelta(data);
      if (content !== undefined) {
        if (content) this.#onText(content);
        return false;
      }
    }
    if (data === '[DONE]') {
      this.sawDone = true;
      return true;
    }
    const chunk = readChunkFields(event, data, this.#headers);
    if (chunk.usage) this.usage = chunk.usage;
    if (typeof chunk.content === 'string' && chunk.content.length > 0) this.#onText(chunk.content);
    if (chunk.finishReason) this.finishReason = chunk.finishReason;
    return false;
  };

  /**
   * @param onText gets every non-empty text delta, in order, as soon as its chunk is read.
   * @param headers the response headers, for the `APIError` of an error payload.
   */
  constructor(onText: (delta: string) => void, headers: () => Headers) {
    this.#onText = onText;
    this.#headers = headers;
  }

  /**
   * Reads the next piece of the body. Throws a `SyntaxError` for a chunk that is not JSON and an
   * `APIError` (no status) for an `error` payload (vLLM's engine failure mid-answer), after the
   * text of the chunks before it went to `onText`. Does nothing once `[DONE]` was read.
   */
  feed(text: string): void {
    if (this.sawDone) return;
    // The usual read: exactly one whole `data:` event, LF-framed, with nothing left over from
    // the read before. It skips the line-by-line decoding (same result, see the tests).
    if (
      this.#decoder.idle &&
      text.startsWith('data: ') &&
      text.indexOf('\n') === text.length - 2 &&
      text.endsWith('\n\n') &&
      !text.includes('\r')
    ) {
      this.#onEvent(undefined, text.slice(6, -2));
      return;
    }
    this.#decoder.feedEach(text, this.#onEvent);
  }
}

/** The exact openings of a text-delta chunk's delta, as vLLM and OpenAI write them. */
const DELTA_CONTENT = '"delta":{"content":"';
const DELTA_ROLE_CONTENT = '"delta":{"role":"assistant","content":"';
/** vLLM's content-less delta, sent now and then between tokens. */
const DELTA_NULL = '"delta":{"content":null}';

/**
 * The fields of one chunk. The usual chunk — one choice whose delta is text, `finish_reason`
 * null, no usage, no error — is read by position (a JSON string is only parsed when it has an
 * escape); every other chunk goes through `JSON.parse`. Both ways give the same fields: a quote
 * inside a JSON string is always escaped, so the markers below cannot match inside the text.
 */
export function readChunkFields(
  event: string | undefined,
  data: string,
  headers: () => Headers,
): ChunkFields {
  if (event === undefined) {
    const content = readTextDelta(data);
    if (content !== undefined) return { content, finishReason: null, usage: undefined };
  }
  let chunk: Partial<ChatCompletionChunk> & { error?: unknown };
  try {
    chunk = JSON.parse(data);
  } catch {
    throw new SyntaxError('Error reading response: malformed server-sent event JSON.');
  }
  if (event === 'error') {
    throw new APIError(undefined, (chunk?.error ?? chunk) as object, undefined, headers());
  }
  if (chunk?.error) throw new APIError(undefined, chunk.error as object, undefined, headers());
  const choice = chunk?.choices?.[0];
  return {
    content: choice?.delta?.content,
    finishReason: choice?.finish_reason,
    usage: chunk?.usage ?? undefined,
  };
}

/**
 * The text of a usual text-delta chunk (`null` for a content-less one), or undefined when the
 * chunk is anything else.
 */
function readTextDelta(data: string): string | null | undefined {
  let at = data.indexOf(DELTA_CONTENT);
  let start = at + DELTA_CONTENT.length;
  if (at === -1) {
    const none = data.indexOf(DELTA_NULL);
    if (none !== -1) return isPlainRest(data, none + DELTA_NULL.length) ? null : undefined;
    at = data.indexOf(DELTA_ROLE_CONTENT);
    if (at === -1) return undefined;
    start = at + DELTA_ROLE_CONTENT.length;
  }
  // The closing quote: the first one not escaped (preceded by an even run of backslashes).
  let end = data.indexOf('"', start);
  while (end !== -1) {
    let slashes = 0;
    for (let i = end - 1; i >= start && data.charCodeAt(i) === 92; i--) slashes++;
    if (slashes % 2 === 0) break;
    end = data.indexOf('"', end + 1);
  }
  if (end === -1 || data.charCodeAt(end + 1) !== 125) return undefined; // `"}`: the delta ends
  if (!isPlainRest(data, end + 2)) return undefined;
  const raw = data.slice(start, end);
  return raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
}

/**
 * Whether what follows the delta (from `from` on) says one choice, still going, and nothing else
 * to read (no second choice, no usage, no error anywhere): anything more is parsed in full.
 */
function isPlainRest(data: string, from: number): boolean {
  if (
    !data.startsWith(',"logprobs":null,"finish_reason":null', from) &&
    !data.startsWith(',"finish_reason":null', from)
  ) {
    return false;
  }
  if (data.indexOf('"content"', from) !== -1 || data.indexOf('"error"', from) !== -1) return false;
  const usage = data.indexOf('"usage":', from);
  if (usage !== -1 && !data.startsWith('"usage":null', usage)) return false;
  // Before the delta (a quote inside the text is escaped, so the text cannot hold it).
  return data.lastIndexOf('"error"', from) === -1;
}
