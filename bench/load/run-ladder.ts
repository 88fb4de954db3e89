// A concurrency ladder (S6) in the load generator: streams are added step by step, all kept open,
// and at each step the delay of every token from the upstream's write to this client's read is
// measured over a window (the upstream stamps each token with its write time on the machine's
// monotonic clock: `[[fake:stamp]]`); the climb stops at the first step whose p99 delay passes the
// threshold.
// Plain erasable TypeScript: Node runs it directly (type stripping).

import { request } from 'node:http';
import { readStamps } from '../../test/fake-upstream/fake-behaviour.ts';
import { type EventStream, openEventStream } from '../../test/helpers/open-event-stream.ts';
import { percentile } from '../../test/helpers/statistics.ts';
import { describeStreamProblem, type StreamFormat } from '../../test/helpers/stream-tally.ts';
import { signUserToken } from './load-job.ts';
import { sleep } from './run-load.ts';

/** One ladder. */
export interface LadderJob {
  url: string;
  format: StreamFormat;
  /** The fields of every request (its message asks for stamped tokens); its answers must outlast the whole ladder. */
  fields: Record<string, unknown>;
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
  /** The climb stops at the first step whose p99 delay exceeds this, ms. */
  thresholdMs: number;
  /** `POST` here with `{ conversationId }` stops a stream's generation when the ladder ends. Defaults to none. */
  stopUrl?: string;
}

/** One measured step. */
export interface LadderStep {
  level: number;
  /** p99 and p50 of the delays, upstream write to client read, of every token read in the window, ms. */
  p99: number;
  p50: number;
  /** Tokens read in the window. */
  tokens: number;
  /** Tokens per second each stream received in the window (the pace the upstream kept up). */
  tokensPerStreamPerSecond: number;
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

/** A stream of the ladder and what it has read. */
interface Rung {
  stream: EventStream;
  token: string | undefined;
  /** Stamped tokens read so far, and an unfinished stamp at the end of the last read. */
  reads: { tokens: number; rest: string };
}

/** Runs a concurrency ladder; see {@link LadderJob}. */
export async function runLadder(job: LadderJob): Promise<LadderResult> {
  const rungs: Rung[] = [];
  let window: number[] | undefined;
  const steps: LadderStep[] = [];
  let stoppedBy: LadderResult['stoppedBy'] = 'top';
  let failure: string | undefined;

  const open = (index: number) => {
    const token = job.secret ? signUserToken(job.secret, `${job.userPrefix}-${index}`) : undefined;
    const reads = { tokens: 0, rest: '' };
    const stream: EventStream = openEventStream(
      { url: job.url, fields: job.fields, ...(token ? { token } : {}) },
      {
        format: job.format,
        keepText: false,
        timeoutMs: 0,
        onContent: (content, atMs) => {
          const { micros, rest } = readStamps(reads.rest + content);
          reads.rest = rest;
          reads.tokens += micros.length;
          if (!window) return;
          const readAt = (stream.outcome.sentMonotonicMs as number) + atMs;
          for (const sentAt of micros) window.push(readAt - sentAt / 1000);
        },
      },
    );
    rungs.push({ stream, token, reads });
  };

  try {
    for (const level of job.levels) {
      const add = level - rungs.length;
      for (let i = 0; i < add; i++) {
        open(rungs.length);
        await sleep(job.rampMs / add);
      }
      await sleep(job.settleMs);
      // A stream opened last may still wait for its first token on a busy machine: give the level
      // up to 5 s more to start, measuring only once every stream is mid-answer.
      for (let waited = 0; waited < 5000; waited += 50) {
        if (rungs.every((rung) => rung.stream.ended || rung.reads.tokens > 0)) break;
        await sleep(50);
      }
      const ended = rungs.find((rung) => rung.stream.ended);
      if (ended) {
        stoppedBy = 'failure';
        const problem = describeStreamProblem(ended.stream.outcome);
        failure = `a stream ended during the ladder${problem ? ` (${problem})` : ''}`;
        break;
      }
      // A stream still without its first token after all that waiting: this level is past what
      // the server holds (its delay is unbounded), not a failure of the bench.
      if (rungs.some((rung) => rung.reads.tokens === 0)) {
        // (MAX_VALUE, not Infinity: the result crosses the IPC channel as JSON.)
        steps.push({
          level,
          p99: Number.MAX_VALUE,
          p50: Number.MAX_VALUE,
          tokens: 0,
          tokensPerStreamPerSecond: 0,
        });
        stoppedBy = 'threshold';
        break;
      }
      window = [];
      const windowStart = performance.now();
      await sleep(job.windowMs);
      const delays = window;
      const seconds = (performance.now() - windowStart) / 1000;
      window = undefined;
      const p99 = percentile(delays, 99);
      steps.push({
        level,
        p99,
        p50: percentile(delays, 50),
        tokens: delays.length,
        tokensPerStreamPerSecond: delays.length / rungs.length / seconds,
      });
      if (!(p99 <= job.thresholdMs)) {
        stoppedBy = 'threshold';
        break;
      }
    }
  } finally {
    // Stop the generations (not only the connections: a generation outlives its client for the
    // grace period), then close the connections.
    const stopUrl = job.stopUrl;
    if (stopUrl) {
      await Promise.all(
        rungs.map(({ stream, token }) =>
          stream.outcome.conversationId && token
            ? postStop(stopUrl, stream.outcome.conversationId, token)
            : undefined,
        ),
      );
    }
    for (const rung of rungs) rung.stream.close();
  }
  let capacity = 0;
  for (const step of steps) if (step.p99 <= job.thresholdMs) capacity = step.level;
  return { steps, capacity, stoppedBy, ...(failure ? { failure } : {}) };
}

/** `POST url { conversationId }` as the stream's user; resolves when answered or failed. */
function postStop(url: string, conversationId: string, token: string): Promise<void> {
  return new Promise((resolve) => {
    const text = JSON.stringify({ conversationId });
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
