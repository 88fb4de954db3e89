// The SSE byte decoder: fetch-event-source's pure parser (lines, then fields), fed chunk by chunk.
//
// Why only the parser and not `fetchEventSource()`: its loop touches `window` and `document`
// (`window.setTimeout`, `document.removeEventListener` in every dispose, even with
// `openWhenHidden: true`), so it throws in Node 22 without global patching; it re-sends on
// visibility changes unless told not to; it records `Last-Event-ID` when the `id:` line is parsed
// rather than when the event is dispatched, so a drop between the two resumes past an event that
// was never delivered; it treats a stream that ends without a terminal event as success; and it
// hides the per-request AbortController a watchdog needs. The parser has none of these traps: it
// splits lines on bytes (so a multi-byte character split across chunks is decoded whole), handles
// CR, LF and CRLF (also a CRLF split across chunks) and drops `:` comment lines (the `: ping`
// heartbeats). `create-chat-client.ts` owns the loop around it. Importing the module directly
// keeps `fetchEventSource` itself out of the bundle.

import {
  type EventSourceMessage,
  getLines,
  getMessages,
} from '@microsoft/fetch-event-source/lib/esm/parse.js';

export type { EventSourceMessage };

/**
 * Returns a function to call with each body chunk; it calls `onMessage` once per complete event
 * (a block ended by a blank line), in order. An unfinished event at the end of the stream is
 * never delivered. `message.id` is the event's own `id:` (empty when it had none).
 */
export function createSseDecoder(
  onMessage: (message: EventSourceMessage) => void,
): (chunk: Uint8Array) => void {
  // The id and retry callbacks fire while a block is still being read; the message carries both
  // when it is dispatched, which is the only moment they may take effect.
  const ignore = () => {};
  return getLines(getMessages(ignore, ignore, onMessage));
}
