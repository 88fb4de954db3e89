// The load generator, in its own process so the server under test never shares an event loop (or
// a core's worth of parsing) with the clients measuring it. The orchestrator calls `run` with a
// job: N streams over raw node:http, each on its own connection, parsed as schema-chat events or
// as OpenAI chunks; it returns per-stream timings, bytes read from the socket and the gaps
// between text arrivals. `hold` opens streams and keeps them open until `release`.
// Plain erasable TypeScript: Node runs it directly (type stripping).

import { type ClientRequest, request } from 'node:http';
import jwt from 'jsonwebtoken';
import { reportReady } from '../../test/helpers/serve-ipc-calls.ts';
import { serveBenchIpc } from '../lib/bench-ipc.ts';

/** What a stream's events look like. */
export type StreamFormat = 'schema-chat' | 'openai';

/** One load job. */
export interface LoadJob {
  /** Full URL of the stream route. */
  url: string;
  format: StreamFormat;
  /** Streams to run at once. */
  streams: number;
  /** The JSON body of every request (`{ projectId, message }`, or an OpenAI request). */
  body: Record<string, unknown>;
  /** Per-stream fields merged into `body` (e.g. each stream's `conversationId`). Defaults to none. */
  bodies?: Array<Record<string, unknown>>;
  /** Per-stream user names, instead of `<userPrefix>-<index>`. Defaults to none. */
  users?: string[];
  /** HS256 secret: each stream signs a bearer token for its own user. Defaults to no token. */
  secret?: string;
  /** Users are `<userPrefix>-<index>`. Defaults to `bench`. */
  userPrefix?: string;
  /** Starts are spread evenly over this long, ms. Defaults to 0. */
  rampMs?: number;
  /** Every stream's text must equal this (checked, counted in `wrongText`). Defaults to unchecked. */
  expectText?: string;
  /** Give up on a stream after this long, ms. Defaults to 120000. */
  timeoutMs?: number;
  /** Run the streams one after another instead of at once. Defaults to false. */
  sequential?: boolean;
  /**
   * The tokens every stream's answer is made of, so `progress` can count whole tokens received
   * (text is a prefix of their concatenation). Defaults to none (progress counts characters only).
   */
  tokens?: string[];
}

/** What the clients of the running job have received so far. */
export interface LoadProgress {
  /** Whole tokens received, over every stream of the job (needs `LoadJob.tokens`). */
  tokens: number;
  /** Bytes read from every stream's socket (headers, framing and body). */
  bytes: number;
  chars: number;
  /** Streams that got their response headers. */
  started: number;
  /** Streams that ended. */
  ended: number;
}

/** What one stream saw. */
export interface StreamRecord {
  ok: boolean;
  error?: string;
  status: number;
  /** ms from sending the request to the response headers. */
  headersMs: number;
  /** ms from sending the request to the first answer text. */
  firstTextMs: number;
  /** ms from sending the request to the end of the response. */
  endMs: number;
  /** Bytes the client socket read: status line, headers, chunk framing and body. */
  bytesRead: number;
  textChars: number;
  /** Events (or OpenAI chunks) that carried text. */
  textEvents: number;
  /** The `conversationId` event's id (schema-chat streams). */
  conversationId?: string;
}

/** What a job measured. */
export interface LoadResult {
  streams: StreamRecord[];
  /** Gaps between consecutive text arrivals within each stream, ms (every stream, flattened). */
  gaps: number[];
  wrongText: number;
  wallMs: number;
  /** CPU time the generator used for this job, ms. */
  cpuMs: number;
}

const held = new Set<ClientRequest>();

/** A concurrency ladder (S6): streams are added step by step while every open one is measured. */
export interface LadderJob {
  url: string;
  format: StreamFormat;
  /** The body of every request; its answers must outlast the whole ladder. */
  body: Record<string, unknown>;
  /** HS256 secret: each stream signs a bearer token for its own user. Defaults to no token. */
  secret?: string;
  userPrefix: string;
  /** Concurrency of each step, increasing. */
  levels: number[];
  /** New streams of a step are spread over this long, ms. */
  rampMs: number;
  /** Wait after a step's last start before measuring, ms. */
  settleMs: number;
  /** How long each step is measured, ms. */
  windowMs: number;
  /** The climb stops at the first step whose p99 gap exceeds this, ms. */
  thresholdMs: number;
  /** `POST` here with `{ conversationId }` stops a stream's generation when the ladder ends. Defaults to none. */
  stopUrl?: string;
}

/** One measured step. */
export interface LadderStep {
  level: number;
  /** p99 and p50 of the gaps between text arrivals of all open streams during the window, ms. */
  p99: number;
  p50: number;
  gaps: number;
}

/** What a ladder measured. */
export interface LadderResult {
  steps: LadderStep[];
  /** The highest level whose p99 stayed within the threshold (0 if none). */
  capacity: number;
  /** Why the climb stopped. */
  stoppedBy: 'threshold' | 'top' | 'failure';
  failure?: string;
}

/** Per-stream counters of the running job, for `progress`. */
interface LiveStream {
  req: ClientRequest | undefined;
  chars: number;
  bytes: number;
  started: boolean;
  ended: boolean;
}
let live: LiveStream[] = [];
let tokenEnds: number[] = [];

/** Whole tokens in a text of `chars` characters made of the job's tokens. */
function tokensIn(chars: number): number {
  let low = 0;
  let high = tokenEnds.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((tokenEnds[middle] as number) <= chars) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Counters of the running job so far. */
export function readProgress(): LoadProgress {
  const progress: LoadProgress = { tokens: 0, bytes: 0, chars: 0, started: 0, ended: 0 };
  for (const stream of live) {
    progress.chars += stream.chars;
    progress.tokens += tokensIn(stream.chars);
    progress.bytes += stream.ended ? stream.bytes : (stream.req?.socket?.bytesRead ?? 0);
    if (stream.started) progress.started++;
    if (stream.ended) progress.ended++;
  }
  return progress;
}

/** Runs a job. */
export async function runLoad(job: LoadJob): Promise<LoadResult> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const gaps: number[] = [];
  let wrongText = 0;
  const tokens = makeTokens(job);
  live = Array.from({ length: job.streams }, () => ({
    req: undefined,
    chars: 0,
    bytes: 0,
    started: false,
    ended: false,
  }));
  tokenEnds = [];
  let end = 0;
  for (const token of job.tokens ?? []) {
    end += token.length;
    tokenEnds.push(end);
  }
  const one = async (index: number): Promise<StreamRecord> => {
    const { record, text } = await runStream(job, index, tokens(index), gaps, false, live[index]);
    if (job.expectText !== undefined && record.ok && text !== job.expectText) {
      wrongText++;
      record.ok = false;
      record.error = `text differs (${text.length} chars, expected ${job.expectText.length})`;
    }
    return record;
  };
  let streams: StreamRecord[];
  if (job.sequential) {
    streams = [];
    for (let i = 0; i < job.streams; i++) streams.push(await one(i));
  } else {
    const ramp = job.rampMs ?? 0;
    streams = await Promise.all(
      Array.from({ length: job.streams }, async (_, i) => {
        if (ramp > 0) await sleep((ramp * i) / job.streams);
        return one(i);
      }),
    );
  }
  const used = process.cpuUsage(cpu);
  return {
    streams,
    gaps,
    wrongText,
    wallMs: performance.now() - started,
    cpuMs: (used.user + used.system) / 1000,
  };
}

/** Opens the job's streams and keeps them open; resolves once each has its first event. */
export async function holdStreams(job: LoadJob): Promise<{ open: number; failed: string[] }> {
  const tokens = makeTokens(job);
  const failed: string[] = [];
  const ramp = job.rampMs ?? 0;
  await Promise.all(
    Array.from({ length: job.streams }, async (_, i) => {
      if (ramp > 0) await sleep((ramp * i) / job.streams);
      const { record } = await runStream(job, i, tokens(i), [], true);
      if (!record.ok) failed.push(record.error ?? `status ${record.status}`);
    }),
  );
  return { open: held.size, failed };
}

/** Closes every held stream. */
export async function releaseStreams(): Promise<{ released: number }> {
  const count = held.size;
  for (const req of held) req.destroy();
  held.clear();
  await sleep(200);
  return { released: count };
}

/** Runs a concurrency ladder; see {@link LadderJob}. */
export async function runLadder(job: LadderJob): Promise<LadderResult> {
  interface LadderStream {
    req: ClientRequest;
    token: string | undefined;
    conversationId?: string;
    lastText: number;
    texts: number;
    ended: boolean;
    error?: string;
  }
  const streams: LadderStream[] = [];
  let window: number[] | undefined;
  const steps: LadderStep[] = [];
  let stoppedBy: LadderResult['stoppedBy'] = 'top';
  let failure: string | undefined;

  const open = (index: number) => {
    const token = job.secret
      ? jwt.sign({ sub: `${job.userPrefix}-${index}` }, job.secret, {
          algorithm: 'HS256',
          expiresIn: 3600,
        })
      : undefined;
    const body = JSON.stringify(job.body);
    const headers: Record<string, string | number> = {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      accept: 'text/event-stream',
    };
    if (token) headers.authorization = `Bearer ${token}`;
    const req = request(job.url, { method: 'POST', headers, agent: false });
    const stream: LadderStream = { req, token, lastText: Number.NaN, texts: 0, ended: false };
    streams.push(stream);
    req.on('error', (error) => {
      stream.ended = true;
      stream.error ??= error.message;
    });
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        stream.ended = true;
        stream.error = `status ${res.statusCode}`;
        res.resume();
        return;
      }
      res.setEncoding('utf8');
      let buffer = '';
      res.on('data', (chunk: string) => {
        const now = performance.now();
        buffer += chunk;
        let sawText = false;
        for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
          const data = dataOf(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          if (data === undefined) continue;
          const parsed = parseEvent(job.format, data);
          if (parsed.kind === 'text') sawText = true;
          else if (parsed.kind === 'conversation') stream.conversationId = parsed.id;
        }
        if (!sawText) return;
        if (window && stream.texts > 0) window.push(now - stream.lastText);
        stream.lastText = now;
        stream.texts++;
      });
      res.on('end', () => {
        stream.ended = true;
      });
      res.on('error', (error) => {
        stream.ended = true;
        stream.error ??= error.message;
      });
    });
    req.end(body);
  };

  try {
    for (const level of job.levels) {
      const add = level - streams.length;
      for (let i = 0; i < add; i++) {
        open(streams.length);
        await sleep(job.rampMs / add);
      }
      await sleep(job.settleMs);
      // A stream opened last may still wait for its first token on a busy machine: give the level
      // up to 5 s more to start, measuring only once every stream is mid-answer.
      for (let waited = 0; waited < 5000; waited += 50) {
        if (streams.every((stream) => stream.ended || stream.texts > 0)) break;
        await sleep(50);
      }
      const broken = streams.find((stream) => stream.ended || stream.texts === 0);
      if (broken) {
        stoppedBy = 'failure';
        failure =
          broken.error ??
          (broken.ended ? 'a stream ended during the ladder' : 'a stream had no text yet');
        break;
      }
      window = [];
      await sleep(job.windowMs);
      const gaps = window;
      window = undefined;
      const p99 = percentileOf(gaps, 99);
      steps.push({ level, p99, p50: percentileOf(gaps, 50), gaps: gaps.length });
      if (!(p99 <= job.thresholdMs)) {
        stoppedBy = 'threshold';
        break;
      }
    }
  } finally {
    // Stop the generations (not only the connections: a generation outlives its client for the
    // grace period), then close the connections.
    if (job.stopUrl) {
      await Promise.all(
        streams.map((stream) =>
          stream.conversationId && stream.token
            ? postJson(
                job.stopUrl as string,
                { conversationId: stream.conversationId },
                stream.token,
              )
            : undefined,
        ),
      );
    }
    for (const stream of streams) stream.req.destroy();
  }
  let capacity = 0;
  for (const step of steps) if (step.p99 <= job.thresholdMs) capacity = step.level;
  return { steps, capacity, stoppedBy, ...(failure ? { failure } : {}) };
}

function percentileOf(values: number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1
  ] as number;
}

function postJson(url: string, body: object, token: string): Promise<void> {
  return new Promise((resolve) => {
    const text = JSON.stringify(body);
    const req = request(url, {
      method: 'POST',
      agent: false,
      headers: {
        'content-type': 'application/json',
        'content-length': Buffer.byteLength(text),
        authorization: `Bearer ${token}`,
      },
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve());
    });
    req.on('error', () => resolve());
    req.end(text);
  });
}

function makeTokens(job: LoadJob): (index: number) => string | undefined {
  const cache = new Map<number, string>();
  return (index) => {
    if (!job.secret) return undefined;
    let token = cache.get(index);
    if (!token) {
      const sub = job.users?.[index] ?? `${job.userPrefix ?? 'bench'}-${index}`;
      token = jwt.sign({ sub }, job.secret, {
        algorithm: 'HS256',
        expiresIn: 3600,
      });
      cache.set(index, token);
    }
    return token;
  };
}

/**
 * One stream. With `hold`, resolves at the first event and leaves the response open (it joins
 * `held`); otherwise resolves at the end of the response.
 */
function runStream(
  job: LoadJob,
  index: number,
  token: string | undefined,
  gaps: number[],
  hold: boolean,
  counters?: LiveStream,
): Promise<{ record: StreamRecord; text: string }> {
  return new Promise((resolve) => {
    const body = JSON.stringify(
      job.bodies?.[index] ? { ...job.body, ...job.bodies[index] } : job.body,
    );
    const headers: Record<string, string | number> = {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      accept: 'text/event-stream',
    };
    if (token) headers.authorization = `Bearer ${token}`;
    const sent = performance.now();
    const record: StreamRecord = {
      ok: false,
      status: 0,
      headersMs: Number.NaN,
      firstTextMs: Number.NaN,
      endMs: Number.NaN,
      bytesRead: 0,
      textChars: 0,
      textEvents: 0,
    };
    let text = '';
    let settled = false;
    const finish = (error?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      record.endMs = performance.now() - sent;
      record.bytesRead = req.socket?.bytesRead ?? record.bytesRead;
      if (counters) {
        counters.bytes = record.bytesRead;
        counters.ended = true;
      }
      if (error) record.error = error;
      record.ok = error === undefined;
      resolve({ record, text });
    };
    // One connection per stream, as a browser tab opening its own event stream.
    const req = request(job.url, { method: 'POST', headers, agent: false });
    if (counters) counters.req = req;
    const timer = setTimeout(() => {
      finish('timed out');
      req.destroy();
    }, job.timeoutMs ?? 120_000);
    req.on('error', (error) => finish(error.message));
    req.on('response', (res) => {
      record.status = res.statusCode ?? 0;
      record.headersMs = performance.now() - sent;
      if (counters) counters.started = true;
      if (record.status !== 200) {
        res.resume();
        res.on('end', () => finish(`status ${record.status}`));
        return;
      }
      res.setEncoding('utf8');
      let buffer = '';
      let lastText = Number.NaN;
      let done = false;
      let failure: string | undefined;
      res.on('data', (chunk: string) => {
        const now = performance.now();
        buffer += chunk;
        let sawText = false;
        for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = dataOf(block);
          if (data === undefined) continue;
          const parsed = parseEvent(job.format, data);
          if (parsed.kind === 'text') {
            text += parsed.text;
            record.textChars += parsed.text.length;
            if (counters) counters.chars += parsed.text.length;
            record.textEvents++;
            sawText = true;
          } else if (parsed.kind === 'done') {
            done = true;
          } else if (parsed.kind === 'error') {
            failure = parsed.message;
          } else if (parsed.kind === 'conversation') {
            record.conversationId = parsed.id;
          }
        }
        if (sawText) {
          if (Number.isNaN(record.firstTextMs)) record.firstTextMs = now - sent;
          else gaps.push(now - lastText);
          lastText = now;
          if (hold && !settled) {
            held.add(req);
            finish();
          }
        } else if (hold && !settled && record.textEvents === 0 && job.format === 'schema-chat') {
          // An idle stream: headers and the conversationId event, no text yet.
          held.add(req);
          finish();
        }
      });
      res.on('end', () => {
        if (failure) finish(failure);
        else if (!done) finish('ended without a terminal event');
        else finish();
      });
      res.on('error', (error) => finish(error.message));
    });
    req.end(body);
  });
}

type ParsedEvent =
  | { kind: 'text'; text: string }
  | { kind: 'done' }
  | { kind: 'error'; message: string }
  | { kind: 'conversation'; id: string }
  | { kind: 'other' };

function dataOf(block: string): string | undefined {
  let data: string | undefined;
  for (const line of block.split('\n')) {
    if (line.startsWith('data: '))
      data = data === undefined ? line.slice(6) : `${data}\n${line.slice(6)}`;
    else if (line.startsWith('data:'))
      data = data === undefined ? line.slice(5) : `${data}\n${line.slice(5)}`;
  }
  return data;
}

function parseEvent(format: StreamFormat, data: string): ParsedEvent {
  if (format === 'openai') {
    if (data === '[DONE]') return { kind: 'done' };
    const chunk = JSON.parse(data) as { choices?: Array<{ delta?: { content?: string | null } }> };
    const content = chunk.choices?.[0]?.delta?.content;
    return typeof content === 'string' && content.length > 0
      ? { kind: 'text', text: content }
      : { kind: 'other' };
  }
  const event = JSON.parse(data) as {
    type: string;
    content?: string;
    conversationId?: string;
    error?: { code: string; message: string };
  };
  if (event.type === 'conversationId' && typeof event.conversationId === 'string') {
    return { kind: 'conversation', id: event.conversationId };
  }
  if (event.type === 'token' && typeof event.content === 'string') {
    return { kind: 'text', text: event.content };
  }
  if (event.type === 'complete') return { kind: 'done' };
  if (event.type === 'error') {
    return { kind: 'error', message: `${event.error?.code}: ${event.error?.message}` };
  }
  return { kind: 'other' };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

serveBenchIpc({
  calls: {
    run: (job: LoadJob) => runLoad(job),
    ladder: (job: LadderJob) => runLadder(job),
    progress: () => readProgress(),
    hold: (job: LoadJob) => holdStreams(job),
    release: () => releaseStreams(),
  },
  onStop: () => {
    for (const req of held) req.destroy();
  },
});
reportReady({});
