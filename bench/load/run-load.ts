// Runs a load job in the load generator: every stream on its own connection, at once (starts
// spread over `rampMs`) or one after another, each read to its end; says what every stream saw
// and the gaps between text arrivals, and, while it runs, how far the clients have got.
// Plain erasable TypeScript: Node runs it directly (type stripping).

import { type EventStream, openEventStream } from '../../test/helpers/open-event-stream.ts';
import { describeStreamProblem, type StreamOutcome } from '../../test/helpers/stream-tally.ts';
import { countStreams, type LoadJob, planStreams } from './load-job.ts';

/** What one stream of a job saw. */
export interface LoadOutcome extends StreamOutcome {
  /** Whether it delivered a whole answer (with `expectText`, that very text). */
  ok: boolean;
  /** Why not (`describeStreamProblem`, or `text differs…`). */
  error?: string;
}

/** What a job measured. */
export interface LoadResult {
  /** One outcome per stream, in the job's order. */
  streams: LoadOutcome[];
  /** Gaps between consecutive socket reads carrying text within each stream, ms (every stream, flattened). */
  gaps: number[];
  /** Streams whose text differed from `expectText`. */
  wrongText: number;
  wallMs: number;
  /** CPU time the generator used for this job, ms. */
  cpuMs: number;
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

/** The running (or last) job's streams, and where each of its tokens ends in the answer text. */
let current: { streams: EventStream[]; tokenEnds: number[] } = { streams: [], tokenEnds: [] };

/** Whole tokens in a text of `chars` characters made of the job's tokens. */
function tokensIn(chars: number, tokenEnds: number[]): number {
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
  for (const stream of current.streams) {
    progress.chars += stream.outcome.textChars;
    progress.tokens += tokensIn(stream.outcome.textChars, current.tokenEnds);
    progress.bytes += stream.bytesRead();
    if (stream.outcome.headersMs !== undefined) progress.started++;
    if (stream.ended) progress.ended++;
  }
  return progress;
}

/** Runs a job; see {@link LoadJob}. */
export async function runLoad(job: LoadJob): Promise<LoadResult> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const count = countStreams(job);
  const plan = planStreams(job);
  const gaps: number[] = [];
  let wrongText = 0;
  let end = 0;
  current = { streams: [], tokenEnds: (job.tokens ?? []).map((token) => (end += token.length)) };
  const streams = current.streams;
  const one = async (index: number): Promise<LoadOutcome> => {
    const { request, options } = plan(index);
    let lastText: number | undefined;
    const stream = openEventStream(request, {
      ...options,
      keepText: !job.omitText || job.expectText !== undefined,
      recordArrivals: job.recordArrivals === true,
      onText: (atMs) => {
        if (lastText !== undefined) gaps.push(atMs - lastText);
        lastText = atMs;
      },
    });
    streams[index] = stream;
    const outcome: LoadOutcome = { ...(await stream.done), ok: false };
    let error = describeStreamProblem(outcome);
    if (error === undefined && job.expectText !== undefined && outcome.text !== job.expectText) {
      wrongText++;
      error = `text differs (${outcome.text.length} chars, expected ${job.expectText.length})`;
    }
    if (job.omitText) outcome.text = '';
    outcome.ok = error === undefined;
    if (error !== undefined) outcome.error = error;
    return outcome;
  };
  const outcomes: LoadOutcome[] = [];
  if (job.sequential) {
    for (let i = 0; i < count; i++) outcomes.push(await one(i));
  } else {
    const ramp = job.rampMs ?? 0;
    outcomes.push(
      ...(await Promise.all(
        Array.from({ length: count }, async (_, i) => {
          if (ramp > 0) await sleep((ramp * i) / count);
          return one(i);
        }),
      )),
    );
  }
  const used = process.cpuUsage(cpu);
  return {
    streams: outcomes,
    gaps,
    wrongText,
    wallMs: performance.now() - started,
    cpuMs: (used.user + used.system) / 1000,
  };
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
