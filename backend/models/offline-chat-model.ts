// A ChatModel that needs no LLM: answers from the project's schema, for the zero-configuration
// demo, and says plainly that it is the offline assistant.

import { estimateMessagesTokens, estimateTokens } from '../context/estimate-tokens.js';
import { parseSchema } from '../schema/parse-schema.js';
import { answerFromSchema } from './answer-from-schema.js';
import type {
  ChatModel,
  ChatModelCallOptions,
  ChatModelPart,
  ChatModelRequest,
} from './chat-model.js';

/** Options of {@link OfflineChatModel}. */
export interface OfflineChatModelOptions {
  /** Pause between streamed words, ms, so the demo streams like a model. Defaults to 15 (use 0 in tests). */
  tokenDelayMs?: number;
  /** Model name reported in `complete.metadata.model`. Defaults to `schema-chat/offline`. */
  id?: string;
}

/** Default id: makes the offline nature obvious wherever the model name is shown. */
export const OFFLINE_MODEL_ID = 'schema-chat/offline';

/**
 * Answers the last user message from `request.project`'s schema (see `answerFromSchema`): lists
 * and describes tables, explains relations with a `JOIN` query, counts, suggests indexes and
 * design fixes, and otherwise says what it can do. Streams the Markdown answer in word-sized
 * deltas, stops with the signal's reason when aborted, and reports usage from `estimateTokens`.
 * A Continue (`request.continues`) gets the rest of the same answer after the cut text.
 *
 * @throws TypeError at construction when an option is invalid (the message names it).
 */
export class OfflineChatModel implements ChatModel {
  readonly id: string;
  readonly #tokenDelayMs: number;

  constructor(options: OfflineChatModelOptions = {}) {
    const delay = options.tokenDelayMs ?? 15;
    if (typeof delay !== 'number' || !Number.isFinite(delay) || delay < 0) {
      throw new TypeError(
        `OfflineChatModel: option "tokenDelayMs" must be a number of milliseconds ≥ 0 (got ${JSON.stringify(delay)}).`,
      );
    }
    const id = options.id ?? OFFLINE_MODEL_ID;
    if (typeof id !== 'string' || id.trim() === '') {
      throw new TypeError(
        `OfflineChatModel: option "id" must be a non-empty string (got ${JSON.stringify(id)}).`,
      );
    }
    this.#tokenDelayMs = delay;
    this.id = id;
  }

  async *stream(
    request: ChatModelRequest,
    options: ChatModelCallOptions,
  ): AsyncIterable<ChatModelPart> {
    const { signal } = options;
    signal.throwIfAborted();
    const question = lastUserMessage(request);
    const whole = request.project
      ? answerFromSchema(parseSchema(request.project.schema), question, request.project.name)
          .markdown
      : "I'm the offline schema assistant, and no project schema came with this question, so I have nothing to answer from.";
    const markdown = remainderAfter(whole, request.continues);
    for (const piece of splitWords(markdown)) {
      if (this.#tokenDelayMs > 0) await sleep(this.#tokenDelayMs, signal);
      signal.throwIfAborted();
      yield { type: 'text-delta', text: piece };
    }
    signal.throwIfAborted();
    const promptTokens = estimateMessagesTokens(request.messages);
    const completionTokens = estimateTokens(markdown);
    yield {
      type: 'finish',
      finishReason: 'stop',
      usage: { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens },
    };
  }
}

/** The question: the last user message (before the cut answer and the request, for a Continue). */
function lastUserMessage(request: ChatModelRequest): string {
  const skip = request.continues ? 2 : 0;
  for (let i = request.messages.length - 1 - skip; i >= 0; i--) {
    const message = request.messages[i];
    if (message?.role === 'user') return message.content;
  }
  return '';
}

/**
 * What a Continue adds to `cut`: the rest of the answer when `cut` is its start (the offline answer
 * is the same every time), otherwise a short closing. The whole answer when nothing was cut.
 */
export function remainderAfter(whole: string, cut: string | undefined): string {
  if (!cut) return whole;
  if (whole.startsWith(cut)) return whole.slice(cut.length) || '\n\nThat was the whole answer.';
  return '\n\nThat is all I can add to this answer: ask a follow-up question for more.';
}

/** Word-sized pieces (each word with the whitespace before it) that join back to `text` exactly. */
export function splitWords(text: string): string[] {
  return text.match(/\s*\S+|\s+$/g) ?? [];
}

/** Waits `ms`, rejecting with the signal's reason as soon as it aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
