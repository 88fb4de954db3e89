// An upstream's streamed `/chat/completions` body, read in two plain steps, the way
// fetch-event-source composes getBytes → getLines → getMessages: the body (a Node stream from our
// transport, or a fetch Response from a caller's `openai` client) becomes one AsyncIterable of
// text, and that text becomes the parsed chunks up to `[DONE]`.

import type { IncomingMessage } from 'node:http';
import { APIError } from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { NodeTextQueue } from './node-text-queue.js';
import { SseDataDecoder } from './sse-data-decoder.js';

/** The text of a Node response body (already `setEncoding('utf8')`), chunk by chunk. */
export async function* readNodeText(body: IncomingMessage): AsyncGenerator<string> {
  const queue = new NodeTextQueue(body);
  for (;;) {
    const text = queue.shift();
    if (text !== undefined) yield text;
    else if (queue.done) return;
    else await queue.wait();
  }
}

/** The text of a fetch Response body, decoded as UTF-8 across chunk boundaries. */
export async function* readWebText(response: Response): AsyncGenerator<string> {
  if (!response.body) return;
  const decoder = new TextDecoder();
  for await (const bytes of response.body as unknown as AsyncIterable<Uint8Array>) {
    const text = decoder.decode(bytes, { stream: true });
    if (text) yield text;
  }
  const rest = decoder.decode();
  if (rest) yield rest;
}

/** Set by {@link readCompletionChunks} once the body said `data: [DONE]`. */
export interface StreamEnd {
  sawDone: boolean;
}

/**
 * The chunks of a streamed completion, in order, up to `data: [DONE]` (which sets `end.sawDone`).
 * A chunk that is not JSON is a `SyntaxError`; an `error` payload (vLLM's engine failure
 * mid-answer) is an `APIError` without status, as the openai client reports it.
 */
export async function* readCompletionChunks(
  texts: AsyncIterable<string>,
  headers: () => Headers,
  end: StreamEnd,
): AsyncGenerator<Partial<ChatCompletionChunk>> {
  const decoder = new SseDataDecoder();
  for await (const text of texts) {
    for (const message of decoder.feed(text)) {
      if (message.data === '[DONE]') {
        end.sawDone = true;
        return;
      }
      yield parseChunk(message.event, message.data, headers);
    }
  }
}

function parseChunk(
  event: string | undefined,
  data: string,
  headers: () => Headers,
): Partial<ChatCompletionChunk> {
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
  return chunk ?? {};
}
