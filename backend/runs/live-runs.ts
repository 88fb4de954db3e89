// The ChatRuns this process generates, by run id: the in-process half of the run index (the
// RunRegistry holds the plain-data half every instance sees). A run stays here while it
// generates and for the replay TTL after, so a resume on this instance replays from memory.

import type { ChatRun } from './chat-run.js';

/** Figures of {@link LiveRuns.stats}, for health checks and metrics. */
export interface LiveRunStats {
  /** Runs generating an answer now. */
  activeRuns: number;
  /** Runs in memory: generating, or ended and kept for replay. */
  heldRuns: number;
  /** Responses (SSE streams and waiting REST calls) attached to them. */
  attachedClients: number;
}

/** The live runs of this instance. */
export class LiveRuns {
  readonly #ttlMs: number;
  readonly #runs = new Map<string, ChatRun>();

  /** @param replayTtlMs how long an ended run stays, ms (`timeouts.replayTtlMs`). */
  constructor(replayTtlMs: number) {
    this.#ttlMs = replayTtlMs;
  }

  /** Holds `run` until it has ended and the replay TTL has passed (at once if it failed to start). */
  add(run: ChatRun): void {
    this.#runs.set(run.id, run);
    run.onEnd(() => {
      const evict = () => {
        if (this.#runs.get(run.id) === run) this.#runs.delete(run.id);
      };
      if (run.failure) evict();
      else setTimeout(evict, this.#ttlMs).unref();
    });
  }

  /** The run with this id, if this instance holds it. */
  get(runId: string): ChatRun | undefined {
    return this.#runs.get(runId);
  }

  /** How many runs this instance holds, generate, and how many clients follow them. */
  stats(): LiveRunStats {
    let active = 0;
    let attachedClients = 0;
    for (const run of this.#runs.values()) {
      if (run.active) active++;
      attachedClients += run.sinkCount;
    }
    return { activeRuns: active, heldRuns: this.#runs.size, attachedClients };
  }

  /** Every run still generating here (for shutdown). */
  active(): ChatRun[] {
    return [...this.#runs.values()].filter((run) => run.active);
  }
}
