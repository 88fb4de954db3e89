// One timer for every open stream's keep-alive, instead of one timer per connection: an idle
// stream costs a Set entry, which is what keeps memory per open stream near the raw-socket floor.

/** Something that can be pinged. */
export interface Pingable {
  ping(): void;
}

/** Pings every member every `intervalMs` while it has members. */
export class HeartbeatHub {
  readonly #intervalMs: number;
  readonly #members = new Set<Pingable>();
  #timer: NodeJS.Timeout | undefined;

  constructor(intervalMs: number) {
    this.#intervalMs = intervalMs;
  }

  /** How many streams are open. */
  get size(): number {
    return this.#members.size;
  }

  add(member: Pingable): void {
    this.#members.add(member);
    if (this.#timer === undefined) {
      this.#timer = setInterval(() => {
        for (const each of this.#members) each.ping();
      }, this.#intervalMs);
      // Keep-alives alone must not keep a process (or a test run) alive.
      this.#timer.unref();
    }
  }

  delete(member: Pingable): void {
    this.#members.delete(member);
    if (this.#members.size === 0 && this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }
}
