// The load generator as its own process, so the server under test does not share an event loop
// (or a CPU core's worth of JSON parsing) with the clients measuring it. Reads one job as JSON on
// stdin, runs every stream of it at once (starts spread over `rampMs`), prints one JSON line with
// every outcome on stdout, and exits.
//   echo '{"baseUrl":"…","streams":[…]}' | node test/hardening/load-generator.ts
// Plain erasable TypeScript with `.ts` imports: Node runs it directly (type stripping).

import { pathToFileURL } from 'node:url';
import jwt from 'jsonwebtoken';
import { type StreamTurnOutcome, streamTurn } from './stream-turn.ts';

/** One stream of a job. */
export interface LoadStream {
  user: string;
  projectId: string;
  message: string;
  conversationId?: string;
  idempotencyKey?: string;
  method?: 'POST' | 'GET';
  /** The client leaves this long after sending. Defaults to never. */
  abortAfterMs?: number;
}

/** What the generator runs. */
export interface LoadJob {
  baseUrl: string;
  /** HS256 secret for the users' tokens. */
  secret: string;
  streams: LoadStream[];
  /** Starts are spread evenly over this long. Defaults to 0 (all at once). */
  rampMs?: number;
  /** Per-stream give-up time. Defaults to 120000. */
  timeoutMs?: number;
  /** Drop the answer text from outcomes (big jobs that only count). Defaults to false. */
  omitText?: boolean;
}

/** What it measured. */
export interface LoadResult {
  outcomes: StreamTurnOutcome[];
  wallMs: number;
  /** CPU the generator itself used, in ms. */
  cpuMs: number;
}

/** Runs a job in this process. */
export async function generateLoad(job: LoadJob): Promise<LoadResult> {
  const started = performance.now();
  const cpu = process.cpuUsage();
  const tokens = new Map<string, string>();
  const tokenOf = (user: string) => {
    let token = tokens.get(user);
    if (!token) {
      token = jwt.sign({ sub: user }, job.secret, { algorithm: 'HS256', expiresIn: 3600 });
      tokens.set(user, token);
    }
    return token;
  };
  const ramp = job.rampMs ?? 0;
  const count = job.streams.length;
  const outcomes = await Promise.all(
    job.streams.map(async (stream, index) => {
      if (ramp > 0) await new Promise((resolve) => setTimeout(resolve, (ramp * index) / count));
      const outcome = await streamTurn({
        baseUrl: job.baseUrl,
        token: tokenOf(stream.user),
        projectId: stream.projectId,
        message: stream.message,
        ...(stream.conversationId ? { conversationId: stream.conversationId } : {}),
        ...(stream.idempotencyKey ? { idempotencyKey: stream.idempotencyKey } : {}),
        ...(stream.method ? { method: stream.method } : {}),
        ...(stream.abortAfterMs === undefined ? {} : { abortAfterMs: stream.abortAfterMs }),
        timeoutMs: job.timeoutMs ?? 120_000,
      });
      if (job.omitText) outcome.text = '';
      return outcome;
    }),
  );
  const used = process.cpuUsage(cpu);
  return { outcomes, wallMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000 };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  let input = '';
  process.stdin.setEncoding('utf8');
  for await (const chunk of process.stdin) input += chunk;
  const result = await generateLoad(JSON.parse(input) as LoadJob);
  process.stdout.write(`${JSON.stringify(result)}\n`, () => process.exit(0));
}
