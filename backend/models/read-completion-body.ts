// Feeds a streamed `/chat/completions` body to a CompletionChunkReader as it arrives: a Node
// response from our transport (straight from its `data` events) or a fetch Response from a
// caller's `openai` client. Each resolves once the body ended or said `[DONE]`.

import type { IncomingMessage } from 'node:http';
import type { CompletionChunkReader } from './completion-chunk-reader.js';

/**
 * Reads a Node response body (already `setEncoding('utf8')`). Rejects with what the reader
 * throws, with the stream's error, or with an `ECONNRESET` error when the body closes before its
 * end without one (a reset socket).
 */
export function readNodeBody(body: IncomingMessage, reader: CompletionChunkReader): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const settle = (error?: unknown) => {
      if (settled) return;
      settled = true;
      body.off('data', onData);
      body.off('end', onEnd);
      body.off('close', onClose);
      // The error listener stays: an error after the end (the socket reset while the bytes after
      // [DONE] drain, an abort) must not become an unhandled 'error' event.
      if (error === undefined) resolve();
      else reject(error);
    };
    const onData = (text: string) => {
      try {
        reader.feed(text);
      } catch (error) {
        settle(error);
        return;
      }
      if (reader.sawDone) settle();
    };
    const onEnd = () => settle();
    const onError = (error: Error) => settle(error);
    const onClose = () =>
      settle(
        Object.assign(new Error('upstream response closed before its end'), {
          code: 'ECONNRESET',
        }),
      );
    body.on('data', onData);
    body.on('end', onEnd);
    body.on('error', onError);
    body.on('close', onClose);
  });
}

/** Reads a fetch Response body, decoded as UTF-8 across chunk boundaries. */
export async function readWebBody(
  response: Response,
  reader: CompletionChunkReader,
): Promise<void> {
  if (!response.body) return;
  const decoder = new TextDecoder();
  for await (const bytes of response.body as unknown as AsyncIterable<Uint8Array>) {
    const text = decoder.decode(bytes, { stream: true });
    if (text) reader.feed(text);
    if (reader.sawDone) return;
  }
  const rest = decoder.decode();
  if (rest) reader.feed(rest);
}
