// An inactivity timer that is cheap to keep alive: `touch()` on every token only reads the clock,
// and the one underlying timer re-arms itself for the time left when it fires early. Re-arming a
// timer per token (clearTimeout/setTimeout, or even `refresh()`) costs more than the rest of a
// token's bookkeeping (bench S1).

/** Options of {@link IdleTimer}. */
export interface IdleTimerOptions {
  /** Asked when the time is up: `false` postpones by a full period (e.g. while the consumer holds a token). Defaults to always firing. */
  mayFire?: () => boolean;
}

/** Calls `onIdle` once, after `ms` pass with no {@link IdleTimer.touch}. Starts at construction. */
export class IdleTimer {
  readonly #ms: number;
  readonly #onIdle: () => void;
  readonly #mayFire: (() => boolean) | undefined;
  #lastTouch: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(ms: number, onIdle: () => void, options: IdleTimerOptions = {}) {
    this.#ms = ms;
    this.#onIdle = onIdle;
    this.#mayFire = options.mayFire;
    this.#lastTouch = performance.now();
    this.#timer = setTimeout(this.#check, ms);
  }

  /** Activity: the full period starts again from now. */
  touch(): void {
    this.#lastTouch = performance.now();
  }

  /** Stops the timer for good. */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  readonly #check = (): void => {
    if (this.#timer === undefined) return;
    const left = this.#ms - (performance.now() - this.#lastTouch);
    if (left > 1) {
      this.#timer = setTimeout(this.#check, left);
      return;
    }
    if (this.#mayFire && !this.#mayFire()) {
      this.#timer = setTimeout(this.#check, this.#ms);
      return;
    }
    this.#timer = undefined;
    this.#onIdle();
  };
}
