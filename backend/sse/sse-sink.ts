// The SSE edge: writes a run's events to one HTTP response with the headers of DESIGN.md §2,
// flushes through compression, respects backpressure, and never writes to a closed socket.

import type { Response } from 'express';
import type { ChatEvent, TerminalEvent } from '../../sdk/protocol.js';
import { PROTOCOL_HEADER, PROTOCOL_VERSION } from '../../sdk/protocol.js';
import type { ChatError } from '../errors.js';
import { sendError } from '../http/send-error.js';
import type { ChatRun, RunSink } from '../runs/chat-run.js';
import { formatEventId } from '../runs/event-id.js';
import { formatSseComment, formatSseEvent, formatSseRetry } from './format-sse-event.js';
import type { HeartbeatHub, Pingable } from './heartbeat-hub.js';

/** Response headers of every stream. */
export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  // no-transform: proxies must not buffer or recompress the stream.
  'Cache-Control': 'no-cache, no-transform',
  // nginx buffers proxied responses unless told not to (the seed's "proxies buffering").
  'X-Accel-Buffering': 'no',
  [PROTOCOL_HEADER]: String(PROTOCOL_VERSION),
};

const PING = formatSseComment('ping');

/** Options of {@link SseSink}. */
export interface SseSinkOptions {
  /** The `retry:` hint in milliseconds. */
  retryHintMs: number;
  hub: HeartbeatHub;
}

/** A {@link RunSink} that streams to one SSE response. */
export class SseSink implements RunSink, Pingable {
  readonly #res: Response;
  readonly #options: SseSinkOptions;
  #runId = '';

  constructor(res: Response, options: SseSinkOptions) {
    this.#res = res;
    this.#options = options;
  }

  get ready(): boolean {
    return !this.#res.writableNeedDrain;
  }

  open(run: ChatRun): void {
    this.#runId = run.id;
    if (this.#closed) return;
    this.#res.writeHead(200, SSE_HEADERS);
    this.#write(formatSseRetry(this.#options.retryHintMs));
    this.#options.hub.add(this);
  }

  send(event: ChatEvent, seq: number): void {
    this.#write(
      formatSseEvent({ id: formatEventId(this.#runId, seq), data: JSON.stringify(event) }),
    );
  }

  end(event: TerminalEvent, seq: number): void {
    this.send(event, seq);
    this.#options.hub.delete(this);
    if (!this.#closed) this.#res.end();
  }

  fail(error: ChatError): void {
    this.#options.hub.delete(this);
    if (!this.#closed) sendError(this.#res, error);
  }

  ping(): void {
    this.#write(PING);
  }

  /** Stops pinging (the client went away). */
  close(): void {
    this.#options.hub.delete(this);
  }

  get #closed(): boolean {
    return this.#res.writableEnded || this.#res.destroyed;
  }

  #write(text: string): void {
    if (this.#closed) return;
    this.#res.write(text);
    // With compression on, zlib holds output until flushed: flush each event so tokens still
    // arrive progressively.
    (this.#res as Response & { flush?: () => void }).flush?.();
  }
}
