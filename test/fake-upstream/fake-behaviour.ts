// What the fake OpenAI-compatible upstream does for one request, and the `[[fake:…]]` directive
// that lets a test in another process pick it through the chat message itself.
// Plain erasable TypeScript: Node runs this file directly (type stripping) via cli.ts.

/** A finish reason the fake sends. */
export type FakeFinishReason = 'stop' | 'length' | 'content_filter';

/** How a streamed answer is shaped (shared by every behaviour that streams). */
export interface StreamShape {
  /** Token texts to send, or how many default tokens ({@link fakeTokens}). Defaults to 8. */
  tokens?: number | string[];
  /** Text to send instead of `tokens`, cut into word-sized tokens. Defaults to none. */
  text?: string;
  /** Delay between tokens, ms. Defaults to 0. */
  intervalMs?: number;
  /** Delay before the response headers (a queued or slow server), ms. Defaults to 0. */
  responseDelayMs?: number;
  /** Delay before the first content token (after the role chunk), ms. Defaults to 0. */
  firstTokenDelayMs?: number;
  /** `finish_reason` of the finish chunk. Defaults to `stop`. */
  finishReason?: FakeFinishReason;
  /**
   * Writes every SSE frame in two `write`s cut inside a multi-byte UTF-8 character (when the frame
   * has one, else mid-frame), with a pause between them. Defaults to false.
   */
  splitUtf8?: boolean;
  /** Sends `delta: { content: null }` chunks between tokens, as vLLM does. Defaults to true. */
  nullChunks?: boolean;
  /**
   * Each token's text is the time it is written, on the machine's monotonic clock, in whole
   * microseconds, as ` <µs>;` ({@link readStamps} reads them back), so a reader in another process
   * measures how long each token took to reach it. `tokens` still says how many. Defaults to false.
   */
  stamp?: boolean;
}

/** A normal answer. */
export interface NormalBehaviour extends StreamShape {
  kind: 'normal';
}

/** Sends `afterTokens` tokens, then nothing more while keeping the connection open. */
export interface StallBehaviour extends StreamShape {
  kind: 'stall';
  afterTokens: number;
}

/** Sends `afterTokens` tokens, then resets the TCP connection. */
export interface ResetBehaviour extends StreamShape {
  kind: 'reset';
  afterTokens: number;
}

/** Sends `afterTokens` tokens, then a frame whose JSON is cut off, then carries on normally. */
export interface MalformedBehaviour extends StreamShape {
  kind: 'malformed';
  afterTokens: number;
}

/** Sends `afterTokens` tokens (default: all), then ends the response: no finish, no `[DONE]`. */
export interface NoDoneBehaviour extends StreamShape {
  kind: 'no-done';
  afterTokens?: number;
}

/** A normal answer whose last content chunk is one delta of `bytes` ASCII bytes (default 1 MiB). */
export interface HugeDeltaBehaviour extends StreamShape {
  kind: 'huge-delta';
  bytes?: number;
}

/** An HTTP error status (500, 503, 429 …) with the vLLM error body and optional `Retry-After`. */
export interface StatusBehaviour {
  kind: 'status';
  status: number;
  /** `Retry-After` header value (seconds or an HTTP date). Defaults to none. */
  retryAfter?: number | string;
  /** Response body. Defaults to the vLLM error shape `{ error: { message, type, param, code } }`. */
  body?: unknown;
}

/** HTTP 400 "maximum context length" in the vLLM (default) or OpenAI error shape. */
export interface ContextLengthBehaviour {
  kind: 'context-length';
  flavour?: 'vllm' | 'openai';
}

/** Everything the fake can do for one chat-completion request. */
export type Behaviour =
  | NormalBehaviour
  | StallBehaviour
  | ResetBehaviour
  | MalformedBehaviour
  | NoDoneBehaviour
  | HugeDeltaBehaviour
  | StatusBehaviour
  | ContextLengthBehaviour;

/** Default number of tokens of a normal answer. */
export const DEFAULT_TOKEN_COUNT = 8;

/** The default token texts: `Fake0`, ` fake1`, ` fake2`, … (deterministic, so tests can compare). */
export function fakeTokens(count: number): string[] {
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) tokens.push(i === 0 ? 'Fake0' : ` fake${i}`);
  return tokens;
}

/** The full text of {@link fakeTokens}`(count)`. */
export function fakeText(count: number = DEFAULT_TOKEN_COUNT): string {
  return fakeTokens(count).join('');
}

/** A stamped token's text for a write at `micros` (see {@link StreamShape.stamp}). */
export function stampToken(micros: number): string {
  return ` ${micros};`;
}

/** The write times (µs) of the stamped tokens completed in `text`, and the unfinished rest. */
export function readStamps(text: string): { micros: number[]; rest: string } {
  const micros: number[] = [];
  let start = 0;
  for (let end = text.indexOf(';'); end !== -1; end = text.indexOf(';', start)) {
    micros.push(Number(text.slice(start, end)));
    start = end + 1;
  }
  return { micros, rest: text.slice(start) };
}

/** Cuts text into word-sized tokens (each word with the whitespace before it); they join back exactly. */
export function splitIntoTokens(text: string): string[] {
  return text.match(/\s*\S+|\s+/g) ?? [];
}

/** The token texts a streaming behaviour sends (before any huge delta). */
export function tokensOf(shape: StreamShape): string[] {
  if (typeof shape.text === 'string') return splitIntoTokens(shape.text);
  if (Array.isArray(shape.tokens)) return shape.tokens;
  return fakeTokens(typeof shape.tokens === 'number' ? shape.tokens : DEFAULT_TOKEN_COUNT);
}

/** A parsed directive: the behaviour, or why the directive is wrong. */
export type DirectiveResult = { behaviour: Behaviour } | { error: string };

const DIRECTIVE = /\[\[fake:([^\]]*)\]\]/g;

/**
 * Reads `[[fake:key=value,key,…]]` directives in a message (several blocks merge). Keys:
 * `tokens=N`, `text=<percent-encoded>`, `interval=MS`, `response-delay=MS`, `first-token-delay=MS`,
 * `finish=stop|length|content_filter`, `split-utf8`, `no-null-chunks`, `stamp`, `stall-after=K`,
 * `reset-after=K`, `malformed-after=K`, `no-done[=K]`, `huge-delta[=BYTES]`, `status=NNN`,
 * `retry-after=S`, `context-length[=openai]`. Returns `undefined` when the message has none.
 */
export function parseFakeDirective(message: string): DirectiveResult | undefined {
  const pairs: Array<[string, string | undefined]> = [];
  for (const match of message.matchAll(DIRECTIVE)) {
    for (const part of (match[1] ?? '').split(',')) {
      const item = part.trim();
      if (!item) continue;
      const eq = item.indexOf('=');
      pairs.push(
        eq === -1 ? [item, undefined] : [item.slice(0, eq).trim(), item.slice(eq + 1).trim()],
      );
    }
  }
  if (pairs.length === 0) return undefined;

  const shape: StreamShape = {};
  let kind: Behaviour['kind'] = 'normal';
  let after: number | undefined;
  let bytes: number | undefined;
  let status: number | undefined;
  let retryAfter: string | undefined;
  let flavour: 'vllm' | 'openai' = 'vllm';
  for (const [key, value] of pairs) {
    const number = value === undefined ? Number.NaN : Number(value);
    const needNumber = () => {
      if (!Number.isFinite(number) || number < 0) throw new Error(`"${key}" needs a number ≥ 0`);
      return number;
    };
    try {
      switch (key) {
        case 'tokens':
          shape.tokens = needNumber();
          break;
        case 'text':
          shape.text = decodeURIComponent(value ?? '');
          break;
        case 'interval':
          shape.intervalMs = needNumber();
          break;
        case 'response-delay':
          shape.responseDelayMs = needNumber();
          break;
        case 'first-token-delay':
          shape.firstTokenDelayMs = needNumber();
          break;
        case 'finish':
          if (value !== 'stop' && value !== 'length' && value !== 'content_filter') {
            throw new Error('"finish" must be stop, length or content_filter');
          }
          shape.finishReason = value;
          break;
        case 'split-utf8':
          shape.splitUtf8 = true;
          break;
        case 'no-null-chunks':
          shape.nullChunks = false;
          break;
        case 'stamp':
          shape.stamp = true;
          break;
        case 'stall-after':
        case 'reset-after':
        case 'malformed-after':
          kind = key === 'stall-after' ? 'stall' : key === 'reset-after' ? 'reset' : 'malformed';
          after = needNumber();
          break;
        case 'no-done':
          kind = 'no-done';
          if (value !== undefined) after = needNumber();
          break;
        case 'huge-delta':
          kind = 'huge-delta';
          if (value !== undefined) bytes = needNumber();
          break;
        case 'status':
          kind = 'status';
          status = needNumber();
          break;
        case 'retry-after':
          retryAfter = value ?? '';
          break;
        case 'context-length':
          kind = 'context-length';
          if (value === 'openai') flavour = 'openai';
          break;
        default:
          throw new Error(`unknown key "${key}"`);
      }
    } catch (error) {
      return { error: `fake upstream directive: ${(error as Error).message}` };
    }
  }

  switch (kind) {
    case 'status': {
      const behaviour: StatusBehaviour = { kind, status: status ?? 500 };
      if (retryAfter !== undefined) behaviour.retryAfter = retryAfter;
      return { behaviour };
    }
    case 'context-length':
      return { behaviour: { kind, flavour } };
    case 'stall':
    case 'reset':
    case 'malformed':
      return { behaviour: { ...shape, kind, afterTokens: after ?? 0 } };
    case 'no-done':
      return {
        behaviour:
          after === undefined ? { ...shape, kind } : { ...shape, kind, afterTokens: after },
      };
    case 'huge-delta':
      return { behaviour: bytes === undefined ? { ...shape, kind } : { ...shape, kind, bytes } };
    default:
      return { behaviour: { ...shape, kind: 'normal' } };
  }
}
