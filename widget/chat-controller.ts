// Coordinates the chat of one <schema-chat> as a Lit ReactiveController, so that the element stays
// a thin view: what is shown (messages, phase, error, notice) and which job runs. Each job is its
// own piece — a turn (TurnRunner), history pages (HistoryPager), the remembered conversation
// (RememberedConversation), following the page's other elements (ConversationFollower), the retry
// countdown (RetryCountdown) — and every result is applied only while the view it was started for
// is still shown (ViewEpoch, the one stale-result guard).

import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { ChatClient, ChatTurnResult } from '../sdk/chat-client.js';
import { createUuid } from '../sdk/create-uuid.js';
import type { ChatRequest, FeedbackRating, UsageResponse } from '../sdk/protocol.js';
import { ConversationFollower } from './conversation-follower.js';
import { ConversationList } from './conversation-list.js';
import { type ConversationMemory, createConversationMemory } from './conversation-memory.js';
import { canRetryChatError, describeChatError } from './describe-chat-error.js';
import { SchemaChatConversationChangeEvent } from './events/schema-chat-conversation-change-event.js';
import {
  type SchemaChatErrorDetail,
  SchemaChatErrorEvent,
} from './events/schema-chat-error-event.js';
import { SchemaChatFeedbackEvent } from './events/schema-chat-feedback-event.js';
import { SchemaChatResponseEvent } from './events/schema-chat-response-event.js';
import { SchemaChatSendEvent } from './events/schema-chat-send-event.js';
import type { ScheduleFrame } from './frame-batcher.js';
import { HistoryPager } from './history-pager.js';
import { RememberedConversation } from './remembered-conversation.js';
import { RetryCountdown } from './retry-countdown.js';
import { schemaChatDefaults } from './schema-chat-defaults.js';
import { formatString, type SchemaChatStrings } from './schema-chat-strings.js';
import { TurnRunner } from './turn-runner.js';
import { ViewEpoch, type ViewTicket } from './view-epoch.js';
import {
  newVersionOf,
  shownVersionOf,
  type ViewMessage,
  type ViewMessageStatus,
} from './view-message.js';

export type { ViewMessage, ViewMessageStatus } from './view-message.js';

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
  /** A conversation the host pinned (`conversation-id`); wins over the remembered one. */
  conversationId: string | undefined;
  transport: 'sse' | 'rest';
  strings: SchemaChatStrings;
  /** Whether usage is shown (`show-usage`): the allowance is then asked for with the history. */
  showUsage: boolean;
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
  /** How long a stopped turn waits for the server's word on its answer (id, model, usage) before dropping the stream. Defaults to 10000. */
  stopWaitMs?: number;
}

/** The turn in flight and the view it was started in. */
interface Turn {
  readonly runner: TurnRunner;
  readonly ticket: ViewTicket;
  readonly spec: TurnSpec;
  /** The answer's text before the turn (a Continue's; empty otherwise). */
  readonly prefix: string;
  /** The answer's status before the turn (a Continue that adds nothing keeps it). */
  readonly statusBefore: ViewMessageStatus;
  /** The answer's SQL verdicts before the turn (a Continue that adds nothing keeps them). */
  readonly sqlCheckBefore: ViewMessage['sqlCheck'];
}

/** What a turn asks for: a question, or a Regenerate or Continue of the last answer. */
interface TurnSpec {
  request: Pick<ChatRequest, 'message' | 'regenerate' | 'continue'>;
  /** A Regenerate: the answer whose place its new version takes. */
  replaces?: ViewMessage;
  /** A Continue: the answer it writes into. */
  continues?: ViewMessage;
}

/** How to send the failed turn again, with the key a retry must use. */
interface FailedTurn {
  readonly redo: (idempotencyKey: string) => void;
  readonly idempotencyKey: string;
}

/**
 * Holds and drives the chat of one element: sends turns (SSE or REST; the client decides on a REST
 * fallback, this only says so once its answer is there), stops, retries, loads history, remembers the
 * conversation, follows the page's other elements, and fires the element's events on its host.
 */
export class ChatController implements ReactiveController {
  /** The conversation shown, oldest first. */
  messages: ViewMessage[] = [];
  /** What the chat is doing now. */
  phase: ChatPhase = 'idle';
  /** The error on display, if any. */
  error: SchemaChatErrorDetail | undefined;
  /** A transient note (REST fallback happened). */
  notice: string | undefined;
  /** The conversation shown; `undefined` until the server names a new one. */
  conversationId: string | undefined;
  /** The user's conversations in the project, when the list is shown. */
  readonly list = new ConversationList();
  /** The user's tokens today and allowance, as the server last said (with `show-usage`). */
  quota: UsageResponse | undefined;
  /** The latest change to say to screen readers (a version shown, a rating, a deletion). */
  announcement = '';

  readonly #host: ReactiveControllerHost & HTMLElement;
  readonly #options: ChatControllerOptions;
  readonly #epoch = new ViewEpoch();
  readonly #pager = new HistoryPager();
  readonly #remembered: RememberedConversation;
  readonly #follower: ConversationFollower;
  readonly #countdown: RetryCountdown;
  #turn: Turn | undefined;
  /** Stopped turns still waiting for the server's word on their answer. */
  readonly #stopping = new Set<TurnRunner>();
  #failed: FailedTurn | undefined;
  #running: Promise<void> = Promise.resolve();
  #turnEnded: Promise<boolean> = Promise.resolve(false);
  /** The latest rating asked for each answer: an earlier one's late reply changes nothing. */
  readonly #ratings = new WeakMap<ViewMessage, number>();
  #ratingCount = 0;
  /** Whose allowance `quota` is (the remembered conversation's key without its project). */
  #quotaOwner: string | undefined;
  /** Whose allowance is being asked for now. */
  #quotaAsked: string | undefined;

  constructor(host: ReactiveControllerHost & HTMLElement, options: ChatControllerOptions) {
    this.#host = host;
    this.#options = options;
    this.#remembered = new RememberedConversation(
      options.memory ?? createConversationMemory(),
      () => this.#config(),
    );
    this.#follower = new ConversationFollower({
      source: this,
      remembered: this.#remembered,
      isIdle: () => this.phase === 'idle',
      shown: () => this.conversationId,
      follow: (id) => this.#follow(id),
    });
    this.#countdown = new RetryCountdown(() => this.#update());
    host.addController(this);
  }

  /**
   * Whole seconds left before the error on display may be retried (a 429's `Retry-After`, counted
   * down once a second); 0 when a retry may go now.
   */
  get retryWait(): number {
    return this.#countdown.seconds;
  }

  /** Cursor of the page before the oldest message shown; `undefined` when that is the first. */
  get olderCursor(): string | undefined {
    return this.#pager.olderCursor;
  }

  /** Whether an older page is being loaded. */
  get loadingOlder(): boolean {
    return this.#pager.loadingOlder;
  }

  /** Whether an answer is being requested or written. */
  get streaming(): boolean {
    return this.phase === 'waiting' || this.phase === 'streaming';
  }

  /**
   * Whether the error on display has something to retry (a failed turn or history load) that a
   * retry may fix (see `canRetryChatError`).
   */
  get canRetry(): boolean {
    const { error } = this;
    if (!error || !canRetryChatError(error)) return false;
    // A failed rating, list or deletion is retried by pressing its button again.
    if (error.operation === 'history') return true;
    return error.operation === 'send' && this.#failed !== undefined;
  }

  /** Settles when the current turn or history load has ended. */
  settled(): Promise<void> {
    return this.#running;
  }

  /**
   * Settles when the turn started last has ended: true when its answer arrived or was stopped,
   * false when it failed or the element moved on (whatever else failed meanwhile).
   */
  turnEnded(): Promise<boolean> {
    return this.#turnEnded;
  }

  hostConnected(): void {
    this.#follower.connect();
  }

  hostDisconnected(): void {
    // Moving the element in the DOM disconnects and reconnects it synchronously; only a real removal
    // closes the connection (the server keeps the generation for its grace period).
    queueMicrotask(() => {
      if (this.#host.isConnected) return;
      this.#abortAll();
      this.#follower.disconnect();
    });
  }

  /**
   * Starts over for the host's current configuration: clears the view, then shows the
   * conversation the host pinned, or the one remembered for this user and project, with its history.
   */
  load(): Promise<void> {
    this.#remembered.reset();
    return this.#open();
  }

  /** {@link load} for the owner the remembered conversation already knows. */
  #open(): Promise<void> {
    const previous = this.conversationId;
    this.#abortAll();
    const ticket = this.#switchTo(undefined);
    this.list.reset();
    const config = this.#config();
    this.#update();
    if (!config.client || !config.projectId) return Promise.resolve();
    this.#running = (async () => {
      const pinned = config.conversationId;
      const key = await this.#remembered.key();
      // The allowance is the user's, whatever the project: asked for again for another user only.
      const owner = key?.slice(0, key.lastIndexOf('|'));
      if (owner !== this.#quotaOwner) {
        this.#quotaOwner = owner;
        this.quota = undefined;
        void this.loadQuota();
      }
      // Finding the user may take a while (getToken, a client's currentToken): a turn the user
      // started meanwhile decides the conversation.
      if (!ticket.current || this.#turn) return;
      const recalled = this.#remembered.recall(key);
      const id = pinned || recalled;
      this.conversationId = id;
      if (id !== previous) this.#dispatchConversationChange(id, previous);
      if (id) await this.#loadHistory(ticket, !pinned);
    })();
    return this.#running;
  }

  /**
   * Finds out again who is chatting (the host set a new `getToken`): when that is another user,
   * starts over for them, as {@link load} does; the same user keeps the view as it is.
   */
  async checkOwner(): Promise<void> {
    const ticket = this.#epoch.ticket;
    const before = await this.#remembered.key();
    this.#remembered.reset();
    const after = await this.#remembered.key();
    // The new owner is found already: asking a getToken again would only repeat it.
    if (after !== before && ticket.current && !this.#turn) await this.#open();
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
    this.#startTurn({ request: { message } }, createUuid());
    return true;
  }

  /**
   * The answer the Regenerate and Continue buttons act on: the last message, an answer whose id
   * the server gave, once it has ended; `undefined` otherwise.
   */
  get lastAnswer(): ViewMessage | undefined {
    const last = this.messages.at(-1);
    if (last?.role !== 'assistant' || !last.answerId || !this.conversationId) return undefined;
    return last.status === 'pending' || last.status === 'streaming' ? undefined : last;
  }

  /**
   * Asks the last answer's question again: the new answer takes its place (the old one stays as
   * an earlier version to page back to). Returns false when there is nothing to regenerate or a
   * turn is running.
   */
  regenerate(key = createUuid()): boolean {
    const old = this.lastAnswer;
    if (!old?.answerId || this.phase !== 'idle') return false;
    this.#startTurn({ request: { regenerate: old.answerId }, replaces: old }, key);
    return true;
  }

  /**
   * Lets the model go on with the last answer, when it was stopped or interrupted: the
   * continuation is appended to it. Returns false otherwise, or while a turn is running.
   */
  continueAnswer(key = createUuid()): boolean {
    const answer = this.lastAnswer;
    const cut = answer?.status === 'stopped' || answer?.status === 'interrupted';
    if (!answer?.answerId || !cut || this.phase !== 'idle' || answer.shownVersion !== undefined) {
      return false;
    }
    this.#startTurn({ request: { continue: answer.answerId }, continues: answer }, key);
    return true;
  }

  /** Shows version `index` (0 = the oldest) of an answer with earlier versions. */
  showVersion(message: ViewMessage, index: number): void {
    const count = (message.versions?.length ?? 0) + 1;
    if (index < 0 || index >= count) return;
    message.shownVersion = index === count - 1 ? undefined : index;
    this.#announce(
      formatString(this.#config().strings.versionOf, { current: index + 1, total: count }),
    );
  }

  /**
   * Rates the answer shown in `message` (pressing its rating again takes it back): shown at once,
   * stored by the server, then `schema-chat-feedback` fires; a refusal puts the old rating back.
   */
  async rate(message: ViewMessage, rating: FeedbackRating): Promise<void> {
    const config = this.#config();
    const shown = shownVersionOf(message);
    const client = config.client as Partial<ChatClient> | undefined;
    if (!shown.answerId || typeof client?.sendFeedback !== 'function') return;
    const { conversationId } = this;
    const ticket = this.#epoch.ticket;
    const before = shown.feedback;
    const next = before === rating ? undefined : rating;
    const asked = ++this.#ratingCount;
    this.#ratings.set(shown, asked);
    shown.feedback = next;
    this.#update();
    try {
      await client.sendFeedback(shown.answerId, next ? { rating: next } : null);
    } catch (error) {
      // A later press decided already; its own reply says how it went.
      if (this.#ratings.get(shown) !== asked) return;
      shown.feedback = before;
      this.#update();
      if (ticket.current) this.#showError(describeChatError(error, 'feedback', config.strings));
      return;
    }
    if (ticket.current) this.#announce(config.strings.feedbackSaved);
    this.#host.dispatchEvent(
      new SchemaChatFeedbackEvent({
        conversationId,
        messageId: shown.answerId,
        rating: next ?? null,
      }),
    );
  }

  /** Shows or hides the conversation list, loading its first page when it opens. */
  async toggleConversations(): Promise<void> {
    const { list } = this;
    list.open = !list.open;
    this.#update();
    if (list.open) await this.loadConversations(false);
  }

  /** Loads the list's first page again (`more` false) or its next one. */
  async loadConversations(more: boolean): Promise<void> {
    const { client, projectId, strings } = this.#config();
    if (!client || !projectId) return;
    const ticket = this.#epoch.ticket;
    const loading = this.list.load(client, projectId, more);
    this.#update();
    try {
      await loading;
    } catch (error) {
      // Aborted by a switch of project or user: that view has its own list.
      if (ticket.current) this.#showError(describeChatError(error, 'conversations', strings));
    } finally {
      this.#update();
    }
  }

  /** Opens one of the user's conversations with its history (and remembers it); closes the list. */
  openConversation(id: string): void {
    this.list.open = false;
    if (this.#turn) this.stop();
    const previous = this.conversationId;
    const ticket = this.#switchTo(id);
    void this.#remembered.key().then((key) => {
      if (key && this.conversationId === id) this.#remembered.remember(key, id);
    });
    if (id !== previous) this.#dispatchConversationChange(id, previous);
    this.#running = this.#loadHistory(ticket, false);
  }

  /** Deletes one of the user's conversations (the one shown starts a new conversation). */
  async deleteConversation(id: string): Promise<boolean> {
    const { client, strings } = this.#config();
    if (!client) return false;
    const ticket = this.#epoch.ticket;
    try {
      await client.deleteConversation(id);
    } catch (error) {
      if (ticket.current) this.#showError(describeChatError(error, 'conversations', strings));
      return false;
    }
    if (!ticket.current) return true;
    this.list.remove(id);
    if (this.conversationId === id) this.newConversation();
    this.#announce(strings.conversationDeleted);
    return true;
  }

  /**
   * Stops the answer being written; its partial text stays, marked stopped. `schema-chat-response`
   * follows once the server has answered (with the stopped answer's model and usage).
   */
  stop(): void {
    const turn = this.#turn;
    if (!turn) return;
    turn.runner.stop();
    this.#stopping.add(turn.runner);
    this.#endTurn(turn);
  }

  /** Retries what failed: the last turn (same idempotency key when the error was retryable) or the history load. */
  retry(): void {
    const error = this.error;
    // Before the server's wait is over, a retry would only be refused again (and count).
    if (!error || this.phase !== 'idle' || this.retryWait > 0) return;
    if (error.operation === 'history') {
      this.error = undefined;
      this.#running = this.#loadHistory(this.#epoch.ticket, false);
      return;
    }
    const failed = this.#failed;
    this.error = undefined;
    this.#failed = undefined;
    if (!failed) {
      this.#update();
      return;
    }
    failed.redo(failed.idempotencyKey);
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
    this.#remembered.reset();
    this.list.reset();
    this.quota = undefined;
    this.#quotaOwner = undefined;
  }

  /** Loads the page of messages before the oldest one shown and puts it above them. */
  async loadOlder(): Promise<void> {
    const config = this.#config();
    const id = this.conversationId;
    if (!config.client || !id || !this.#pager.olderCursor || this.#pager.loadingOlder) return;
    const ticket = this.#epoch.ticket;
    const loading = this.#pager.older(config.client, id, () => this.messages, ticket.signal);
    this.#update();
    try {
      const older = await loading;
      if (!ticket.current || !older) return;
      this.messages = [...older, ...this.messages];
    } catch (error) {
      if (!ticket.current) return;
      this.#showError(describeChatError(error, 'history', config.strings));
    } finally {
      this.#update();
    }
  }

  #clear(): void {
    const previous = this.conversationId;
    this.#switchTo(undefined);
    this.phase = 'idle';
    this.#remembered.recalledId = undefined;
    void this.#remembered.key().then((key) => {
      if (!key) return;
      this.#remembered.forget(key);
      void this.#follower.announce(key);
    });
    if (previous) this.#dispatchConversationChange(undefined, previous);
    this.#update();
  }

  #startTurn(spec: TurnSpec, idempotencyKey: string): void {
    const config = this.#config();
    const { client, projectId } = config;
    if (!client || !projectId) return;
    let assistant = spec.continues;
    const statusBefore = assistant?.status ?? 'pending';
    const sqlCheckBefore = assistant?.sqlCheck;
    if (assistant) {
      // A Continue writes on in the answer shown: its text stays (as the server stored it), the
      // new text follows it.
      if (assistant.stored !== undefined) assistant.content = assistant.stored;
      assistant.stored = undefined;
      assistant.status = 'streaming';
      assistant.sqlCheck = undefined;
    } else {
      assistant = spec.replaces
        ? newVersionOf(spec.replaces, createUuid())
        : { id: createUuid(), role: 'assistant', content: '', status: 'pending' };
      const fresh = assistant;
      const at = spec.replaces ? this.messages.indexOf(spec.replaces) : -1;
      this.messages =
        at < 0
          ? [...this.messages, fresh]
          : this.messages.map((message, index) => (index === at ? fresh : message));
    }
    const request: ChatRequest = { projectId, ...spec.request };
    if (this.conversationId) request.conversationId = this.conversationId;
    const ticket = this.#epoch.ticket;
    const runner: TurnRunner = new TurnRunner({
      client,
      request,
      idempotencyKey,
      transport: config.transport,
      assistant,
      stopWaitMs: this.#options.stopWaitMs ?? schemaChatDefaults.stopWaitMs,
      scheduleFrame: this.#options.scheduleFrame,
      cancelFrame: this.#options.cancelFrame,
      onText: () => {
        this.phase = 'streaming';
        this.#update();
      },
      onConversationId: (id) => {
        // A stopped turn still learns its conversation (its question is stored there), unless the
        // view has moved on since.
        if (!runner.stopped || !this.#turn) this.#adoptConversation(ticket, id);
      },
      // Other elements showing this conversation follow once the stopped answer is saved.
      onStopSaved: () => void this.#follower.announce(),
    });
    const turn: Turn = {
      runner,
      ticket,
      spec,
      prefix: assistant.content,
      statusBefore,
      sqlCheckBefore,
    };
    this.#turn = turn;
    // A retry is of the turn that failed last; once another one is sent, there is none.
    this.#failed = undefined;
    this.error = undefined;
    this.notice = undefined;
    this.phase = 'waiting';
    this.#update();
    const ended = this.#finishTurn(turn);
    this.#turnEnded = ended;
    this.#running = ended.then(() => undefined);
  }

  /** Runs the turn to its end and shows it; true when its answer arrived or was stopped. */
  async #finishTurn(turn: Turn): Promise<boolean> {
    const end = await turn.runner.start();
    const { runner } = turn;
    this.#stopping.delete(runner);
    const action = turn.spec.request.regenerate
      ? 'regenerate'
      : turn.spec.request.continue
        ? 'continue'
        : undefined;
    if (end.type === 'stopped') {
      // The screen keeps what was shown; the server's answer adds what it stored.
      const { result } = end;
      if (result) runner.assistant.stored = turn.prefix + result.content;
      this.#ended(turn, result);
      this.#host.dispatchEvent(
        new SchemaChatResponseEvent({
          conversationId: result?.conversationId ?? runner.conversationId,
          messageId: result?.messageId,
          content: runner.assistant.content,
          status: 'stopped',
          transport: result?.transport ?? (runner.fellBack ? 'rest' : runner.transport),
          model: result?.model,
          finishReason: result?.finishReason ?? 'stopped',
          usage: result?.usage,
          ...(action ? { action } : {}),
        }),
      );
      return true;
    }
    if (end.type === 'dropped' || this.#turn !== turn) return false;
    const { assistant } = runner;
    if (end.type === 'complete') {
      const { result } = end;
      // A Continue's result is only what it added, after the text it went on from.
      assistant.content = turn.prefix + result.content;
      assistant.status = result.status;
      this.#ended(turn, result);
      // The server went on from other text than the one shown (a stop it heard a moment after
      // the screen stopped kept a few more characters): the stored answer is the truth.
      const from = result.continuedFrom;
      const reload =
        turn.spec.continues !== undefined && from !== undefined && from !== turn.prefix.length;
      // Said once the answer is there: a fallback that fails too only shows the error.
      if (runner.fellBack) this.notice = this.#config().strings.fallbackNotice;
      this.#adoptConversation(turn.ticket, result.conversationId);
      this.#endTurn(turn);
      this.#host.dispatchEvent(
        new SchemaChatResponseEvent({
          conversationId: result.conversationId,
          messageId: result.messageId,
          content: assistant.content,
          status: result.status,
          transport: result.transport,
          model: result.model,
          finishReason: result.finishReason,
          usage: result.usage,
          ...(action ? { action } : {}),
        }),
      );
      if (reload) this.#running = this.#loadHistory(turn.ticket, false);
      return true;
    }
    const added = assistant.content.length > turn.prefix.length;
    assistant.status = !added && turn.spec.continues ? turn.statusBefore : 'interrupted';
    if (!added && turn.spec.continues) assistant.sqlCheck = turn.sqlCheckBefore;
    if (!assistant.content) {
      // An empty failed answer is noise next to the error display; a partial one stays, marked.
      // A Regenerate that wrote nothing gives the answer it replaced its place back.
      const old = turn.spec.replaces;
      this.messages = old
        ? this.messages.map((message) => (message === assistant ? old : message))
        : this.messages.filter((message) => message !== assistant);
    } else if (added && !assistant.answerId) {
      // Its text is stored (interrupted): learn its id, for Regenerate, Continue and feedback.
      void this.#learnAnswerId(assistant, turn.ticket);
    }
    const detail = describeChatError(end.error, 'send', this.#config().strings);
    // `retryable` means "the same Idempotency-Key may succeed" (docs/protocol.md, Errors);
    // otherwise a retry is a new turn.
    this.#failed = {
      idempotencyKey: detail.retryable ? runner.idempotencyKey : createUuid(),
      redo: (key) => this.#redo(turn, key),
    };
    this.#endTurn(turn);
    this.#showError(detail);
    return false;
  }

  /**
   * Sends a failed turn again, as it was first sent: the question once more, a Regenerate in
   * place of the answer it replaced, a Continue from the text it went on from.
   */
  #redo(turn: Turn, key: string): void {
    const { spec, prefix, statusBefore, sqlCheckBefore } = turn;
    const { assistant } = turn.runner;
    if (spec.continues) {
      spec.continues.content = prefix;
      spec.continues.status = statusBefore;
      spec.continues.sqlCheck = sqlCheckBefore;
    } else {
      // Its partial answer goes; a Regenerate's old answer takes its place again.
      const old = spec.replaces;
      this.messages = old
        ? this.messages.map((message) => (message === assistant ? old : message))
        : this.messages.filter((message) => message !== assistant);
    }
    this.#startTurn(spec, key);
  }

  /** What the end of a turn (finished or stopped) tells the answer: its id, check and usage. */
  #ended(turn: Turn, result: ChatTurnResult | undefined): void {
    const { assistant } = turn.runner;
    if (result?.sqlCheck) assistant.sqlCheck = result.sqlCheck;
    if (result?.messageId) assistant.answerId = result.messageId;
    else if (assistant.content) void this.#learnAnswerId(assistant, turn.ticket);
    if (result?.usage) assistant.usage = result.usage;
    if (result?.quota) this.quota = result.quota;
    this.#update();
  }

  /**
   * Asks the server for the last message of the conversation, when it is the answer on screen
   * whose id no event brought (interrupted, or stopped without the server's word in time).
   */
  async #learnAnswerId(assistant: ViewMessage, ticket: ViewTicket): Promise<void> {
    const { client } = this.#config();
    const id = this.conversationId;
    if (!client || !id) return;
    const page = await client.getMessages(id, { limit: 1 }).catch(() => undefined);
    const last = page?.items.at(-1);
    if (!ticket.current || last?.role !== 'assistant' || assistant.answerId) return;
    assistant.answerId = last.id;
    if (last.content !== assistant.content) assistant.stored = last.content;
    this.#update();
  }

  async #loadHistory(ticket: ViewTicket, remembered: boolean): Promise<void> {
    const config = this.#config();
    const id = this.conversationId;
    if (!config.client || !id) return;
    this.phase = 'loading';
    this.#update();
    try {
      const messages = await this.#pager.latest(config.client, id, ticket.signal);
      if (!ticket.current || !messages) return;
      this.messages = messages;
      this.phase = 'idle';
    } catch (error) {
      if (!ticket.current) return;
      this.phase = 'idle';
      const detail = describeChatError(error, 'history', config.strings);
      if (remembered && detail.status === 404) {
        // The remembered conversation is gone (deleted, or another user's): start fresh, quietly.
        const key = await this.#remembered.key();
        this.#remembered.forget(key);
        if (!ticket.current) return;
        this.conversationId = undefined;
        this.#dispatchConversationChange(undefined, id);
      } else {
        this.#showError(detail);
      }
    } finally {
      this.#update();
    }
  }

  #adoptConversation(ticket: ViewTicket, id: string): void {
    if (!id || id === this.conversationId || !ticket.current) return;
    const previous = this.conversationId;
    this.conversationId = id;
    void this.#remembered.key().then((key) => {
      if (key && this.conversationId === id) this.#remembered.remember(key, id);
    });
    this.#dispatchConversationChange(id, previous);
  }

  #endTurn(turn: Turn): void {
    if (this.#turn !== turn) return;
    this.#turn = undefined;
    this.phase = 'idle';
    this.#update();
    // A stopped answer is announced once the server has saved it (onStopSaved).
    if (!turn.runner.stopped) void this.#follower.announce();
  }

  /** Shows the remembered conversation as another element left it: `id`, or none. */
  #follow(id: string | undefined): void {
    const previous = this.conversationId;
    if (id !== previous) {
      this.#switchTo(id);
      this.#dispatchConversationChange(id, previous);
      this.#update();
    }
    if (id) this.#running = this.#loadHistory(this.#epoch.ticket, false);
  }

  /**
   * Empties the view for conversation `id` (or none yet): messages, paging, error, notice. Returns
   * the new view's ticket: answers still arriving for what was shown before are dropped.
   */
  #switchTo(id: string | undefined): ViewTicket {
    this.messages = [];
    this.#pager.clear();
    this.error = undefined;
    this.notice = undefined;
    this.#failed = undefined;
    this.#countdown.stop();
    this.conversationId = id;
    return this.#epoch.advance();
  }

  #abortAll(): void {
    this.#countdown.stop();
    this.#pager.abort();
    this.#turn?.runner.drop();
    this.#turn = undefined;
    // A stopped answer of the user or view left behind says nothing more (no event, no allowance).
    for (const runner of this.#stopping) runner.drop();
    this.#stopping.clear();
    this.phase = 'idle';
  }

  /** Says `text` to screen readers (the element's status region), once. */
  #announce(text: string): void {
    // The same text again (a second rating) must still be read: cleared in one render, set in the next.
    this.announcement = '';
    this.#update();
    queueMicrotask(() => {
      this.announcement = text;
      this.#update();
    });
  }

  /**
   * With `show-usage`: asks for the user's tokens today and allowance (`GET /usage`). The
   * allowance is the user's in every project: only another user's answer is dropped.
   */
  async loadQuota(): Promise<void> {
    const { client, showUsage } = this.#config();
    const asker = client as Partial<ChatClient> | undefined;
    if (!showUsage || typeof asker?.getUsage !== 'function') return;
    const owner = this.#quotaOwner;
    // Still being found (getToken): `load` asks once it knows who it is. Asked already: once.
    if (owner === undefined || this.#quotaAsked === owner) return;
    this.#quotaAsked = owner;
    const quota = await asker.getUsage().catch(() => undefined);
    if (this.#quotaAsked === owner) this.#quotaAsked = undefined;
    if (owner !== this.#quotaOwner || !quota) return;
    this.quota = quota;
    this.#update();
  }

  #showError(detail: SchemaChatErrorDetail): void {
    this.error = detail;
    this.#countdown.stop();
    if (detail.retryAfter && this.canRetry) this.#countdown.start(detail.retryAfter);
    this.#update();
    this.#host.dispatchEvent(new SchemaChatErrorEvent(detail));
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

  #config(): ChatControllerConfig {
    return this.#options.getConfig();
  }

  #update(): void {
    this.#host.requestUpdate();
  }
}
