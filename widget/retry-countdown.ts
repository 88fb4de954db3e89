// Counts the server's `Retry-After` down once a second, so the retry button can say how long is
// left and stay disabled until a retry may go.

/** Timers of {@link RetryCountdown}, injectable for tests. */
export interface CountdownClock {
  /** Defaults to `Date.now`. */
  now: () => number;
  /** Defaults to `setInterval`. */
  setInterval: (callback: () => void, ms: number) => ReturnType<typeof setInterval>;
  /** Defaults to `clearInterval`. */
  clearInterval: (handle: ReturnType<typeof setInterval>) => void;
}

const systemClock: CountdownClock = {
  now: () => Date.now(),
  setInterval: (callback, ms) => setInterval(callback, ms),
  clearInterval: (handle) => clearInterval(handle),
};

/** Whole seconds left of a wait; `onTick` is called after each change. */
export class RetryCountdown {
  /** Whole seconds left; 0 when nothing is being waited for. */
  seconds = 0;
  readonly #onTick: () => void;
  readonly #clock: CountdownClock;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(onTick: () => void, clock: Partial<CountdownClock> = {}) {
    this.#onTick = onTick;
    this.#clock = { ...systemClock, ...clock };
  }

  /** Counts `seconds` down to 0, from a deadline (timers may fire late). Restarts a running count. */
  start(seconds: number): void {
    this.stop();
    const until = this.#clock.now() + seconds * 1000;
    this.seconds = seconds;
    this.#timer = this.#clock.setInterval(() => {
      this.seconds = Math.max(0, Math.ceil((until - this.#clock.now()) / 1000));
      if (this.seconds === 0) this.stop();
      this.#onTick();
    }, 1000);
  }

  /** Ends the count at 0 (without a tick). */
  stop(): void {
    if (this.#timer !== undefined) this.#clock.clearInterval(this.#timer);
    this.#timer = undefined;
    this.seconds = 0;
  }
}
