// Holds a load job's streams open in the load generator: each is opened (starts spread over
// `rampMs`) and kept, idle or not, until `releaseStreams`, so the orchestrator can read what the
// open streams cost the server.
// Plain erasable TypeScript: Node runs it directly (type stripping).

import { type EventStream, openEventStream } from '../../test/helpers/open-event-stream.ts';
import { describeStreamProblem } from '../../test/helpers/stream-tally.ts';
import { countStreams, type LoadJob, planStreams } from './load-job.ts';
import { sleep } from './run-load.ts';

/** What `holdStreams` opened. */
export interface HoldResult {
  /** Streams held open now (this job's and earlier ones'). */
  open: number;
  /** Why each stream that is not held failed. */
  failed: string[];
}

const held = new Set<EventStream>();

/**
 * Opens the job's streams and keeps them open; resolves once each is live (its first event) or
 * failed. A stream not live within the job's `timeoutMs` fails as `timed out`.
 */
export async function holdStreams(job: LoadJob): Promise<HoldResult> {
  const count = countStreams(job);
  const plan = planStreams(job);
  const failed: string[] = [];
  const ramp = job.rampMs ?? 0;
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      if (ramp > 0) await sleep((ramp * i) / count);
      const { request, options } = plan(i);
      // Held streams never time out; only the wait for their first event does.
      const stream = openEventStream(request, { ...options, keepText: false, timeoutMs: 0 });
      let timer: ReturnType<typeof setTimeout> | undefined;
      const live = await Promise.race([
        stream.opened,
        new Promise<undefined>((resolve) => {
          timer = setTimeout(() => resolve(undefined), options.timeoutMs);
        }),
      ]);
      clearTimeout(timer);
      if (live) {
        held.add(stream);
        return;
      }
      stream.close();
      const outcome = await stream.done;
      failed.push(live === undefined ? 'timed out' : (describeStreamProblem(outcome) ?? 'ended'));
    }),
  );
  return { open: held.size, failed };
}

/** Closes every held stream. */
export async function releaseStreams(): Promise<{ released: number }> {
  const count = held.size;
  for (const stream of held) stream.close();
  held.clear();
  await sleep(200);
  return { released: count };
}
