// A scripted ChatClient for the widget's browser tests: each streamed turn plays a queued script of
// events, waits and failures; REST turns, history and stops answer from queues too. It records
// every call so tests can assert what the widget asked for. A failing stream falls back to its
// REST queue by the sdk's own policy (decideRestFallback), as the real client does.

import type {
  CallOptions,
  ChatClient,
  ChatStream,
  ChatTurnResult,
  PageOptions,
  StreamOptions,
  TurnOptions,
} from '../../sdk/chat-client.js';
import { ChatClientError, type ChatClientErrorInit } from '../../sdk/chat-client-error.js';
import {
  chatResponseToEvents,
  chatResponseToTurnResult,
} from '../../sdk/chat-response-to-events.js';
import { decideRestFallback } from '../../sdk/decide-rest-fallback.js';
import type {
  ChatEvent,
  ChatMessage,
  ChatRequest,
  ChatResponse,
  ConversationSummary,
  FeedbackRequest,
  FeedbackResponse,
  Page,
  ProjectSummary,
  StopResponse,
  UsageResponse,
} from '../../sdk/protocol.js';

/** One step of a streamed turn's script. */
export type StreamStep =
  | { event: ChatEvent }
  | { wait: number }
  /**
   * The stream fails for good with this error: the turn fails, or (a transport failure before any
   * text, as the sdk decides) goes on through `send()` with the same key.
   */
  | { fail: ChatClientError }
  /** The client says it fell back to REST; the steps after it play the REST answer's events. */
  | { fallback: string }
  /**
   * A generation that never ends by itself: waits until the stream is aborted, or until `stop()`
   * names its conversation (then, as the server does, the stream ends with a stopped `complete`).
   */
  | { hold: true };

/** A `ChatClientError` with defaults for the fields a test does not care about. */
export function clientError(
  code: ChatClientErrorInit['code'],
  init: Partial<ChatClientErrorInit> = {},
) {
  return new ChatClientError(`fake ${code}`, {
    status: init.status ?? 0,
    code,
    retryable: init.retryable ?? false,
    ...(init.retryAfter === undefined ? {} : { retryAfter: init.retryAfter }),
  });
}

/** The steps of a normal streamed answer: conversation id, tokens `interval` ms apart, complete. */
export function answerSteps(
  conversationId: string,
  tokens: readonly string[],
  interval = 0,
  status: 'complete' | 'stopped' = 'complete',
): StreamStep[] {
  const steps: StreamStep[] = [{ event: { type: 'conversationId', conversationId } }];
  for (const content of tokens) {
    if (interval > 0) steps.push({ wait: interval });
    steps.push({ event: { type: 'token', content } });
  }
  steps.push({ event: completeEvent(conversationId, status) });
  return steps;
}

/** A `complete` event of `conversationId`. */
export function completeEvent(
  conversationId: string,
  status: 'complete' | 'stopped' = 'complete',
): ChatEvent {
  return {
    type: 'complete',
    timestamp: new Date().toISOString(),
    metadata: {
      model: 'fake-model',
      conversationId,
      messageId: `answer-of-${conversationId}`,
      finishReason: status === 'stopped' ? 'stopped' : 'stop',
      status,
      usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 },
    },
  };
}

/** A `POST /chat` answer. */
export function restResponse(conversationId: string, content: string): ChatResponse {
  return {
    conversationId,
    message: {
      id: `rest-answer-of-${conversationId}`,
      role: 'assistant',
      content,
      status: 'complete',
      createdAt: new Date().toISOString(),
    },
    metadata: {
      model: 'fake-model',
      finishReason: 'stop',
      usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 },
    },
  };
}

/** A stored message for history. */
export function storedMessage(
  role: 'user' | 'assistant',
  content: string,
  id = `${role}-${content}`,
): ChatMessage {
  return { id, role, content, status: 'complete', createdAt: new Date().toISOString() };
}

/** The result of a stream that ended with `event`, after `text`. */
function turnResult(event: ChatEvent, text: string, fellBack: boolean): ChatTurnResult {
  if (event.type !== 'complete') throw new Error('turnResult() needs a complete event');
  const { metadata } = event;
  return {
    conversationId: metadata.conversationId,
    messageId: metadata.messageId,
    content: text,
    status: metadata.status,
    finishReason: metadata.finishReason,
    usage: metadata.usage,
    model: metadata.model,
    transport: fellBack ? 'rest' : 'sse',
    ...(metadata.continuedFrom === undefined ? {} : { continuedFrom: metadata.continuedFrom }),
    ...(metadata.quota ? { quota: metadata.quota } : {}),
    ...(metadata.sqlCheck ? { sqlCheck: metadata.sqlCheck } : {}),
  };
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        reject(signal.reason);
      },
      { once: true },
    );
  });

/** Options of {@link FakeChatClient}. */
export interface FakeChatClientOptions {
  /** Events delivered per macrotask (a network chunk may carry many). Defaults to 1. */
  eventsPerTask?: number;
}

/** A ChatClient whose answers come from queues filled by the test. */
export class FakeChatClient implements ChatClient {
  readonly streamCalls: { request: ChatRequest; idempotencyKey: string | undefined }[] = [];
  readonly sendCalls: { request: ChatRequest; idempotencyKey: string | undefined }[] = [];
  readonly stopCalls: string[] = [];
  readonly historyCalls: string[] = [];
  /** The `cursor` of each `getMessages` call. */
  readonly historyCursors: (string | undefined)[] = [];
  /** Streams aborted by the widget. */
  aborted = 0;
  /** Streams that have not ended yet. */
  openStreams = 0;
  readonly #streams: StreamStep[][] = [];
  /** Streams waiting in a `hold` step, by the conversation they named. */
  readonly #held = new Set<{ conversationId: string | undefined; release: () => void }>();
  /** Conversations `stop()` named: a stream that holds later in one of them ends at once. */
  readonly #stopped = new Set<string>();
  readonly #sends: (ChatResponse | ChatClientError)[] = [];
  readonly #history = new Map<string, ChatMessage[] | ChatClientError>();
  #historyDelay = 0;
  #historyPageSize: number | undefined;
  readonly #eventsPerTask: number;

  constructor(options: FakeChatClientOptions = {}) {
    this.#eventsPerTask = Math.max(1, options.eventsPerTask ?? 1);
  }

  /** Queues the script of the next streamed turn. */
  queueStream(steps: StreamStep[]): this {
    this.#streams.push(steps);
    return this;
  }

  /** Queues the answer (or failure) of the next REST turn. */
  queueSend(answer: ChatResponse | ChatClientError): this {
    this.#sends.push(answer);
    return this;
  }

  /**
   * Sets what `getMessages(conversationId)` returns, after `delay` ms; with `pageSize`, the
   * messages come in pages of that size, newest first, each with a `nextCursor` to the older ones.
   */
  setHistory(
    conversationId: string,
    messages: ChatMessage[] | ChatClientError,
    delay = 0,
    pageSize?: number,
  ): this {
    this.#history.set(conversationId, messages);
    this.#historyDelay = delay;
    this.#historyPageSize = pageSize;
    return this;
  }

  stream(request: ChatRequest, options: StreamOptions = {}): ChatStream {
    this.streamCalls.push({ request: { ...request }, idempotencyKey: options.idempotencyKey });
    const steps = this.#streams.shift() ?? [{ fail: clientError('NETWORK_ERROR') }];
    const abort = new AbortController();
    abort.signal.addEventListener('abort', () => this.aborted++, { once: true });
    options.signal?.addEventListener('abort', () => abort.abort(clientError('ABORTED')), {
      once: true,
    });
    const delivered: ChatEvent[] = [];
    const waiters: (() => void)[] = [];
    let done = false;
    const wake = () => {
      for (const waiter of waiters.splice(0)) waiter();
    };

    let text = '';
    const deliver = (event: ChatEvent) => {
      delivered.push(event);
      wake();
      options.onEvent?.(event);
      if (event.type === 'token') {
        text += event.content;
        options.onToken?.(event.content, text);
      }
    };
    const fallBack = async (error: ChatClientError): Promise<ChatTurnResult> => {
      const reason = decideRestFallback({
        enabled: true,
        error,
        final: true,
        receivedEvents: delivered.length > 0,
        receivedText: text !== '',
      });
      if (reason === undefined) throw error;
      options.onFallback?.(reason);
      const response = await this.send(request, {
        idempotencyKey: options.idempotencyKey,
        signal: abort.signal,
      });
      for (const event of chatResponseToEvents(response, new Date().toISOString())) {
        if (event.type === 'conversationId' && delivered.some((e) => e.type === event.type))
          continue;
        deliver(event);
      }
      return chatResponseToTurnResult(response);
    };

    this.openStreams++;
    const result = (async (): Promise<ChatTurnResult> => {
      let fellBack = false;
      try {
        for (const step of steps) {
          if (abort.signal.aborted) throw abort.signal.reason;
          if ('wait' in step) {
            await sleep(step.wait, abort.signal);
          } else if ('hold' in step) {
            const conversationId = delivered.find((e) => e.type === 'conversationId');
            await new Promise<void>((resolve, reject) => {
              if (conversationId?.type === 'conversationId') {
                if (this.#stopped.has(conversationId.conversationId)) return resolve();
              }
              const entry = {
                conversationId:
                  conversationId?.type === 'conversationId'
                    ? conversationId.conversationId
                    : undefined,
                release: resolve,
              };
              this.#held.add(entry);
              abort.signal.addEventListener(
                'abort',
                () => {
                  this.#held.delete(entry);
                  reject(abort.signal.reason);
                },
                { once: true },
              );
            });
            const id =
              conversationId?.type === 'conversationId' ? conversationId.conversationId : '';
            const event = completeEvent(id, 'stopped');
            deliver(event);
            return turnResult(event, text, fellBack);
          } else if ('fail' in step) {
            return await fallBack(step.fail);
          } else if ('fallback' in step) {
            fellBack = true;
            options.onFallback?.(step.fallback);
          } else {
            const event = step.event;
            deliver(event);
            if (event.type === 'complete') return turnResult(event, text, fellBack);
            // Events arrive in macrotasks, as network chunks do.
            if (delivered.length % this.#eventsPerTask === 0) await sleep(0, abort.signal);
          }
        }
        throw clientError('BAD_RESPONSE');
      } finally {
        done = true;
        this.openStreams--;
        wake();
      }
    })();
    result.catch(() => undefined);

    const stream: ChatStream = {
      idempotencyKey: options.idempotencyKey ?? 'fake-key',
      result,
      abort: () => abort.abort(clientError('ABORTED')),
      async *[Symbol.asyncIterator]() {
        let index = 0;
        while (true) {
          const event = delivered[index];
          if (event) {
            index++;
            yield event;
            continue;
          }
          if (done) {
            await result;
            return;
          }
          await new Promise<void>((resolve) => waiters.push(resolve));
        }
      },
    };
    return stream;
  }

  async send(request: ChatRequest, options: TurnOptions = {}): Promise<ChatResponse> {
    this.sendCalls.push({ request: { ...request }, idempotencyKey: options.idempotencyKey });
    await sleep(5, options.signal ?? new AbortController().signal);
    const answer = this.#sends.shift() ?? clientError('NETWORK_ERROR');
    if (answer instanceof ChatClientError) throw answer;
    return answer;
  }

  async stop(conversationId: string, _options?: CallOptions): Promise<StopResponse> {
    this.stopCalls.push(conversationId);
    this.#stopped.add(conversationId);
    let stopped = false;
    for (const entry of this.#held) {
      if (entry.conversationId !== conversationId) continue;
      this.#held.delete(entry);
      entry.release();
      stopped = true;
    }
    return { stopped };
  }

  async getMessages(conversationId: string, options: PageOptions = {}): Promise<Page<ChatMessage>> {
    this.historyCalls.push(conversationId);
    this.historyCursors.push(options.cursor);
    await sleep(this.#historyDelay, options.signal ?? new AbortController().signal);
    const history = this.#history.get(conversationId);
    if (history instanceof ChatClientError) throw history;
    if (!history) throw clientError('CONVERSATION_NOT_FOUND', { status: 404 });
    if (this.#historyPageSize === undefined) return { items: history };
    // Pages from the newest, as the server does; the cursor is where the next (older) page ends.
    const end = options.cursor === undefined ? history.length : Number(options.cursor);
    const start = Math.max(0, end - this.#historyPageSize);
    return {
      items: history.slice(start, end),
      ...(start > 0 ? { nextCursor: String(start) } : {}),
    };
  }

  /** The projects of each `listConversations` call, and its cursor. */
  readonly listCalls: { projectId: string; cursor: string | undefined }[] = [];
  readonly deleteCalls: string[] = [];
  readonly renameCalls: { conversationId: string; title: string }[] = [];
  readonly feedbackCalls: { messageId: string; feedback: FeedbackRequest | null }[] = [];
  /** How many times `getUsage` was asked. */
  usageCalls = 0;
  /** What `getUsage` answers; a `NOT_FOUND`-like failure when unset. */
  usage: UsageResponse | undefined;
  /** When set, `sendFeedback` fails with it. */
  feedbackError: ChatClientError | undefined;
  /** How each next `sendFeedback` answers (after `delay` ms, failing with `error`); then 5 ms and `feedbackError`. */
  readonly feedbackReplies: { delay: number; error?: ChatClientError }[] = [];
  /** How long `getUsage` takes, in ms. */
  usageDelay = 0;
  /** When set, `deleteConversation` fails with it (after 5 ms). */
  deleteError: ChatClientError | undefined;
  #conversations: ConversationSummary[] = [];
  #conversationPageSize = 20;

  /** Sets what `listConversations` lists (newest first), in pages of `pageSize`. */
  setConversations(conversations: ConversationSummary[], pageSize = 20): this {
    this.#conversations = [...conversations];
    this.#conversationPageSize = pageSize;
    return this;
  }

  async listConversations(
    projectId: string,
    options: PageOptions = {},
  ): Promise<Page<ConversationSummary>> {
    this.listCalls.push({ projectId, cursor: options.cursor });
    await sleep(this.#historyDelay, options.signal ?? new AbortController().signal);
    const start = options.cursor === undefined ? 0 : Number(options.cursor);
    const end = start + this.#conversationPageSize;
    const items = this.#conversations
      .filter((conversation) => conversation.projectId === projectId)
      .slice(start, end);
    const more = this.#conversations.filter((c) => c.projectId === projectId).length > end;
    return { items, ...(more ? { nextCursor: String(end) } : {}) };
  }

  async deleteConversation(conversationId: string, options?: CallOptions): Promise<void> {
    this.deleteCalls.push(conversationId);
    await sleep(5, options?.signal ?? new AbortController().signal);
    if (this.deleteError) throw this.deleteError;
    this.#conversations = this.#conversations.filter((c) => c.id !== conversationId);
    this.#history.delete(conversationId);
  }

  async renameConversation(
    conversationId: string,
    title: string,
    _options?: CallOptions,
  ): Promise<ConversationSummary> {
    this.renameCalls.push({ conversationId, title });
    const conversation = this.#conversations.find((c) => c.id === conversationId);
    if (!conversation) throw clientError('CONVERSATION_NOT_FOUND', { status: 404 });
    conversation.title = title;
    return { ...conversation };
  }

  async sendFeedback(
    messageId: string,
    feedback: FeedbackRequest | null,
    options: CallOptions = {},
  ): Promise<FeedbackResponse> {
    this.feedbackCalls.push({ messageId, feedback });
    const reply = this.feedbackReplies.shift() ?? { delay: 5, error: this.feedbackError };
    await sleep(reply.delay, options.signal ?? new AbortController().signal);
    if (reply.error) throw reply.error;
    return feedback === null || feedback.rating === null
      ? { messageId }
      : {
          messageId,
          feedback: {
            rating: feedback.rating,
            ...(feedback.comment === undefined ? {} : { comment: feedback.comment }),
          },
        };
  }

  async getUsage(options?: CallOptions): Promise<UsageResponse> {
    this.usageCalls += 1;
    await sleep(this.usageDelay, options?.signal ?? new AbortController().signal);
    if (!this.usage) throw clientError('NOT_FOUND', { status: 404 });
    return { ...this.usage };
  }

  async listProjects(_options?: CallOptions): Promise<ProjectSummary[]> {
    return [];
  }

  /** What `currentToken()` gives (a host's ready client knows who is signed in). */
  token: string | undefined;

  setToken(token: string | undefined): void {
    this.token = token;
  }

  async currentToken(): Promise<string | undefined> {
    return this.token;
  }
}
