// One interval for the progress checkpoints of every running answer, instead of one per answer:
// they all fire in the same event-loop turn, so the store can save them in one transaction (one
// commit a second for the whole server instead of one per stream; bench S12).

/** Calls every member once per `intervalMs` while it has members. */
export class CheckpointClock {
  readonly #intervalMs: number;
  readonly #members = new Set<() => void>();
  #timer: NodeJS.Timeout | undefined;

  /** @param intervalMs the checkpoint interval (`timeouts.checkpointMs`). */
  constructor(intervalMs: number) {
    this.#intervalMs = intervalMs;
  }

  /** How many answers are checkpointed. */
  get size(): number {
    return this.#members.size;
  }

  /** Starts calling `checkpoint` every interval (the first call one interval from now, or less). */
  add(checkpoint: () => void): void {
    this.#members.add(checkpoint);
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => {
      for (const member of this.#members) member();
    }, this.#intervalMs);
    // Checkpoints alone must not keep a process (or a test run) alive.
    this.#timer.unref();
  }

  /** Stops calling `checkpoint`. */
  delete(checkpoint: () => void): void {
    this.#members.delete(checkpoint);
    if (this.#members.size === 0 && this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }
}
