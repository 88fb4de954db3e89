// The SSE edge: writes a run's events to one HTTP response with the headers of docs/protocol.md (Headers),
// flushes through compression, respects backpressure, and never writes to a closed socket.

import { OutgoingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { constants, createGzip, type Gzip } from 'node:zlib';
import type { Response } from 'express';
import type { ChatEvent, TerminalEvent } from '../../sdk/protocol.js';
import { PROTOCOL_HEADER, PROTOCOL_VERSION } from '../../sdk/protocol.js';
import { markTurnStep } from '../diagnostics/turn-steps.js';
import type { ChatError } from '../errors.js';
import { sendError } from '../http/send-error.js';
import type { RunFeed, RunSink } from '../runs/chat-run.js';
import { formatEventId } from '../runs/event-id.js';
import type { SharedInterval } from '../timers/shared-interval.js';
import {
  formatEventIdPrefix,
  formatSseComment,
  formatSseEvent,
  formatSseRetry,
  formatTokenEvent,
} from './format-sse-event.js';

/** Response headers of every stream. */
export const SSE_HEADERS: Readonly<Record<string, string>> = {
  'Content-Type': 'text/event-stream; charset=utf-8',
  // no-transform: proxies must not buffer or recompress the stream.
  'Cache-Control': 'no-cache, no-transform',
  // nginx buffers proxied responses unless told not to (docs/protocol.md, Headers).
  'X-Accel-Buffering': 'no',
  [PROTOCOL_HEADER]: String(PROTOCOL_VERSION),
};

const PING = formatSseComment('ping');

/** Options of {@link SseSink}. */
export interface SseSinkOptions {
  /** The `retry:` hint in milliseconds. */
  retryHintMs: number;
  /** The keep-alive interval every open stream shares. */
  heartbeat: SharedInterval;
  /** gzip the stream (the client accepts it and the router's `compression` is on). */
  gzip: boolean;
  /** The turn on the turn-step diagnostics channel (`first-token-sent`). Defaults to none. */
  trace?: object;
}

/**
 * A small deflate window: SSE frames repeat a short prefix, so 4 KB of history compresses them
 * about as well as 32 KB, at ~32 KB of zlib memory per stream instead of ~256 KB.
 */
const GZIP_OPTIONS = { level: 6, windowBits: 12, memLevel: 5 } as const;

/** A {@link RunSink} that streams to one SSE response. */
export class SseSink implements RunSink {
  readonly #res: Response;
  readonly #options: SseSinkOptions;
  #runId = '';
  /** `id: <runId>:`, checked once per stream (token events are framed without re-checking). */
  #idPrefix = '';
  /**
   * Own gzip rather than the `compression` middleware: that one (rightly, for proxies) skips
   * responses marked `Cache-Control: no-transform`, which every stream must carry.
   */
  #gzip: Gzip | undefined;
  #onDrain: (() => void) | undefined;
  /**
   * The connection, when events are written to it directly (see {@link writesDirectly}); and
   * whether they then need HTTP/1.1 chunk framing of their own.
   */
  #socket: Socket | undefined;
  #chunked = false;
  /** The turn on the turn-step channel until its first token is written. */
  #trace: object | undefined;

  constructor(res: Response, options: SseSinkOptions) {
    this.#res = res;
    this.#options = options;
    this.#trace = options.trace;
  }

  /** Calls `listener` whenever the client can take more after backpressure. */
  onDrain(listener: () => void): void {
    this.#onDrain = listener;
    this.#res.on('drain', listener);
    this.#socket?.on('drain', listener);
  }

  get ready(): boolean {
    if (this.#socket) return !this.#socket.writableNeedDrain;
    return !this.#res.writableNeedDrain && !this.#gzip?.writableNeedDrain;
  }

  open(run: RunFeed): void {
    this.#runId = run.id;
    this.#idPrefix = formatEventIdPrefix(run.id);
    if (this.#closed) return;
    if (this.#options.gzip) {
      this.#res.writeHead(200, {
        ...SSE_HEADERS,
        'Content-Encoding': 'gzip',
        Vary: 'Accept-Encoding',
      });
      this.#gzip = createGzip(GZIP_OPTIONS);
      this.#gzip.on('drain', () => this.#onDrain?.());
      this.#gzip.pipe(this.#res);
    } else {
      this.#res.writeHead(200, SSE_HEADERS);
      if (writesDirectly(this.#res)) {
        const socket = this.#res.socket as Socket;
        // Headers, the retry hint and the first event leave in one write, at the end of this turn.
        socket.cork();
        process.nextTick(() => socket.uncork());
        this.#res.flushHeaders();
        this.#socket = socket;
        this.#chunked = this.#res.chunkedEncoding;
        if (this.#onDrain) this.#socket.on('drain', this.#onDrain);
      }
    }
    this.#write(formatSseRetry(this.#options.retryHintMs));
    this.#options.heartbeat.add(this.#ping);
  }

  send(event: ChatEvent, seq: number): void {
    if (event.type !== 'token') {
      this.#write(
        formatSseEvent({ id: formatEventId(this.#runId, seq), data: JSON.stringify(event) }),
      );
      return;
    }
    this.#write(formatTokenEvent(this.#idPrefix, seq, event.content));
    if (this.#trace !== undefined) {
      markTurnStep(this.#trace, 'first-token-sent');
      this.#trace = undefined;
    }
  }

  end(event: TerminalEvent, seq: number): void {
    this.send(event, seq);
    this.#options.heartbeat.delete(this.#ping);
    this.#release();
    if (this.#closed) return;
    if (this.#gzip) this.#gzip.end();
    else this.#res.end();
  }

  fail(error: ChatError): void {
    this.#options.heartbeat.delete(this.#ping);
    this.#release();
    if (!this.#closed) sendError(this.#res, error);
  }

  drop(): void {
    this.#options.heartbeat.delete(this.#ping);
    this.#release();
    if (this.#closed) return;
    if (this.#gzip) this.#gzip.end();
    else this.#res.end();
  }

  readonly #ping = (): void => {
    this.#write(PING);
  };

  /** Stops pinging and releases the compressor (the client went away). */
  close(): void {
    this.#options.heartbeat.delete(this.#ping);
    this.#release();
    this.#gzip?.destroy();
  }

  /** Back to the response's own write path (its end writes the last chunk), keep-alive intact. */
  #release(): void {
    if (this.#socket && this.#onDrain) this.#socket.off('drain', this.#onDrain);
    this.#socket = undefined;
  }

  get #closed(): boolean {
    return this.#res.writableEnded || this.#res.destroyed;
  }

  #write(text: string): void {
    if (this.#closed) return;
    const socket = this.#socket;
    if (socket) {
      if (socket.destroyed) return;
      socket.write(this.#chunked ? `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n` : text);
      return;
    }
    if (!this.#gzip) {
      this.#res.write(text);
      return;
    }
    // zlib holds output until flushed: a sync flush per event keeps tokens progressive.
    this.#gzip.write(text);
    this.#gzip.flush(constants.Z_SYNC_FLUSH);
  }
}

/**
 * Whether a stream's events can be written to its connection directly, framed here, rather than
 * through `res.write`: the response owns the connection now (not a pipelined one waiting its
 * turn) and nothing replaced its `write` (a host middleware that rewrites or counts the body
 * gets every byte through it). Per event this skips the response's own write path: an Express
 * app gives every response an object shape of its own, so each of the many property reads of
 * that path is a slow megamorphic lookup (per event, that path cost more than the write itself:
 * bench S1).
 */
function writesDirectly(res: Response): boolean {
  return (
    res.socket !== null &&
    res.socket !== undefined &&
    !res.socket.destroyed &&
    res.write === OutgoingMessage.prototype.write &&
    res.end === OutgoingMessage.prototype.end
  );
}
