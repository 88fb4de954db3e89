// The REST edge (`POST /chat`): waits for the run to end and answers with the whole message, or
// with the error status of how it failed.

import type { Response } from 'express';
import type {
  ChatEvent,
  ChatMessage,
  ChatResponse,
  CompleteMetadata,
  TerminalEvent,
} from '../../sdk/protocol.js';
import { ChatError, fromErrorDetail } from '../errors.js';
import type { RunFeed, RunSink } from '../runs/chat-run.js';
import { sendError } from './send-error.js';

/** Options of {@link RestSink}. */
export interface RestSinkOptions {
  /**
   * Reads the stored answer, for a Continue: its whole text (the tokens carry only what the
   * Continue added), its own time and usage. Defaults to none (a Continue's answer then fails
   * with `STORAGE_ERROR`).
   */
  readAnswer?: (messageId: string) => Promise<ChatMessage | undefined>;
}

/** A {@link RunSink} that answers `POST /chat` once the run ends. */
export class RestSink implements RunSink {
  readonly ready = true;
  readonly #res: Response;
  readonly #readAnswer: RestSinkOptions['readAnswer'];
  #run: RunFeed | undefined;
  /** The answer, from the token events (a run of another instance has no text here). */
  #text = '';

  constructor(res: Response, options: RestSinkOptions = {}) {
    this.#res = res;
    this.#readAnswer = options.readAnswer;
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
    const message: ChatMessage = {
      id: metadata.messageId,
      role: 'assistant',
      content: this.#text,
      status: metadata.status,
      createdAt: run.createdAt,
      model: metadata.model,
      finishReason: metadata.finishReason,
      usage: metadata.usage,
    };
    if (metadata.sqlCheck) message.sqlCheck = metadata.sqlCheck;
    if (metadata.continuedFrom === undefined) {
      this.#answer(metadata, message);
      return;
    }
    // A Continue: the message as stored (saved before the terminal event went out).
    void (this.#readAnswer?.(metadata.messageId) ?? Promise.resolve(undefined)).then(
      (stored) => {
        if (stored) this.#answer(metadata, { ...stored, status: metadata.status });
        else this.fail(unreadable());
      },
      () => this.fail(unreadable()),
    );
  }

  drop(error: ChatError): void {
    this.fail(error);
  }

  fail(error: ChatError): void {
    if (!this.#res.destroyed && !this.#res.headersSent) sendError(this.#res, error);
  }

  #answer(metadata: CompleteMetadata, message: ChatMessage): void {
    if (this.#res.headersSent || this.#res.destroyed) return;
    const body: ChatResponse = {
      conversationId: metadata.conversationId,
      message,
      metadata: {
        model: metadata.model,
        finishReason: metadata.finishReason,
        usage: metadata.usage,
      },
    };
    if (metadata.continuedFrom !== undefined) body.metadata.continuedFrom = metadata.continuedFrom;
    if (metadata.quota) body.metadata.quota = metadata.quota;
    if (metadata.sqlCheck) body.metadata.sqlCheck = metadata.sqlCheck;
    this.#res.setHeader('Cache-Control', 'no-store');
    this.#res.status(200).json(body);
  }
}

function unreadable(): ChatError {
  return new ChatError('STORAGE_ERROR', 'The answer could not be read back; send it again.', {
    retryable: true,
    retryAfter: 1,
  });
}
