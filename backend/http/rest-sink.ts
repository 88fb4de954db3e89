// The REST edge (`POST /chat`): waits for the run to end and answers with the whole message, or
// with the error status of how it failed.

import type { Response } from 'express';
import type { ChatEvent, ChatResponse, TerminalEvent } from '../../sdk/protocol.js';
import { type ChatError, fromErrorDetail } from '../errors.js';
import type { RunFeed, RunSink } from '../runs/chat-run.js';
import { sendError } from './send-error.js';

/** A {@link RunSink} that answers `POST /chat` once the run ends. */
export class RestSink implements RunSink {
  readonly ready = true;
  readonly #res: Response;
  #run: RunFeed | undefined;
  /** The answer, from the token events (a run of another instance has no text here). */
  #text = '';

  constructor(res: Response) {
    this.#res = res;
  }

  open(run: RunFeed): void {
    this.#run = run;
  }

  send(event: ChatEvent): void {
    // Gathered; the whole answer goes out at the end.
    if (event.type === 'token') this.#text += event.content;
  }

  end(event: TerminalEvent): void {
    const run = this.#run;
    if (!run || this.#res.headersSent || this.#res.destroyed) return;
    if (event.type === 'error') {
      sendError(this.#res, fromErrorDetail(event.error));
      return;
    }
    const { metadata } = event;
    const body: ChatResponse = {
      conversationId: metadata.conversationId,
      message: {
        id: metadata.messageId,
        role: 'assistant',
        content: this.#text,
        status: metadata.status,
        createdAt: run.createdAt,
        model: metadata.model,
        finishReason: metadata.finishReason,
        usage: metadata.usage,
      },
      metadata: {
        model: metadata.model,
        finishReason: metadata.finishReason,
        usage: metadata.usage,
      },
    };
    if (metadata.sqlCheck) {
      body.message.sqlCheck = metadata.sqlCheck;
      body.metadata.sqlCheck = metadata.sqlCheck;
    }
    this.#res.setHeader('Cache-Control', 'no-store');
    this.#res.status(200).json(body);
  }

  drop(error: ChatError): void {
    this.fail(error);
  }

  fail(error: ChatError): void {
    if (!this.#res.destroyed) sendError(this.#res, error);
  }
}
