// The ChatModel for any OpenAI-compatible server (vLLM serving Qwen2.5-7B-Instruct is the
// reference), over the official `openai` client, with coded errors and an idle-stream timeout.

import OpenAI from 'openai';
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import type { Usage } from '../../sdk/protocol.js';
import type {
  ChatModel,
  ChatModelCallOptions,
  ChatModelPart,
  ChatModelRequest,
  FinishPart,
} from './chat-model.js';
import { badResponseError, timeoutError, toUpstreamError } from './to-upstream-error.js';

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
   * Most silence allowed once the response has started: before the first token (prompt
   * processing) and between tokens, ms. Only content resets it: keep-alive or empty chunks do not.
   * When it runs out the request is aborted and `UPSTREAM_TIMEOUT` thrown. Defaults to 30000.
   */
  idleTimeoutMs?: number;
  /**
   * Extra fields for the request body, e.g. vLLM's `{ top_k: 20, repetition_penalty: 1.05 }`.
   * They cannot override `model`, `messages` or the streaming fields. Defaults to none.
   */
  extraBody?: Record<string, unknown>;
}

/** Options resolved once at construction. */
interface OpenAIChatModelConfig {
  client: OpenAI;
  model: string;
  temperature: number;
  maxTokens: number;
  maxRetries: number;
  timeoutMs: number;
  idleTimeoutMs: number;
  extraBody: Record<string, unknown>;
}

/** Default model of the seed. */
export const DEFAULT_OPENAI_MODEL = 'Qwen/Qwen2.5-7B-Instruct';

/**
 * Streams answers from an OpenAI-compatible `/chat/completions` endpoint with `stream: true` and
 * `stream_options.include_usage`. Yields `text-delta` parts (empty and `null` contents skipped)
 * and one `finish` part with the finish reason and the upstream's usage. Failures are thrown as
 * `ChatError`s (see `toUpstreamError`); a stream that ends without a finish reason is
 * `UPSTREAM_BAD_RESPONSE`. When the caller's signal aborts, the upstream request is aborted and
 * the signal's reason is thrown.
 *
 * @throws TypeError at construction when an option is invalid (the message names it).
 */
export class OpenAIChatModel implements ChatModel {
  readonly id: string;
  readonly #config: OpenAIChatModelConfig;

  constructor(options: OpenAIChatModelOptions = {}) {
    this.#config = resolveConfig(options);
    this.id = this.#config.model;
  }

  async *stream(
    request: ChatModelRequest,
    options: ChatModelCallOptions,
  ): AsyncIterable<ChatModelPart> {
    const { signal } = options;
    const config = this.#config;
    signal.throwIfAborted();
    const controller = new AbortController();
    const forwardAbort = () => controller.abort(signal.reason);
    signal.addEventListener('abort', forwardAbort, { once: true });
    let idleTimer: ReturnType<typeof setTimeout> | undefined;
    let idleExpired = false;
    const armIdle = () => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(() => {
        idleExpired = true;
        controller.abort(new Error('upstream idle timeout'));
      }, config.idleTimeoutMs);
    };
    const disarmIdle = () => clearTimeout(idleTimer);
    /** The error to throw for a failure, given why (or whether) the request was aborted. */
    const failure = (error: unknown): unknown => {
      if (signal.aborted) return signal.reason;
      if (idleExpired) return timeoutError(error);
      return toUpstreamError(error);
    };

    try {
      let stream: AsyncIterable<ChatCompletionChunk>;
      try {
        stream = await config.client.chat.completions.create(
          {
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
          { signal: controller.signal, timeout: config.timeoutMs, maxRetries: config.maxRetries },
        );
      } catch (error) {
        throw failure(error);
      }

      let finishReason: FinishPart['finishReason'] | undefined;
      let usage: Usage | undefined;
      armIdle();
      try {
        for await (const chunk of stream) {
          if (chunk.usage) usage = toUsage(chunk.usage);
          const choice = chunk.choices?.[0];
          if (!choice) continue; // the usage chunk has `choices: []`
          const text = choice.delta?.content;
          if (typeof text === 'string' && text.length > 0) {
            // The consumer's pace is not upstream silence: no idle clock while suspended in yield.
            disarmIdle();
            yield { type: 'text-delta', text };
            if (signal.aborted) break;
            armIdle();
          }
          if (choice.finish_reason) {
            finishReason = toFinishReason(choice.finish_reason);
            armIdle(); // the usage chunk and [DONE] follow; they get the same allowance
          }
        }
      } catch (error) {
        // A reset after the finish chunk only costs the usage numbers: the answer is whole.
        if (finishReason === undefined || signal.aborted) throw failure(error);
      }
      disarmIdle();
      if (signal.aborted) throw signal.reason;
      // The openai stream ends quietly when aborted, so a silent upstream shows up here.
      if (idleExpired && finishReason === undefined) throw timeoutError();
      if (finishReason === undefined) throw badResponseError();
      const finish: FinishPart = { type: 'finish', finishReason };
      if (usage) finish.usage = usage;
      yield finish;
    } finally {
      disarmIdle();
      signal.removeEventListener('abort', forwardAbort);
      // Releases the socket when the consumer stopped early (break / return()).
      controller.abort();
    }
  }
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
  const idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
  if (
    typeof idleTimeoutMs !== 'number' ||
    !(idleTimeoutMs > 0) ||
    !Number.isFinite(idleTimeoutMs)
  ) {
    throw optionError('idleTimeoutMs', 'a positive number of milliseconds', idleTimeoutMs);
  }
  const extraBody = options.extraBody ?? {};
  if (typeof extraBody !== 'object' || extraBody === null || Array.isArray(extraBody)) {
    throw optionError('extraBody', 'a plain object of extra request fields', extraBody);
  }

  let client = options.client;
  if (!client) {
    const baseURL =
      options.baseURL ?? env.VLLM_QWEN_7B_URL ?? env.OPENAI_BASE_URL ?? 'http://localhost:8003/v1';
    if (!URL.canParse(baseURL) || !/^https?:$/.test(new URL(baseURL).protocol)) {
      throw optionError('baseURL', 'an http(s) URL such as http://localhost:8003/v1', baseURL);
    }
    client = new OpenAI({
      baseURL,
      apiKey: options.apiKey ?? env.OPENAI_API_KEY ?? 'EMPTY',
      maxRetries,
      timeout: timeoutMs,
      // Failures are classified and logged by the router as coded errors; the client's own
      // console output would only repeat them. OPENAI_LOG turns it back on for debugging.
      logLevel: env.OPENAI_LOG ? undefined : 'off',
    });
  }
  return { client, model, temperature, maxTokens, maxRetries, timeoutMs, idleTimeoutMs, extraBody };
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
