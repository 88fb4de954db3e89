// A resettable inactivity timer: fires once when nothing was seen for a whole timeout.

/** Options of {@link createWatchdog}. */
export interface WatchdogOptions {
  /** Silence that fires the watchdog, in milliseconds. */
  timeoutMs: number;
  /** Called once, when the watchdog fires. */
  onTimeout: () => void;
  /** The clock. Defaults to `Date.now`. */
  now?: () => number;
}

/** A running watchdog. */
export interface Watchdog {
  /** Records activity: the timeout starts again from now. Cheap enough to call per chunk. */
  touch(): void;
  /** Changes the timeout (from now on) and records activity. */
  restart(timeoutMs: number): void;
  /** Stops it for good; it never fires after this. */
  stop(): void;
}

/**
 * Starts a watchdog. It keeps one timer and, when the timer fires early because of a `touch()`,
 * re-arms it for the remainder, so a token-per-millisecond stream does not churn timers.
 */
export function createWatchdog(options: WatchdogOptions): Watchdog {
  const now = options.now ?? Date.now;
  let timeoutMs = options.timeoutMs;
  let last = now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let stopped = false;

  const arm = (delayMs: number) => {
    timer = setTimeout(check, Math.max(0, delayMs));
  };
  function check() {
    timer = undefined;
    if (stopped) return;
    const idle = now() - last;
    if (idle >= timeoutMs) {
      stopped = true;
      options.onTimeout();
    } else {
      arm(timeoutMs - idle);
    }
  }
  arm(timeoutMs);

  return {
    touch() {
      last = now();
    },
    restart(nextTimeoutMs) {
      if (stopped) return;
      timeoutMs = nextTimeoutMs;
      last = now();
      // A shorter timeout must not wait for the old, longer timer.
      if (timer !== undefined) clearTimeout(timer);
      arm(timeoutMs);
    },
    stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
    },
  };
}
