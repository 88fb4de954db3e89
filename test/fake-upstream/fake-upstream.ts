// A fake OpenAI-compatible upstream on node:http that speaks vLLM's chunk format and misbehaves on
// request: the model side of every streaming, fault and load test.
// Plain erasable TypeScript with `.ts` imports: Node runs it directly through cli.ts.

import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  type Behaviour,
  type ContextLengthBehaviour,
  type FakeFinishReason,
  parseFakeDirective,
  type StatusBehaviour,
  type StreamShape,
  stampToken,
  tokensOf,
} from './fake-behaviour.ts';

export * from './fake-behaviour.ts';

/**
 * What the default model (`VLLM_QWEN_7B_URL`, Qwen2.5-7B-Instruct) sends upstream in every request
 * body.
 */
export const SEED_REQUEST_DEFAULTS = {
  model: 'Qwen/Qwen2.5-7B-Instruct',
  temperature: 0.7,
  max_tokens: 1500,
  stream: true,
  stream_options: { include_usage: true },
} as const;

/** Options of {@link startFakeUpstream}. */
export interface FakeUpstreamOptions {
  /** Port to listen on. Defaults to 0 (any free port). */
  port?: number;
  /** Interface to listen on. Defaults to `127.0.0.1`. */
  host?: string;
  /** What a request gets when nothing is scripted. Defaults to `{ kind: 'normal' }`. */
  defaultBehaviour?: Behaviour;
  /** Model id of `GET /v1/models` and of chunks when the request names none. Defaults to `Qwen/Qwen2.5-7B-Instruct`. */
  model?: string;
}

/** Picks a behaviour from the request body and the 0-based chat-completion call index. */
export type BehaviourFunction = (request: FakeRequest, index: number) => Behaviour;

/** One chat-completion request the fake received. */
export interface FakeRequest {
  /** 0-based, in arrival order. */
  index: number;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body (`model`, `messages`, `stream`, `stream_options`, …). */
  // biome-ignore lint/suspicious/noExplicitAny: request bodies are whatever the client sent.
  body: any;
  /** The behaviour the fake applied. */
  behaviour: Behaviour;
  /** Whether the client went away before the response ended (stop, abort, timeout). */
  aborted: boolean;
}

/** What the fake has received so far (chat completions only). */
export interface FakeUpstreamCalls {
  /** Number of chat-completion requests. */
  readonly count: number;
  /** Every chat-completion request, in order. */
  readonly requests: readonly FakeRequest[];
  /** Their parsed bodies, in order. */
  // biome-ignore lint/suspicious/noExplicitAny: request bodies are whatever the client sent.
  readonly bodies: readonly any[];
  /** How many of them the client abandoned before the response ended. */
  readonly aborted: number;
  /** Chat-completion responses still being written (including stalled ones). */
  readonly open: number;
}

/** A running fake upstream. */
export interface FakeUpstream {
  /** Base URL for OpenAI clients, ending in `/v1`, e.g. `http://127.0.0.1:40123/v1`. */
  readonly url: string;
  readonly calls: FakeUpstreamCalls;
  /**
   * Scripts what comes next. A behaviour object is queued and used by one request (queued ones go
   * in order); a function becomes the responder for every request the queue does not cover. A
   * `[[fake:…]]` directive in the request's last user message wins over both.
   */
  script(next: Behaviour | BehaviourFunction): void;
  /** Forgets calls, the queue and the function; ends open (e.g. stalled) responses. */
  reset(): void;
  /** Ends every connection and stops listening. */
  close(): Promise<void>;
}

const DEFAULT_MODEL = 'Qwen/Qwen2.5-7B-Instruct';
/** Largest request body accepted (a prompt with a big schema fits easily). */
const MAX_BODY_BYTES = 16 * 1024 * 1024;

/**
 * Starts the fake upstream. Routes: `POST /v1/chat/completions` (`stream: true` → SSE in vLLM's
 * format: a role chunk with empty content, content chunks, occasional `content: null` chunks, a
 * finish chunk, a usage chunk with `choices: []` when `stream_options.include_usage`, then
 * `data: [DONE]`; `stream: false` → one completion JSON), `GET /v1/models`, `GET /health`, and
 * for tests in other processes `GET /__fake/calls`, `POST /__fake/script` (a behaviour or an array
 * of them, queued) and `POST /__fake/reset`.
 */
export async function startFakeUpstream(options: FakeUpstreamOptions = {}): Promise<FakeUpstream> {
  const model = options.model ?? DEFAULT_MODEL;
  const defaultBehaviour: Behaviour = options.defaultBehaviour ?? { kind: 'normal' };
  const requests: FakeRequest[] = [];
  const queue: Behaviour[] = [];
  let responder: BehaviourFunction | undefined;
  const openResponses = new Set<ServerResponse>();
  const sockets = new Set<Socket>();

  const pick = (request: FakeRequest): Behaviour | { error: string } => {
    const directive = parseFakeDirective(lastUserText(request.body));
    if (directive) return 'error' in directive ? directive : directive.behaviour;
    const queued = queue.shift();
    if (queued) return queued;
    return responder ? responder(request, request.index) : defaultBehaviour;
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      // A client that vanished mid-write is not the fake's problem; make sure nothing hangs.
      res.destroy();
    });
  });
  server.on('connection', (socket) => {
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && (path === '/v1/models' || path === '/models')) {
      sendJson(res, 200, {
        object: 'list',
        data: [
          {
            id: model,
            object: 'model',
            created: nowSeconds(),
            owned_by: 'vllm',
            root: model,
            parent: null,
            max_model_len: 32768,
          },
        ],
      });
      return;
    }
    if (req.method === 'GET' && path === '/health') {
      res.writeHead(200).end();
      return;
    }
    if (req.method === 'GET' && path === '/__fake/calls') {
      sendJson(res, 200, {
        count: requests.length,
        aborted: countAborted(),
        bodies: requests.map((r) => r.body),
      });
      return;
    }
    if (req.method === 'POST' && path === '/__fake/reset') {
      await readBody(req);
      resetState();
      sendJson(res, 200, { ok: true });
      return;
    }
    if (req.method === 'POST' && path === '/__fake/script') {
      const body = parseJson(await readBody(req));
      const list = Array.isArray(body) ? body : [body];
      if (!list.every(isBehaviour)) {
        sendJson(
          res,
          400,
          errorBody(
            'fake upstream: body must be a behaviour or an array of them',
            'BadRequestError',
            400,
          ),
        );
        return;
      }
      queue.push(...(list as Behaviour[]));
      sendJson(res, 200, { queued: queue.length });
      return;
    }
    if (
      req.method === 'POST' &&
      (path === '/v1/chat/completions' || path === '/chat/completions')
    ) {
      await handleCompletion(req, res);
      return;
    }
    sendJson(res, 404, { detail: 'Not Found' });
  }

  async function handleCompletion(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // biome-ignore lint/suspicious/noExplicitAny: request bodies are whatever the client sent.
    const body: any = parseJson(await readBody(req));
    const request: FakeRequest = {
      index: requests.length,
      headers: req.headers,
      body,
      behaviour: defaultBehaviour,
      aborted: false,
    };
    requests.push(request);
    if (!body || typeof body !== 'object' || !Array.isArray(body.messages)) {
      sendJson(
        res,
        400,
        errorBody('[{"type":"missing","loc":["body","messages"]}]', 'BadRequestError', 400),
      );
      return;
    }
    const picked = pick(request);
    if ('error' in picked) {
      sendJson(res, 400, errorBody(picked.error, 'BadRequestError', 400));
      return;
    }
    request.behaviour = picked;
    openResponses.add(res);
    res.on('close', () => {
      openResponses.delete(res);
      if (!res.writableFinished) request.aborted = true;
    });
    const context: ResponseContext = {
      res,
      id: `chatcmpl-fake-${request.index}`,
      created: nowSeconds(),
      model: typeof body.model === 'string' && body.model ? body.model : model,
      includeUsage: body.stream_options?.include_usage === true,
      promptTokens: countPromptTokens(body.messages),
    };
    if (body.stream === true) await streamResponse(context, picked);
    else await plainResponse(context, picked);
  }

  function resetState(): void {
    requests.length = 0;
    queue.length = 0;
    responder = undefined;
    for (const res of openResponses) res.destroy();
    openResponses.clear();
  }

  function countAborted(): number {
    return requests.filter((request) => request.aborted).length;
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}/v1`,
    calls: {
      get count() {
        return requests.length;
      },
      get requests() {
        return requests;
      },
      get bodies() {
        return requests.map((request) => request.body);
      },
      get aborted() {
        return countAborted();
      },
      get open() {
        return openResponses.size;
      },
    },
    script(next) {
      if (typeof next === 'function') responder = next;
      else queue.push(next);
    },
    reset: resetState,
    close() {
      for (const res of openResponses) res.destroy();
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

// --- responses -------------------------------------------------------------------------------

interface ResponseContext {
  res: ServerResponse;
  id: string;
  created: number;
  model: string;
  includeUsage: boolean;
  promptTokens: number;
}

async function streamResponse(context: ResponseContext, behaviour: Behaviour): Promise<void> {
  const { res } = context;
  if (behaviour.kind === 'status') return sendStatus(res, behaviour);
  if (behaviour.kind === 'context-length')
    return sendContextLength(res, behaviour, context.promptTokens);

  const shape: StreamShape = behaviour;
  if (shape.responseDelayMs && !(await pause(res, shape.responseDelayMs))) return;
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
  });
  const tokens = tokensOf(shape);
  const interval = shape.intervalMs ?? 0;
  const split = shape.splitUtf8 === true;
  const nullChunks = shape.nullChunks !== false;
  const stamp = shape.stamp === true;
  const write = (payload: string) =>
    split ? writeFrame(res, `data: ${payload}\n\n`, true) : writeText(res, `data: ${payload}\n\n`);
  const chunk = (delta: Record<string, unknown>, finish: FakeFinishReason | null = null) => {
    const choice: Record<string, unknown> = {
      index: 0,
      delta,
      logprobs: null,
      finish_reason: finish,
    };
    if (finish) choice.stop_reason = null;
    return JSON.stringify({
      id: context.id,
      object: 'chat.completion.chunk',
      created: context.created,
      model: context.model,
      choices: [choice],
    });
  };

  // A token's chunk is the same every time but for its text: built around it, not stringified
  // whole per token (byte-identical to `chunk({ content })`), so that a load of fast streams
  // measures the server under test rather than this fake.
  const [tokenHead, tokenTail] = chunk({ content: '\u0000' }).split('"\\u0000"') as [
    string,
    string,
  ];
  const tokenChunk = (content: string) => `${tokenHead}${JSON.stringify(content)}${tokenTail}`;

  // vLLM opens every stream with the role and empty content, before any token is generated.
  if (!(await write(chunk({ role: 'assistant', content: '' })))) return;
  if (shape.firstTokenDelayMs) {
    if (!(await pause(res, shape.firstTokenDelayMs))) return;
  }

  const limit =
    behaviour.kind === 'stall' || behaviour.kind === 'reset' || behaviour.kind === 'malformed'
      ? Math.min(behaviour.afterTokens, tokens.length)
      : behaviour.kind === 'no-done' && behaviour.afterTokens !== undefined
        ? Math.min(behaviour.afterTokens, tokens.length)
        : tokens.length;
  let sent = 0;
  // Tokens are due at fixed times from the first one (a model generating at a steady pace): a
  // token that is late because the process was busy goes out at once instead of pushing every
  // later one back, so the stream keeps its rate for as long as the process keeps up.
  let due = 0;
  const sendTokens = async (from: number, to: number): Promise<boolean> => {
    for (let i = from; i < to; i++) {
      if (i === 0 || due === 0) due = performance.now();
      else if (interval > 0) {
        due += interval;
        // Every paced stream waits on one shared clock (a timer per token per stream would cost
        // this process more than the token itself).
        if (due - performance.now() > 0.5) {
          await waitUntil(due);
          if (res.destroyed) return false;
        }
      }
      const content = stamp
        ? stampToken(Number(process.hrtime.bigint() / 1000n))
        : (tokens[i] as string);
      if (!(await write(tokenChunk(content)))) return false;
      sent++;
      // vLLM emits content-less deltas now and then (e.g. around special tokens).
      if (nullChunks && i % 5 === 1 && !(await write(chunk({ content: null })))) return false;
    }
    return true;
  };
  if (!(await sendTokens(0, limit))) return;

  switch (behaviour.kind) {
    case 'stall':
      return; // Keep the socket open and silent until the client or reset()/close() ends it.
    case 'reset':
      // Let the client read what was sent, then reset the connection (RST, not a clean close).
      await pause(res, 25);
      res.socket?.resetAndDestroy();
      return;
    case 'no-done':
      res.end();
      return;
    case 'malformed':
      if (!(await write('{"id":"chatcmpl-broken","choices":[{"index":0,"delta":{"content":"cut')))
        return;
      if (!(await sendTokens(limit, tokens.length))) return;
      break;
    case 'huge-delta': {
      const text = hugeText(behaviour.bytes ?? 1024 * 1024);
      if (interval > 0 && !(await pause(res, interval))) return;
      if (!(await write(chunk({ content: text })))) return;
      sent++;
      break;
    }
    default:
      break;
  }

  if (!(await write(chunk({ content: '' }, shape.finishReason ?? 'stop')))) return;
  if (context.includeUsage) {
    const usage = {
      prompt_tokens: context.promptTokens,
      total_tokens: context.promptTokens + sent,
      completion_tokens: sent,
    };
    const payload = JSON.stringify({
      id: context.id,
      object: 'chat.completion.chunk',
      created: context.created,
      model: context.model,
      choices: [],
      usage,
    });
    if (!(await write(payload))) return;
  }
  if (!(await write('[DONE]'))) return;
  res.end();
}

async function plainResponse(context: ResponseContext, behaviour: Behaviour): Promise<void> {
  const { res } = context;
  if (behaviour.kind === 'status') return sendStatus(res, behaviour);
  if (behaviour.kind === 'context-length')
    return sendContextLength(res, behaviour, context.promptTokens);
  if (behaviour.kind === 'stall') return; // never answers
  if (behaviour.kind === 'reset') {
    res.socket?.resetAndDestroy();
    return;
  }
  const delay = (behaviour.responseDelayMs ?? 0) + (behaviour.firstTokenDelayMs ?? 0);
  if (delay > 0 && !(await pause(res, delay))) return;
  if (behaviour.kind === 'malformed') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"id":"chatcmpl-broken","choices":[{"index":0,"message":{"content":"cut');
    return;
  }
  const tokens = tokensOf(behaviour);
  if (behaviour.kind === 'huge-delta') tokens.push(hugeText(behaviour.bytes ?? 1024 * 1024));
  sendJson(res, 200, {
    id: context.id,
    object: 'chat.completion',
    created: context.created,
    model: context.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: tokens.join(''), tool_calls: [] },
        logprobs: null,
        finish_reason: behaviour.finishReason ?? 'stop',
        stop_reason: null,
      },
    ],
    usage: {
      prompt_tokens: context.promptTokens,
      total_tokens: context.promptTokens + tokens.length,
      completion_tokens: tokens.length,
    },
    prompt_logprobs: null,
  });
}

function sendStatus(res: ServerResponse, behaviour: StatusBehaviour): void {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (behaviour.retryAfter !== undefined) headers['retry-after'] = String(behaviour.retryAfter);
  const body =
    behaviour.body ??
    errorBody(
      behaviour.status === 429
        ? 'Too many requests, please slow down.'
        : 'Internal server error: engine dead.',
      behaviour.status === 429 ? 'RateLimitError' : 'InternalServerError',
      behaviour.status,
    );
  res.writeHead(behaviour.status, headers);
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

function sendContextLength(
  res: ServerResponse,
  behaviour: ContextLengthBehaviour,
  promptTokens: number,
): void {
  const requested = Math.max(promptTokens, 32769) + 1500;
  if (behaviour.flavour === 'openai') {
    sendJson(res, 400, {
      error: {
        message: `This model's maximum context length is 32768 tokens. However, your messages resulted in ${requested} tokens. Please reduce the length of the messages.`,
        type: 'invalid_request_error',
        param: 'messages',
        code: 'context_length_exceeded',
      },
    });
    return;
  }
  sendJson(
    res,
    400,
    errorBody(
      `This model's maximum context length is 32768 tokens. However, you requested ${requested} tokens (${requested - 1500} in the messages, 1500 in the completion). Please reduce the length of the messages or completion.`,
      'BadRequestError',
      400,
    ),
  );
}

/** vLLM's error body. */
function errorBody(message: string, type: string, code: number): unknown {
  return { error: { message, type, param: null, code } };
}

// --- helpers -----------------------------------------------------------------------------------

/**
 * Writes one frame, optionally in two writes cut inside a multi-byte character, and resolves
 * false when the client has gone (so the caller stops).
 */
async function writeFrame(res: ServerResponse, frame: string, split: boolean): Promise<boolean> {
  if (res.destroyed || res.writableEnded) return false;
  const bytes = Buffer.from(frame, 'utf8');
  if (!split || bytes.length < 2) return writeBytes(res, bytes);
  let cut = bytes.findIndex((byte) => byte >= 0xc0);
  cut = cut === -1 ? Math.floor(bytes.length / 2) : cut + 1;
  if (!(await writeBytes(res, bytes.subarray(0, cut)))) return false;
  // A pause so the halves travel in separate TCP segments and reach the client's decoder apart.
  if (!(await pause(res, 2))) return false;
  return writeBytes(res, bytes.subarray(cut));
}

/**
 * Writes one whole frame; resolves (at once unless the client is slow to read) with false when the
 * client has gone.
 */
function writeText(res: ServerResponse, text: string): boolean | Promise<boolean> {
  if (res.destroyed || res.writableEnded) return false;
  if (res.write(text)) return true;
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve(!res.destroyed);
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/**
 * One 1 ms clock for every paced stream (a timer per token per stream would cost this process more
 * than the token itself): streams wait for their own due times, so each keeps its own phase, and
 * a tick wakes only the streams due by then. Stopped while nobody waits.
 */
const clock = {
  timer: undefined as NodeJS.Timeout | undefined,
  /** Waiting streams by due millisecond (`Math.ceil` of their due time), earliest first in time. */
  due: new Map<number, Array<() => void>>(),
};

/** Resolves at the first tick of the shared clock at or after `at` (a `performance.now()` time). */
function waitUntil(at: number): Promise<void> {
  const slot = Math.ceil(at);
  return new Promise((resolve) => {
    const waiting = clock.due.get(slot);
    if (waiting) waiting.push(resolve);
    else clock.due.set(slot, [resolve]);
    if (clock.timer !== undefined) return;
    clock.timer = setInterval(() => {
      const now = performance.now();
      for (const [due, resolvers] of clock.due) {
        if (due > now) continue;
        clock.due.delete(due);
        for (const wake of resolvers) wake();
      }
      if (clock.due.size === 0) {
        clearInterval(clock.timer);
        clock.timer = undefined;
      }
    }, 1);
    clock.timer.unref();
  });
}

function writeBytes(res: ServerResponse, bytes: Uint8Array): Promise<boolean> {
  return new Promise((resolve) => {
    if (res.destroyed || res.writableEnded) {
      resolve(false);
      return;
    }
    res.write(bytes, (error) => resolve(!error && !res.destroyed));
  });
}

/** Waits `ms`, resolving false early if the client goes away meanwhile. */
function pause(res: ServerResponse, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (res.destroyed) {
      resolve(false);
      return;
    }
    const onClose = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      res.off('close', onClose);
      resolve(!res.destroyed);
    }, ms);
    res.once('close', onClose);
  });
}

function hugeText(bytes: number): string {
  const pattern = 'abcdefghijklmnopqrstuvwxyz ';
  return pattern.repeat(Math.ceil(bytes / pattern.length)).slice(0, bytes);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

// biome-ignore lint/suspicious/noExplicitAny: request bodies are whatever the client sent.
function lastUserText(body: any): string {
  const messages: unknown[] = Array.isArray(body?.messages) ? body.messages : [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const message = messages[i] as { role?: unknown; content?: unknown };
    if (message?.role !== 'user') continue;
    return contentText(message.content);
  }
  return '';
}

function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .map((part) =>
      part && typeof part === 'object' && typeof part.text === 'string' ? part.text : '',
    )
    .join('');
}

/** About 4 characters per token over every message's text: good enough for usage numbers. */
function countPromptTokens(messages: unknown[]): number {
  let chars = 0;
  for (const message of messages)
    chars += contentText((message as { content?: unknown })?.content).length;
  return Math.max(1, Math.ceil(chars / 4));
}

function isBehaviour(value: unknown): boolean {
  if (!value || typeof value !== 'object') return false;
  const kind = (value as { kind?: unknown }).kind;
  return [
    'normal',
    'stall',
    'reset',
    'malformed',
    'no-done',
    'huge-delta',
    'status',
    'context-length',
  ].includes(kind as string);
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
