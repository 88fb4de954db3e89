// Running one turn: asks the client for the answer (streamed, or whole over REST), writes its
// text into the assistant message once per frame, and stops it (telling the server) or drops it.
// Whether to fall back to REST is the client's decision; this only notes that it did.

import type { ChatClient, ChatStream, ChatTurnResult } from '../sdk/chat-client.js';
import { chatResponseToTurnResult } from '../sdk/chat-response-to-events.js';
import type { ChatEvent, ChatRequest } from '../sdk/protocol.js';
import { FrameBatcher, type ScheduleFrame } from './frame-batcher.js';
import type { ViewMessage } from './view-message.js';

/** How a turn ended for its element. */
export type TurnEnd =
  /** The answer arrived (its text is not yet on the message: the element puts it there). */
  | { type: 'complete'; result: ChatTurnResult }
  /** The turn failed; the text so far stays on the message. */
  | { type: 'failed'; error: unknown }
  /**
   * The turn was stopped; `result` is the server's word on the stopped answer (its id, model and
   * usage) when it came within `stopWaitMs`.
   */
  | { type: 'stopped'; result: ChatTurnResult | undefined }
  /** The turn was dropped. */
  | { type: 'dropped' };

/** Options of {@link TurnRunner}. */
export interface TurnRunnerOptions {
  client: ChatClient;
  request: ChatRequest;
  idempotencyKey: string;
  /** `sse` streams the answer; `rest` asks `POST /chat` for it whole. */
  transport: 'sse' | 'rest';
  /** The message the answer is written into. */
  assistant: ViewMessage;
  /**
   * How long a stop waits for the server's answer (the stopped answer's details, and for a new
   * conversation first its id, so the server can be told to stop) before closing the connection.
   */
  stopWaitMs: number;
  /** Frame scheduler of token batching. Defaults to `requestAnimationFrame`. */
  scheduleFrame?: ScheduleFrame;
  /** Cancels a scheduled frame. Defaults to `cancelAnimationFrame`. */
  cancelFrame?: (handle: number) => void;
  /** New text is on the assistant message (at most once per frame). */
  onText: () => void;
  /** The server named the turn's conversation (also after a stop: its question is stored there). */
  onConversationId: (conversationId: string) => void;
  /** A stop reached the server: the partial answer is saved. */
  onStopSaved: () => void;
}

/** One turn: {@link start} sends it, and its promise says how it ended. */
export class TurnRunner {
  readonly request: ChatRequest;
  readonly idempotencyKey: string;
  readonly transport: 'sse' | 'rest';
  readonly assistant: ViewMessage;
  /** The turn's conversation, once known. */
  conversationId: string | undefined;
  /** Whether the client fell back to `POST /chat`. */
  fellBack = false;
  /** Whether the turn was stopped or dropped: nothing more is written. */
  stopped = false;
  readonly #options: TurnRunnerOptions;
  readonly #abort = new AbortController();
  readonly #batcher: FrameBatcher;
  #dropped = false;
  #stream: ChatStream | undefined;
  #stopTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: TurnRunnerOptions) {
    this.#options = options;
    this.request = options.request;
    this.idempotencyKey = options.idempotencyKey;
    this.transport = options.transport;
    this.assistant = options.assistant;
    this.conversationId = options.request.conversationId;
    this.#batcher = new FrameBatcher(
      (text) => this.#appendText(text),
      options.scheduleFrame,
      options.cancelFrame,
    );
  }

  /** Sends the turn. Settles (never rejects) once the client call has ended. */
  start(): Promise<TurnEnd> {
    return this.#run();
  }

  /**
   * Stops the answer: the text so far stays, marked stopped, and the server is told to stop (a
   * new conversation once the stream names it). The connection stays open, at most `stopWaitMs`,
   * for the server's last word on the stopped answer: its `complete` event (or REST answer)
   * carries the message id, model and usage.
   */
  stop(): void {
    if (this.stopped) return;
    this.#batcher.flush();
    this.stopped = true;
    this.assistant.status = 'stopped';
    if (!this.conversationId && this.transport === 'rest') {
      // No id to stop by: the server finishes the answer, unwatched, or ends it after its grace.
      this.#abort.abort();
      return;
    }
    this.#stopTimer = setTimeout(() => {
      this.#stream?.abort();
      this.#abort.abort();
    }, this.#options.stopWaitMs);
    // A new conversation has no id until the stream's first event, which tells the server then.
    if (this.conversationId) this.#stopOnServer();
  }

  /** Drops the turn without stopping it on the server (the element moved on or was removed). */
  drop(): void {
    this.#batcher.clear();
    if (this.assistant.status === 'pending' || this.assistant.status === 'streaming') {
      this.assistant.status = 'interrupted';
    }
    this.stopped = true;
    this.#dropped = true;
    clearTimeout(this.#stopTimer);
    this.#stream?.abort();
    this.#abort.abort();
  }

  async #run(): Promise<TurnEnd> {
    try {
      const result = this.transport === 'rest' ? await this.#sendRest() : await this.#sendStream();
      if (this.#dropped) return { type: 'dropped' };
      if (this.stopped) return { type: 'stopped', result };
      this.#batcher.flush();
      return { type: 'complete', result };
    } catch (error) {
      if (this.#dropped) return { type: 'dropped' };
      if (this.stopped) return { type: 'stopped', result: undefined };
      this.#batcher.flush();
      return { type: 'failed', error };
    } finally {
      clearTimeout(this.#stopTimer);
    }
  }

  #sendStream(): Promise<ChatTurnResult> {
    const stream = this.#options.client.stream(this.request, {
      idempotencyKey: this.idempotencyKey,
      signal: this.#abort.signal,
      onEvent: (event) => this.#onEvent(event),
      onFallback: () => {
        this.fellBack = true;
      },
    });
    this.#stream = stream;
    return stream.result;
  }

  async #sendRest(): Promise<ChatTurnResult> {
    const response = await this.#options.client.send(this.request, {
      idempotencyKey: this.idempotencyKey,
      signal: this.#abort.signal,
    });
    return chatResponseToTurnResult(response);
  }

  #onEvent(event: ChatEvent): void {
    if (this.#dropped) return;
    if (event.type === 'conversationId') {
      this.conversationId = event.conversationId;
      this.#options.onConversationId(event.conversationId);
      if (this.stopped) this.#stopOnServer();
      return;
    }
    if (event.type === 'token' && !this.stopped) this.#batcher.push(event.content);
  }

  #appendText(text: string): void {
    if (this.stopped) return;
    this.assistant.content += text;
    this.assistant.status = 'streaming';
    this.#options.onText();
  }

  #stopOnServer(): void {
    const id = this.conversationId;
    if (!id) return;
    // Best effort: the partial answer is already kept on screen; the server saves it as `stopped`
    // and ends the turn's stream (or REST answer) with it.
    this.#options.client
      .stop(id)
      .then(() => this.#options.onStopSaved())
      .catch(() => undefined);
  }
}
