// The ChatModel for any OpenAI-compatible server (vLLM serving Qwen2.5-7B-Instruct is the
// reference): the `openai` client's protocol, retries and error classes and coded errors, over a
// lean node:http transport (or the caller's own `openai` client). Silence timeouts are the turn's
// (backend/turns/silence-watch.ts), so every ChatModel gets them; this model keeps only the
// transport's own timeout for the response headers.

import type { IncomingMessage } from 'node:http';
import type OpenAI from 'openai';
import type {
  ChatCompletionChunk,
  ChatCompletionCreateParamsStreaming,
} from 'openai/resources/chat/completions';
import type { Usage } from '../../sdk/protocol.js';
import type {
  ChatModel,
  ChatModelCallOptions,
  ChatModelPart,
  ChatModelReceiver,
  ChatModelRequest,
  FinishPart,
} from './chat-model.js';
import { CompletionChunkReader } from './completion-chunk-reader.js';
import {
  createNodeHttpTransport,
  type NodeHttpResponse,
  type NodeHttpTransport,
} from './node-http-transport.js';
import { readNodeBody, readWebBody } from './read-completion-body.js';
import { requestChatCompletion, toHeaders } from './request-chat-completion.js';
import { badResponseError, toUpstreamError } from './to-upstream-error.js';

/** Options of {@link OpenAIChatModel}. Environment variables are read when the model is created. */
export interface OpenAIChatModelOptions {
  /**
   * Base URL of the OpenAI-compatible API, ending in `/v1`. Defaults to
   * `process.env.VLLM_QWEN_7B_URL ?? process.env.OPENAI_BASE_URL ?? 'http://localhost:8003/v1'`.
   */
  baseURL?: string;
  /** API key sent as a bearer token. Defaults to `process.env.OPENAI_API_KEY ?? 'EMPTY'` (vLLM ignores it). */
  apiKey?: string;
  /** Model name sent upstream and reported in `complete.metadata.model`. Defaults to `Qwen/Qwen2.5-7B-Instruct`. */
  model?: string;
  /** Sampling temperature, 0–2. Defaults to 0.7. */
  temperature?: number;
  /** Most tokens of one answer (`max_tokens`). Defaults to 1500. */
  maxTokens?: number;
  /**
   * A ready `OpenAI` client (custom fetch, proxy, headers…). `baseURL` and `apiKey` are then
   * ignored; `maxRetries` and `timeoutMs` still apply per request. Defaults to a client built from
   * the options above.
   */
  client?: OpenAI;
  /**
   * Retries of a failed request before any token arrives (connection errors, 408/409/429/5xx; the
   * client honours `Retry-After` up to 60 s). Retries never happen mid-answer, so text is never
   * duplicated. Defaults to 1.
   */
  maxRetries?: number;
  /** Most time to wait for the response headers of one attempt, ms. Defaults to 60000. */
  timeoutMs?: number;
  /**
   * Extra fields for the request body, e.g. vLLM's `{ top_k: 20, repetition_penalty: 1.05 }`.
   * They cannot override `model`, `messages` or the streaming fields. Defaults to none.
   */
  extraBody?: Record<string, unknown>;
}

/** Options resolved once at construction. */
interface OpenAIChatModelConfig {
  /** The caller's client (the `client` option): requests go through it. */
  client: OpenAI | undefined;
  /** Without a `client`: requests go out on this transport (see `requestChatCompletion`). */
  transport: NodeHttpTransport | undefined;
  /** The API's base URL and `<baseURL>/chat/completions`, for the transport. */
  baseURL: string | undefined;
  completionsUrl: string;
  apiKey: string;
  model: string;
  temperature: number;
  maxTokens: number;
  maxRetries: number;
  timeoutMs: number;
  extraBody: Record<string, unknown>;
}

/** The reference model: Qwen2.5-7B-Instruct, as vLLM serves it. */
export const DEFAULT_OPENAI_MODEL = 'Qwen/Qwen2.5-7B-Instruct';

/**
 * Streams answers from an OpenAI-compatible `/chat/completions` endpoint with `stream: true` and
 * `stream_options.include_usage`. Yields `text-delta` parts (empty and `null` contents skipped)
 * and one `finish` part with the finish reason and the upstream's usage. Failures are thrown as
 * `ChatError`s (see `toUpstreamError`); a stream that ends without a finish reason is
 * `UPSTREAM_BAD_RESPONSE`. When the caller's signal aborts, the upstream request is aborted and
 * the signal's reason is thrown.
 *
 * Without a `client` option the request goes out on node:http with keep-alive connections and
 * the `openai` client's retry, timeout and error rules (`requestChatCompletion`), and the stream
 * is parsed by a small SSE decoder: per token about 2.5× less CPU than the client's fetch and
 * web-streams path, and less memory per open stream (bench/RESULTS.md S1, S3, S4).
 *
 * @throws TypeError at construction when an option is invalid (the message names it).
 */
export class OpenAIChatModel implements ChatModel {
  readonly id: string;
  /** Where requests go (`<baseURL>/chat/completions`); `undefined` with a caller's `client`. */
  readonly baseURL: string | undefined;
  readonly #config: OpenAIChatModelConfig;

  constructor(options: OpenAIChatModelOptions = {}) {
    this.#config = resolveConfig(options);
    this.id = this.#config.model;
    this.baseURL = this.#config.baseURL;
  }

  stream(request: ChatModelRequest, options: ChatModelCallOptions): AsyncIterable<ChatModelPart> {
    const pending = this.#pending(request);
    return pullParts(
      (signal, receiver) => this.#run(pending, { ...options, signal }, receiver),
      options.signal,
    );
  }

  streamTo(
    request: ChatModelRequest,
    options: ChatModelCallOptions,
    receiver: ChatModelReceiver,
  ): Promise<FinishPart> {
    return this.#run(this.#pending(request), options, receiver);
  }

  /**
   * The request body, built now and handed over in a holder that the request empties: a stream
   * that stays open for minutes must not keep its prompt (schema, history) alive once it is sent
   * (bench S4).
   */
  #pending(request: ChatModelRequest): PendingRequest {
    const config = this.#config;
    return {
      body: {
        ...config.extraBody,
        model: config.model,
        messages: request.messages.map((message) => ({
          role: message.role,
          content: message.content,
        })),
        temperature: request.temperature ?? config.temperature,
        max_tokens: request.maxTokens ?? config.maxTokens,
        stream: true,
        stream_options: { include_usage: true },
      },
    };
  }

  /**
   * One answer: sends the request, hands every text delta to the receiver as its chunk is read
   * (straight from the socket's `data` events: no promise per token), resolves with the finish.
   */
  async #run(
    pending: PendingRequest,
    options: ChatModelCallOptions,
    receiver: ChatModelReceiver,
  ): Promise<FinishPart> {
    const { signal } = options;
    const config = this.#config;
    signal.throwIfAborted();
    // Our transport is tied to `signal` directly (one abort listener, no controller per stream);
    // a caller's client gets a controller of its own, so the request ends when we stop reading.
    const controller = config.transport ? undefined : new AbortController();
    const forwardAbort = () => controller?.abort(signal.reason);
    if (controller) signal.addEventListener('abort', forwardAbort, { once: true });
    const failure = (error: unknown): unknown =>
      signal.aborted ? signal.reason : toUpstreamError(error);

    let nodeBody: IncomingMessage | undefined;
    let reader: CompletionChunkReader | undefined;
    try {
      let sent: NodeHttpResponse | Response;
      try {
        sent = await send(config, pending, controller?.signal ?? signal, options.trace);
      } catch (error) {
        throw failure(error);
      }
      // Our transport hands over a Node stream; a caller's client, a fetch Response. Text read
      // after an abort is dropped.
      const onText = (delta: string) => {
        if (!signal.aborted) receiver.text(delta);
      };
      try {
        if (sent instanceof Response) {
          reader = new CompletionChunkReader(onText, () => sent.headers);
          await readWebBody(sent, reader);
        } else {
          nodeBody = sent.body;
          reader = new CompletionChunkReader(onText, () => toHeaders(sent.headers));
          await readNodeBody(sent.body, reader);
        }
      } catch (error) {
        // A reset after the finish chunk only costs the usage numbers: the answer is whole.
        if (reader?.finishReason === undefined || signal.aborted) throw failure(error);
      }
      if (signal.aborted) throw signal.reason;
      if (reader.finishReason === undefined) throw badResponseError();
      const finish: FinishPart = {
        type: 'finish',
        finishReason: toFinishReason(reader.finishReason),
      };
      const usage = toUsage(reader.usage);
      if (usage) finish.usage = usage;
      return finish;
    } finally {
      if (controller) signal.removeEventListener('abort', forwardAbort);
      if (reader?.sawDone && nodeBody) {
        // A finished answer: let the last bytes after [DONE] drain so the socket goes back to the
        // keep-alive pool (a new connection per turn costs more than the rest of the turn's
        // request), with a bound in case the upstream holds the response open.
        releaseWhenEnded(nodeBody);
      } else {
        // Stopped early, aborted or failed: close the request and its socket.
        controller?.abort();
        nodeBody?.destroy();
      }
    }
  }
}

/**
 * The pull form of a push stream, for {@link ChatModel.stream}: text deltas queue up until the
 * consumer takes them, then the finish part. A consumer that stops early aborts the answer; once
 * `signal` aborts, what is still queued is dropped and its reason is thrown.
 */
async function* pullParts(
  start: (signal: AbortSignal, receiver: ChatModelReceiver) => Promise<FinishPart>,
  signal: AbortSignal,
): AsyncGenerator<ChatModelPart> {
  const stopped = new AbortController();
  const queue: string[] = [];
  let wake: (() => void) | undefined;
  const outcome: { done: boolean; finish?: FinishPart; error?: unknown } = { done: false };
  const running = start(AbortSignal.any([signal, stopped.signal]), {
    text(delta) {
      queue.push(delta);
      wake?.();
    },
  }).then(
    (finish) => {
      outcome.finish = finish;
    },
    (error: unknown) => {
      outcome.error = error ?? new Error('the model failed');
    },
  );
  void running.finally(() => {
    outcome.done = true;
    wake?.();
  });
  try {
    for (let next = 0; ; ) {
      if (signal.aborted) throw signal.reason;
      if (next < queue.length) {
        yield { type: 'text-delta', text: queue[next++] as string };
        continue;
      }
      if (outcome.done) break;
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
      wake = undefined;
    }
    if (outcome.error !== undefined) throw outcome.error;
    if (outcome.finish) yield outcome.finish;
  } finally {
    if (!outcome.done) {
      stopped.abort();
      await running;
    }
  }
}

/** A request body waiting to be sent; emptied when it is. */
interface PendingRequest {
  body: Record<string, unknown> | undefined;
}

/** Sends the pending request (once) and resolves with the response once its headers arrive. */
function send(
  config: OpenAIChatModelConfig,
  pending: PendingRequest,
  signal: AbortSignal,
  trace: object | undefined,
): Promise<NodeHttpResponse | Response> {
  const body = pending.body;
  pending.body = undefined;
  if (body === undefined) throw new Error('OpenAIChatModel: a stream can be read once.');
  if (config.transport) {
    return requestChatCompletion({
      url: config.completionsUrl,
      apiKey: config.apiKey,
      body,
      signal,
      timeoutMs: config.timeoutMs,
      maxRetries: config.maxRetries,
      transport: config.transport,
      ...(trace === undefined ? {} : { trace }),
    });
  }
  return (config.client as OpenAI).chat.completions
    .create(body as unknown as ChatCompletionCreateParamsStreaming, {
      signal,
      timeout: config.timeoutMs,
      maxRetries: config.maxRetries,
    })
    .asResponse();
}

/** Longest wait for an upstream to end its response after `[DONE]`, ms. */
const DRAIN_AFTER_DONE_MS = 1_000;

/** Drains what follows `[DONE]`; destroys the response if it does not end soon. */
function releaseWhenEnded(body: IncomingMessage): void {
  if (body.complete) return;
  const timer = setTimeout(() => body.destroy(), DRAIN_AFTER_DONE_MS);
  timer.unref();
  body.once('close', () => clearTimeout(timer));
  body.resume();
}

function resolveConfig(options: OpenAIChatModelOptions): OpenAIChatModelConfig {
  const env = process.env;
  const model = options.model ?? DEFAULT_OPENAI_MODEL;
  if (typeof model !== 'string' || model.trim() === '') {
    throw optionError('model', 'a non-empty model name', model);
  }
  const temperature = options.temperature ?? 0.7;
  if (typeof temperature !== 'number' || !(temperature >= 0 && temperature <= 2)) {
    throw optionError('temperature', 'a number from 0 to 2', temperature);
  }
  const maxTokens = options.maxTokens ?? 1500;
  if (!Number.isInteger(maxTokens) || maxTokens < 1) {
    throw optionError('maxTokens', 'a positive integer', maxTokens);
  }
  const maxRetries = options.maxRetries ?? 1;
  if (!Number.isInteger(maxRetries) || maxRetries < 0) {
    throw optionError('maxRetries', 'an integer ≥ 0', maxRetries);
  }
  const timeoutMs = options.timeoutMs ?? 60_000;
  if (typeof timeoutMs !== 'number' || !(timeoutMs > 0) || !Number.isFinite(timeoutMs)) {
    throw optionError('timeoutMs', 'a positive number of milliseconds', timeoutMs);
  }
  const extraBody = options.extraBody ?? {};
  if (typeof extraBody !== 'object' || extraBody === null || Array.isArray(extraBody)) {
    throw optionError('extraBody', 'a plain object of extra request fields', extraBody);
  }

  const client = options.client;
  let transport: NodeHttpTransport | undefined;
  let baseURL: string | undefined;
  let completionsUrl = '';
  let apiKey = '';
  if (!client) {
    baseURL =
      options.baseURL ?? env.VLLM_QWEN_7B_URL ?? env.OPENAI_BASE_URL ?? 'http://localhost:8003/v1';
    if (!URL.canParse(baseURL) || !/^https?:$/.test(new URL(baseURL).protocol)) {
      throw optionError('baseURL', 'an http(s) URL such as http://localhost:8003/v1', baseURL);
    }
    apiKey = options.apiKey ?? env.OPENAI_API_KEY ?? 'EMPTY';
    completionsUrl = `${baseURL.replace(/\/+$/, '')}/chat/completions`;
    transport = createNodeHttpTransport();
  }
  return {
    client,
    transport,
    baseURL,
    completionsUrl,
    apiKey,
    model,
    temperature,
    maxTokens,
    maxRetries,
    timeoutMs,
    extraBody,
  };
}

function optionError(name: string, expected: string, actual: unknown): TypeError {
  return new TypeError(
    `OpenAIChatModel: option "${name}" must be ${expected} (got ${JSON.stringify(actual)}).`,
  );
}

function toFinishReason(reason: string): FinishPart['finishReason'] {
  if (reason === 'length' || reason === 'content_filter') return reason;
  // `stop`, and tool/function calls (not requested, but a complete turn all the same).
  return 'stop';
}

function toUsage(usage: ChatCompletionChunk['usage']): Usage | undefined {
  if (!usage) return undefined;
  const promptTokens = Number(usage.prompt_tokens) || 0;
  const completionTokens = Number(usage.completion_tokens) || 0;
  const totalTokens = Number(usage.total_tokens) || promptTokens + completionTokens;
  return { promptTokens, completionTokens, totalTokens };
}
