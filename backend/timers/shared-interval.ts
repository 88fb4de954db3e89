// One interval timer shared by many members, instead of one timer each: the keep-alive pings of
// every open stream and the progress checkpoints of every running answer each run on one. An idle
// member costs a Set entry, and the checkpoints of all answers fire in the same event-loop turn,
// so the store saves them in one transaction (one commit a tick for the whole instance).

/** Calls every member once per `intervalMs` while it has members; the timer never keeps a process alive. */
export class SharedInterval {
  readonly #intervalMs: number;
  readonly #members = new Set<() => void>();
  #timer: NodeJS.Timeout | undefined;

  /** @param intervalMs time between two calls of each member, ms. */
  constructor(intervalMs: number) {
    this.#intervalMs = intervalMs;
  }

  /** How many members are called. */
  get size(): number {
    return this.#members.size;
  }

  /** Starts calling `member` every interval (the first call one interval from now, or less). */
  add(member: () => void): void {
    this.#members.add(member);
    if (this.#timer !== undefined) return;
    this.#timer = setInterval(() => {
      for (const each of this.#members) each();
    }, this.#intervalMs);
    // Pings and checkpoints alone must not keep a process (or a test run) alive.
    this.#timer.unref();
  }

  /** Stops calling `member`; the timer stops with the last one. */
  delete(member: () => void): void {
    this.#members.delete(member);
    if (this.#members.size === 0 && this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }
}
