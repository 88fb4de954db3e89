// A load job: the streams the load generator opens, and the request and reader options each one
// gets (its user's bearer token signed with the job's secret). Shared by runLoad and holdStreams.
// Plain erasable TypeScript: Node runs it directly (type stripping).

import jwt from 'jsonwebtoken';
import type {
  EventStreamOptions,
  EventStreamRequest,
} from '../../test/helpers/open-event-stream.ts';
import type { StreamFormat } from '../../test/helpers/stream-tally.ts';

/** One stream of a job, where it differs from the others. */
export interface LoadStream {
  /** The user its token is signed for. Defaults to `<userPrefix>-<index>`. */
  user?: string;
  /** Fields merged over the job's `fields` (its `conversationId`, its own message…). Defaults to none. */
  fields?: Record<string, unknown>;
  /** `POST` (JSON body) or `GET` (query). Defaults to `POST`. */
  method?: 'POST' | 'GET';
  /** More request headers (`Idempotency-Key`…). Defaults to none. */
  headers?: Record<string, string>;
  /** The client leaves this long after sending. Defaults to never. */
  abortAfterMs?: number;
}

/** One load job. */
export interface LoadJob {
  /** Full URL of the stream route. */
  url: string;
  /** How its events look. Defaults to `schema-chat`. */
  format?: StreamFormat;
  /** The streams: how many (alike but for their users), or one entry each. */
  streams: number | LoadStream[];
  /** The fields of every request (`{ projectId, message }`, or an OpenAI request). Defaults to none. */
  fields?: Record<string, unknown>;
  /** HS256 secret: each stream signs a bearer token for its own user. Defaults to no token. */
  secret?: string;
  /** Users are `<userPrefix>-<index>` unless a stream names its own. Defaults to `bench`. */
  userPrefix?: string;
  /** Starts are spread evenly over this long, ms. Defaults to 0 (all at once). */
  rampMs?: number;
  /** Run the streams one after another instead of at once. Defaults to false. */
  sequential?: boolean;
  /** Give up on a stream after this long, ms. Defaults to 120000. */
  timeoutMs?: number;
  /** Every stream's text must equal this (checked, counted in `wrongText`). Defaults to unchecked. */
  expectText?: string;
  /**
   * The tokens every stream's answer is made of, so `progress` can count whole tokens received
   * (text is a prefix of their concatenation). Defaults to none (progress counts characters only).
   */
  tokens?: string[];
  /** Leave the answer text out of the results (big jobs that only count). Defaults to false. */
  omitText?: boolean;
  /** Record when each text event arrived (`StreamOutcome.arrivals`). Defaults to false. */
  recordArrivals?: boolean;
}

/** What stream `index` of a job sends, and how it is read. */
export interface PlannedStream {
  request: EventStreamRequest;
  options: EventStreamOptions;
}

/** How many streams a job opens. */
export function countStreams(job: LoadJob): number {
  return typeof job.streams === 'number' ? job.streams : job.streams.length;
}

/** A bearer token for `sub`, as the servers under test accept them (HS256, valid for an hour). */
export function signUserToken(secret: string, sub: string): string {
  return jwt.sign({ sub }, secret, { algorithm: 'HS256', expiresIn: 3600 });
}

/** Plans the streams of `job`: each user's token is signed once, when its first stream starts. */
export function planStreams(job: LoadJob): (index: number) => PlannedStream {
  const tokens = new Map<string, string>();
  const tokenOf = (user: string) => {
    if (!job.secret) return undefined;
    let token = tokens.get(user);
    if (!token) {
      token = signUserToken(job.secret, user);
      tokens.set(user, token);
    }
    return token;
  };
  return (index) => {
    const stream: LoadStream = typeof job.streams === 'number' ? {} : (job.streams[index] ?? {});
    const token = tokenOf(stream.user ?? `${job.userPrefix ?? 'bench'}-${index}`);
    return {
      request: {
        url: job.url,
        fields: stream.fields ? { ...job.fields, ...stream.fields } : (job.fields ?? {}),
        ...(stream.method ? { method: stream.method } : {}),
        ...(stream.headers ? { headers: stream.headers } : {}),
        ...(token ? { token } : {}),
      },
      options: {
        format: job.format ?? 'schema-chat',
        timeoutMs: job.timeoutMs ?? 120_000,
        ...(stream.abortAfterMs === undefined ? {} : { abortAfterMs: stream.abortAfterMs }),
      },
    };
  };
}
