// A ChatModel for router tests whose behaviour each test scripts: tokens and pacing, a failure
// after k tokens, a stall, an end without finish. It counts calls so tests can assert "exactly
// one generation per idempotency key". (The OpenAI path is tested against the fake upstream.)

import { setTimeout as sleep } from 'node:timers/promises';
import type { ChatError } from '../../backend/errors.js';
import type {
  ChatModel,
  ChatModelCallOptions,
  ChatModelPart,
  ChatModelRequest,
} from '../../backend/models/chat-model.js';
import type { Usage } from '../../sdk/protocol.js';

/** What one call does. */
export interface ModelScript {
  /** Text deltas, in order. Defaults to `['Hello', ' there', '!']`. */
  tokens?: string[];
  /** Pause before each token. Defaults to 0. */
  intervalMs?: number;
  /** Pause before the first token. Defaults to 0. */
  firstTokenDelayMs?: number;
  /** Defaults to `stop`. */
  finishReason?: 'stop' | 'length' | 'content_filter';
  /** Usage in the finish part; `null` sends none. Defaults to a fixed usage. */
  usage?: Usage | null;
  /** Throw this error after `afterTokens` tokens. */
  fail?: { afterTokens: number; error: ChatError };
  /** Go silent after this many tokens, until aborted. */
  stallAfter?: number;
  /** End the iteration with no finish part. */
  endWithoutFinish?: boolean;
  /** Ignore the abort signal while stalled (a misbehaving model). */
  ignoreAbort?: boolean;
}

/** Default usage reported by scripted calls. */
export const SCRIPTED_USAGE: Usage = { promptTokens: 42, completionTokens: 3, totalTokens: 45 };

/** See the file comment. */
export class ScriptedChatModel implements ChatModel {
  readonly id = 'test/scripted-model';
  /** Every request received, in order. */
  readonly calls: ChatModelRequest[] = [];
  readonly #queue: ModelScript[] = [];
  #default: ModelScript = {};

  /** Scripts the next call (calls take queued scripts in order, then the default). */
  next(script: ModelScript): this {
    this.#queue.push(script);
    return this;
  }

  /** Scripts every call that has no queued script. */
  setDefault(script: ModelScript): this {
    this.#default = script;
    return this;
  }

  async *stream(
    request: ChatModelRequest,
    { signal }: ChatModelCallOptions,
  ): AsyncGenerator<ChatModelPart> {
    this.calls.push(request);
    const script = this.#queue.shift() ?? this.#default;
    const tokens = script.tokens ?? ['Hello', ' there', '!'];
    if (script.firstTokenDelayMs) await sleep(script.firstTokenDelayMs, undefined, { signal });
    for (let i = 0; i < tokens.length; i++) {
      if (script.fail && i === script.fail.afterTokens) throw script.fail.error;
      if (script.stallAfter === i) {
        if (script.ignoreAbort) await new Promise(() => {});
        await sleep(2 ** 31 - 1, undefined, { signal });
      }
      if (i > 0 && script.intervalMs) await sleep(script.intervalMs, undefined, { signal });
      yield { type: 'text-delta', text: tokens[i] as string };
    }
    if (script.fail && script.fail.afterTokens >= tokens.length) throw script.fail.error;
    if (script.endWithoutFinish) return;
    const usage = script.usage === undefined ? SCRIPTED_USAGE : script.usage;
    yield {
      type: 'finish',
      finishReason: script.finishReason ?? 'stop',
      ...(usage === null ? {} : { usage }),
    };
  }
}
