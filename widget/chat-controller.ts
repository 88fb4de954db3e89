// The state of one <schema-chat> — messages, the running turn, errors, history and the remembered
// conversation — as a Lit ReactiveController, so that the element stays a thin view.

import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ChatClient, ChatStream, ChatTurnResult } from '../sdk/chat-client.js';
import { chatResponseToTurnResult } from '../sdk/chat-response-to-events.js';
import { createUuid } from '../sdk/create-uuid.js';
import type { ChatEvent, ChatMessage, ChatRequest } from '../sdk/protocol.js';
import {
  type ConversationMemory,
  conversationStorageKey,
  createConversationMemory,
  readJwtSubject,
} from './conversation-memory.js';
import { announceConversation, onConversationAnnounced } from './conversation-sync.js';
import { describeChatError } from './describe-chat-error.js';
import { SchemaChatConversationChangeEvent } from './events/schema-chat-conversation-change-event.js';
import {
  type SchemaChatErrorDetail,
  SchemaChatErrorEvent,
} from './events/schema-chat-error-event.js';
import { SchemaChatResponseEvent } from './events/schema-chat-response-event.js';
import { SchemaChatSendEvent } from './events/schema-chat-send-event.js';
import { FrameBatcher, type ScheduleFrame } from './frame-batcher.js';
import type { SchemaChatStrings } from './schema-chat-strings.js';

/** How a message is shown: `pending` before the first token, `streaming` while tokens arrive. */
export type ViewMessageStatus =
  | 'pending'
  | 'streaming'
  | 'complete'
  | 'stopped'
  | 'interrupted'
  | 'failed';

/** A message as the element shows it. */
export interface ViewMessage {
  /** Local key (stable while the message lives). */
  readonly id: string;
  readonly role: 'user' | 'assistant';
  content: string;
  status: ViewMessageStatus;
}

/** `loading` history, `waiting` for the first token, `streaming` tokens, or `idle`. */
export type ChatPhase = 'idle' | 'loading' | 'waiting' | 'streaming';

/** What the controller reads from its host whenever it starts something. */
export interface ChatControllerConfig {
  client: ChatClient | undefined;
  projectId: string | undefined;
  /** Where the API lives; part of the key the conversation is remembered under. */
  apiUrl: string | undefined;
  /** The JWT, if the host set one: its `sub` keys the remembered conversation. */
  token: string | undefined;
  /** Asked for a JWT when no `token` is set, only to learn the user's `sub`. */
  getToken: (() => string | Promise<string>) | undefined;
  /** A conversation the host asked for (`conversation-id`); wins over the remembered one. */
  conversationId: string | undefined;
  transport: 'sse' | 'rest';
  strings: SchemaChatStrings;
}

/** Options of {@link ChatController}. */
export interface ChatControllerOptions {
  /** Reads the host's current configuration. */
  getConfig: () => ChatControllerConfig;
  /** Where conversation ids are remembered. Defaults to `localStorage` (in memory when unavailable). */
  memory?: ConversationMemory;
  /** Frame scheduler of token batching. Defaults to `requestAnimationFrame`. */
  scheduleFrame?: ScheduleFrame;
  /** Cancels a scheduled frame. Defaults to `cancelAnimationFrame`. */
  cancelFrame?: (handle: number) => void;
  /** Called with the new id before `schema-chat-conversation-change` fires. Defaults to none. */
  onConversationChange?: (conversationId: string | undefined) => void;
  /** How long a stop waits for the server to name a new conversation before dropping the stream. Defaults to 10000. */
  stopWaitMs?: number;
}

/** One turn in flight. */
interface Turn {
  readonly message: string;
  readonly idempotencyKey: string;
  readonly assistant: ViewMessage;
  readonly abort: AbortController;
  /** How the answer was requested. */
  readonly transport: 'sse' | 'rest';
  /** Whether the client fell back to `POST /chat` (the stopped answer says so). */
  fellBack: boolean;
  readonly client: ChatClient;
  readonly epoch: number;
  conversationId: string | undefined;
  stream?: ChatStream;
  stopped: boolean;
  stopTimer?: ReturnType<typeof setTimeout>;
}

/**
 * Holds and drives the chat of one element: sends turns (SSE or REST; the client decides on a
 * REST fallback, this only shows the notice), batches
 * tokens per frame, stops, retries, loads history, remembers the conversation, and fires the
 * element's events on its host.
 */
export class ChatController implements ReactiveController {
  /** The conversation shown, oldest first. */
  messages: ViewMessage[] = [];
  /** What the chat is doing now. */
  phase: ChatPhase = 'idle';
  /** The error on display, if any. */
  error: SchemaChatErrorDetail | undefined;
  /**
   * Whole seconds left before the error on display may be retried (a 429's `Retry-After`, counted
   * down once a second); 0 when a retry may go now.
   */
  retryWait = 0;
  #retryTimer: ReturnType<typeof setInterval> | undefined;
  /** Cursor of the page before the oldest message shown; `undefined` when that is the first. */
  olderCursor: string | undefined;
  /** Whether an older page is being loaded. */
  loadingOlder = false;
  #olderAbort: AbortController | undefined;
  /** A transient note (REST fallback happened). */
  notice: string | undefined;
  /** The conversation shown; `undefined` until the server names a new one. */
  conversationId: string | undefined;

  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #options: ChatControllerOptions;
  readonly #memory: ConversationMemory;
  readonly #batcher: FrameBatcher;
  #turn: Turn | undefined;
  #failed: { message: string; idempotencyKey: string; assistant: ViewMessage } | undefined;
  #historyAbort: AbortController | undefined;
  #storageKey: Promise<string | undefined> | undefined;
  #epoch = 0;
  #running: Promise<void> = Promise.resolve();
  /** The id remembered for this user and project when this widget last read or wrote it. */
  #recalledId: string | undefined;
  #unsubscribe: (() => void) | undefined;

  constructor(host: ReactiveControllerHost & HTMLElement, options: ChatControllerOptions) {
    this.#host = host;
    this.#options = options;
    this.#memory = options.memory ?? createConversationMemory();
    this.#batcher = new FrameBatcher(
      (text) => this.#appendText(text),
      options.scheduleFrame,
      options.cancelFrame,
    );
    host.addController(this);
  }

  /** Whether an answer is being requested or written. */
  get streaming(): boolean {
    return this.phase === 'waiting' || this.phase === 'streaming';
  }

  /** Whether the error on display has something to retry (a failed turn or history load). */
  get canRetry(): boolean {
    return this.error?.operation === 'history' || this.#failed !== undefined;
  }

  /** Settles when the current turn or history load has ended. */
  settled(): Promise<void> {
    return this.#running;
  }

  hostConnected(): void {
    this.#unsubscribe ??= onConversationAnnounced((announcement) => {
      if (announcement.source !== this) void this.#follow(announcement.key);
    });
  }

  hostDisconnected(): void {
    // Moving the element in the DOM disconnects and reconnects it synchronously; only a real removal
    // closes the connection (the server keeps the generation for its grace period).
    queueMicrotask(() => {
      if (this.#host.isConnected) return;
      this.#abortAll();
      this.#unsubscribe?.();
      this.#unsubscribe = undefined;
    });
  }

  /**
   * Starts over for the host's current configuration: clears the view, then shows the
   * conversation the host named, or the one remembered for this user and project, with its history.
   */
  load(): Promise<void> {
    const previous = this.conversationId;
    this.#abortAll();
    const epoch = this.#switchTo(undefined);
    this.#storageKey = undefined;
    const config = this.#config();
    this.#update();
    if (!config.client || !config.projectId) return Promise.resolve();
    this.#running = (async () => {
      const explicit = config.conversationId;
      const key = await this.#key();
      // Finding the user may take a while (getToken, a client's currentToken): a turn the user
      // started meanwhile decides the conversation.
      if (epoch !== this.#epoch || this.#turn) return;
      this.#recalledId = key ? this.#memory.recall(key) : undefined;
      const id = explicit || this.#recalledId;
      this.conversationId = id;
      if (id !== previous) this.#dispatchConversationChange(id, previous);
      if (id) await this.#loadHistory(epoch, !explicit);
    })();
    return this.#running;
  }

  /**
   * Sends `text` as the next turn. Returns false without sending when it is blank, a turn or
   * history load is running, the element is not configured (shown as an error), or a
   * `schema-chat-send` listener cancelled it.
   */
  send(text: string): boolean {
    const message = text.trim();
    if (!message || this.phase !== 'idle') return false;
    const config = this.#config();
    if (!config.client || !config.projectId) {
      this.#failed = undefined;
      this.#showError(
        describeChatError(
          { code: 'NOT_CONFIGURED', status: 0, retryable: false },
          'send',
          config.strings,
        ),
      );
      return false;
    }
    const event = new SchemaChatSendEvent({
      message,
      projectId: config.projectId,
      conversationId: this.conversationId,
      transport: config.transport,
    });
    this.#host.dispatchEvent(event);
    if (event.defaultPrevented) return false;
    this.messages = [
      ...this.messages,
      { id: createUuid(), role: 'user', content: message, status: 'complete' },
    ];
    this.#startTurn(message, createUuid());
    return true;
  }

  /** Stops the answer being written; its partial text stays, marked stopped. */
  stop(): void {
    const turn = this.#turn;
    if (!turn) return;
    this.#batcher.flush();
    turn.stopped = true;
    turn.assistant.status = 'stopped';
    this.#endTurn(turn);
    if (turn.conversationId) {
      this.#stopOnServer(turn);
    } else if (turn.transport === 'sse') {
      // A new conversation has no id until the stream's first event; wait for it (briefly) so the
      // server can be told to stop, instead of generating on for its grace period.
      turn.stopTimer = setTimeout(() => turn.abort.abort(), this.#options.stopWaitMs ?? 10_000);
    } else {
      turn.abort.abort();
    }
    this.#host.dispatchEvent(
      new SchemaChatResponseEvent({
        conversationId: turn.conversationId,
        messageId: undefined,
        content: turn.assistant.content,
        status: 'stopped',
        transport: turn.fellBack ? 'rest' : turn.transport,
        model: undefined,
        finishReason: 'stopped',
        usage: undefined,
      }),
    );
  }

  /** Retries what failed: the last turn (same idempotency key when the error was retryable) or the history load. */
  retry(): void {
    const error = this.error;
    // Before the server's wait is over, a retry would only be refused again (and count).
    if (!error || this.phase !== 'idle' || this.retryWait > 0) return;
    if (error.operation === 'history') {
      this.error = undefined;
      const epoch = this.#epoch;
      this.#running = this.#loadHistory(epoch, false);
      return;
    }
    const failed = this.#failed;
    this.error = undefined;
    this.#failed = undefined;
    if (!failed) {
      this.#update();
      return;
    }
    this.messages = this.messages.filter((message) => message !== failed.assistant);
    this.#startTurn(failed.message, failed.idempotencyKey);
  }

  /** Starts a new conversation: stops the running answer, clears the view and the remembered id. */
  newConversation(): void {
    if (this.#turn) this.stop();
    this.#clear();
  }

  /** Logout: drops the running answer, the messages and the remembered conversation. */
  reset(): void {
    this.#abortAll();
    this.#clear();
    this.#storageKey = undefined;
  }

  #clear(): void {
    const previous = this.conversationId;
    this.#switchTo(undefined);
    this.#historyAbort?.abort();
    this.phase = 'idle';
    this.#recalledId = undefined;
    void this.#key().then((key) => {
      if (!key) return;
      this.#memory.forget(key);
      announceConversation(key, this);
    });
    if (previous) this.#dispatchConversationChange(undefined, previous);
    this.#update();
  }

  #startTurn(message: string, idempotencyKey: string): void {
    const config = this.#config();
    const client = config.client;
    const projectId = config.projectId;
    if (!client || !projectId) return;
    const assistant: ViewMessage = {
      id: createUuid(),
      role: 'assistant',
      content: '',
      status: 'pending',
    };
    this.messages = [...this.messages, assistant];
    const turn: Turn = {
      message,
      idempotencyKey,
      assistant,
      abort: new AbortController(),
      transport: config.transport,
      client,
      epoch: this.#epoch,
      conversationId: this.conversationId,
      stopped: false,
      fellBack: false,
    };
    this.#turn = turn;
    this.error = undefined;
    this.notice = undefined;
    this.phase = 'waiting';
    this.#update();
    const request: ChatRequest = { projectId, message };
    if (turn.conversationId) request.conversationId = turn.conversationId;
    this.#running = this.#runTurn(turn, request);
  }

  async #runTurn(turn: Turn, request: ChatRequest): Promise<void> {
    try {
      const outcome =
        turn.transport === 'rest'
          ? await this.#sendRest(turn, request)
          : await this.#sendStream(turn, request);
      if (turn.stopped || this.#turn !== turn) return;
      this.#batcher.flush();
      turn.assistant.content = outcome.content;
      turn.assistant.status = outcome.status;
      this.#adoptConversation(turn, outcome.conversationId);
      this.#endTurn(turn);
      this.#host.dispatchEvent(
        new SchemaChatResponseEvent({
          conversationId: outcome.conversationId,
          messageId: outcome.messageId,
          content: outcome.content,
          status: outcome.status,
          transport: outcome.transport,
          model: outcome.model,
          finishReason: outcome.finishReason,
          usage: outcome.usage,
        }),
      );
    } catch (error) {
      if (turn.stopped || this.#turn !== turn) return;
      this.#batcher.flush();
      const assistant = turn.assistant;
      assistant.status = assistant.content ? 'interrupted' : 'failed';
      // An empty failed answer is noise next to the error display; a partial one stays, marked.
      if (!assistant.content)
        this.messages = this.messages.filter((message) => message !== assistant);
      const detail = describeChatError(error, 'send', this.#config().strings);
      // `retryable` means "the same Idempotency-Key may succeed" (docs/protocol.md, Errors); otherwise a retry
      // is a new turn.
      this.#failed = {
        message: turn.message,
        idempotencyKey: detail.retryable ? turn.idempotencyKey : createUuid(),
        assistant,
      };
      this.#endTurn(turn);
      this.#showError(detail);
    }
  }

  async #sendStream(turn: Turn, request: ChatRequest): Promise<ChatTurnResult> {
    const stream = turn.client.stream(request, {
      idempotencyKey: turn.idempotencyKey,
      signal: turn.abort.signal,
      onEvent: (event) => this.#onStreamEvent(turn, event),
      onFallback: () => this.#noteFallback(turn),
    });
    turn.stream = stream;
    return stream.result;
  }

  async #sendRest(turn: Turn, request: ChatRequest): Promise<ChatTurnResult> {
    const response = await turn.client.send(request, {
      idempotencyKey: turn.idempotencyKey,
      signal: turn.abort.signal,
    });
    return chatResponseToTurnResult(response);
  }

  #onStreamEvent(turn: Turn, event: ChatEvent): void {
    if (event.type === 'conversationId') {
      // A stopped turn still learns its conversation (its question is stored there), unless the
      // view has moved on since.
      if (!turn.stopped || (turn.epoch === this.#epoch && !this.#turn)) {
        this.#adoptConversation(turn, event.conversationId);
      } else {
        turn.conversationId = event.conversationId;
      }
      if (turn.stopped) this.#stopOnServer(turn);
      return;
    }
    if (event.type !== 'token' || turn.stopped || this.#turn !== turn) return;
    this.#batcher.push(event.content);
  }

  #appendText(text: string): void {
    const turn = this.#turn;
    if (!turn) return;
    turn.assistant.content += text;
    turn.assistant.status = 'streaming';
    this.phase = 'streaming';
    this.#update();
  }

  #noteFallback(turn: Turn): void {
    turn.fellBack = true;
    if (turn.stopped || this.#turn !== turn) return;
    this.notice = this.#config().strings.fallbackNotice;
    this.#update();
  }

  #stopOnServer(turn: Turn): void {
    clearTimeout(turn.stopTimer);
    const id = turn.conversationId;
    if (id) {
      // Best effort: the partial answer is already kept on screen; the server saves it as `stopped`.
      // Other widgets showing this conversation follow once it is saved.
      turn.client
        .stop(id)
        .then(() => this.#announce())
        .catch(() => undefined);
    }
    turn.stream?.abort();
    turn.abort.abort();
  }

  /** Loads the page of messages before the oldest one shown and puts it above them. */
  async loadOlder(): Promise<void> {
    const config = this.#config();
    const id = this.conversationId;
    const cursor = this.olderCursor;
    if (!config.client || !id || !cursor || this.loadingOlder) return;
    const epoch = this.#epoch;
    const abort = new AbortController();
    this.#olderAbort = abort;
    this.loadingOlder = true;
    this.#update();
    try {
      const page = await config.client.getMessages(id, { cursor, signal: abort.signal });
      if (epoch !== this.#epoch || abort.signal.aborted) return;
      // A turn may have been written meanwhile; never show a message twice.
      const shown = new Set(this.messages.map((message) => message.id));
      const older = page.items.filter((message) => !shown.has(message.id)).map(toViewMessage);
      this.messages = [...older, ...this.messages];
      this.olderCursor = page.nextCursor;
    } catch (error) {
      if (epoch !== this.#epoch || abort.signal.aborted) return;
      this.#showError(describeChatError(error, 'history', config.strings));
    } finally {
      if (this.#olderAbort === abort) {
        this.#olderAbort = undefined;
        this.loadingOlder = false;
      }
      this.#update();
    }
  }

  async #loadHistory(epoch: number, remembered: boolean): Promise<void> {
    const config = this.#config();
    const id = this.conversationId;
    if (!config.client || !id) return;
    this.#historyAbort?.abort();
    const abort = new AbortController();
    this.#historyAbort = abort;
    this.phase = 'loading';
    this.#update();
    try {
      const page = await config.client.getMessages(id, { signal: abort.signal });
      if (epoch !== this.#epoch) return;
      this.messages = page.items.map(toViewMessage);
      this.olderCursor = page.nextCursor;
      this.phase = 'idle';
    } catch (error) {
      if (epoch !== this.#epoch) return;
      this.phase = 'idle';
      const detail = describeChatError(error, 'history', config.strings);
      if (remembered && detail.status === 404) {
        // The remembered conversation is gone (deleted, or another user's): start fresh, quietly.
        const key = await this.#key();
        if (key) this.#memory.forget(key);
        if (epoch !== this.#epoch) return;
        this.conversationId = undefined;
        this.#dispatchConversationChange(undefined, id);
      } else {
        this.#showError(detail);
      }
    } finally {
      if (this.#historyAbort === abort) this.#historyAbort = undefined;
      this.#update();
    }
  }

  #adoptConversation(turn: Turn, id: string): void {
    turn.conversationId = id;
    if (!id || id === this.conversationId || turn.epoch !== this.#epoch) return;
    const previous = this.conversationId;
    this.conversationId = id;
    void this.#key().then((key) => {
      if (!key || this.conversationId !== id) return;
      this.#memory.remember(key, id);
      this.#recalledId = id;
    });
    this.#dispatchConversationChange(id, previous);
  }

  #endTurn(turn: Turn): void {
    if (this.#turn !== turn) return;
    this.#turn = undefined;
    this.phase = 'idle';
    this.#update();
    // A stopped answer is announced once the server has saved it (see #stopOnServer).
    if (!turn.stopped) void this.#announce();
  }

  /** Tells the page's other widgets of this user and project that the conversation changed. */
  async #announce(): Promise<void> {
    const key = await this.#key();
    if (key) announceConversation(key, this);
  }

  /**
   * Another widget of this page changed the conversation remembered under `key`. When this one
   * shows that user's remembered conversation (not one the host picked) and is idle, it shows the
   * remembered conversation as it is now: the same one with its new messages, another, or none.
   */
  async #follow(key: string): Promise<void> {
    if (this.phase !== 'idle') return;
    const own = await this.#key();
    // Still idle, the same user and project, and showing the remembered conversation.
    if (own !== key || this.phase !== 'idle' || this.conversationId !== this.#recalledId) return;
    const id = this.#memory.recall(key);
    const previous = this.conversationId;
    this.#recalledId = id;
    if (id !== previous) {
      this.#switchTo(id);
      this.#dispatchConversationChange(id, previous);
      this.#update();
    }
    if (id) this.#running = this.#loadHistory(this.#epoch, false);
  }

  /**
   * Empties the view for conversation `id` (or none yet): messages, paging, error, notice. Returns
   * the new epoch: answers still arriving for what was shown before are dropped.
   */
  #switchTo(id: string | undefined): number {
    this.messages = [];
    this.olderCursor = undefined;
    this.error = undefined;
    this.notice = undefined;
    this.#failed = undefined;
    this.#stopRetryWait();
    this.conversationId = id;
    return ++this.#epoch;
  }

  #abortAll(): void {
    this.#stopRetryWait();
    this.#olderAbort?.abort();
    this.#olderAbort = undefined;
    this.loadingOlder = false;
    this.#historyAbort?.abort();
    this.#historyAbort = undefined;
    const turn = this.#turn;
    if (turn) {
      this.#batcher.clear();
      turn.stopped = true;
      if (turn.assistant.status === 'pending' || turn.assistant.status === 'streaming') {
        turn.assistant.status = 'interrupted';
      }
      turn.stream?.abort();
      turn.abort.abort();
      this.#turn = undefined;
    }
    this.phase = 'idle';
  }

  #showError(detail: SchemaChatErrorDetail): void {
    this.error = detail;
    this.#stopRetryWait();
    if (detail.retryAfter && this.canRetry) this.#startRetryWait(detail.retryAfter);
    this.#update();
    this.#host.dispatchEvent(new SchemaChatErrorEvent(detail));
  }

  /** Counts `seconds` down once a second (from a deadline: timers may fire late) to 0. */
  #startRetryWait(seconds: number): void {
    const until = Date.now() + seconds * 1000;
    this.retryWait = seconds;
    this.#retryTimer = setInterval(() => {
      this.retryWait = Math.max(0, Math.ceil((until - Date.now()) / 1000));
      if (this.retryWait === 0) this.#stopRetryWait();
      this.#update();
    }, 1000);
  }

  #stopRetryWait(): void {
    clearInterval(this.#retryTimer);
    this.#retryTimer = undefined;
    this.retryWait = 0;
  }

  #dispatchConversationChange(id: string | undefined, previous: string | undefined): void {
    this.#options.onConversationChange?.(id);
    this.#host.dispatchEvent(
      new SchemaChatConversationChangeEvent({
        conversationId: id,
        previousConversationId: previous,
      }),
    );
  }

  /** The storage key of this user's conversation in this project (the `sub` needs the token). */
  #key(): Promise<string | undefined> {
    this.#storageKey ??= (async () => {
      const config = this.#config();
      if (!config.projectId) return undefined;
      // A host that hands over a ready client sets no token here: ask the client who it is for
      // (duck-typed: the client may come from another copy of the sdk, or be the host's own).
      const client = config.client as Partial<ChatClient> | undefined;
      const token =
        config.token ||
        (await askForToken(config.getToken)) ||
        (await askForToken(
          typeof client?.currentToken === 'function' ? client.currentToken.bind(client) : undefined,
        ));
      return conversationStorageKey(config.apiUrl, readJwtSubject(token), config.projectId);
    })();
    return this.#storageKey;
  }

  #config(): ChatControllerConfig {
    return this.#options.getConfig();
  }

  #update(): void {
    this.#host.requestUpdate();
  }
}

/** What `get` (a `getToken` or a client's `currentToken`) gives; `undefined` when it fails or is absent. */
async function askForToken(
  get: (() => string | undefined | Promise<string | undefined>) | undefined,
): Promise<string | undefined> {
  if (!get) return undefined;
  try {
    return await get();
  } catch {
    return undefined;
  }
}

/** A stored message as the view shows it; an answer still being written elsewhere shows as it is now. */
function toViewMessage(message: ChatMessage): ViewMessage {
  const status: ViewMessageStatus =
    message.status === 'streaming' || message.status === 'complete' ? 'complete' : message.status;
  return { id: message.id, role: message.role, content: message.content, status };
}
