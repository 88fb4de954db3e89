// The turn's two silence timeouts, in one place, for every ChatModel: the first token must come
// within `firstTokenMs` of the request, and each later one within `idleMs` of the one before.
// Only content counts: keep-alive comments and empty deltas never reach the turn, so a stuck
// upstream that sends them still times out.
//
// Cheap to keep alive: `touch()` per token only reads the clock, and the one underlying timer
// re-arms itself for the time left when it fires early. Re-arming a timer per token
// (clearTimeout/setTimeout, or even `refresh()`) costs more than the rest of a token's
// bookkeeping (bench S1).

/** Which silence ran out. */
export type Silence = 'first-token' | 'idle';

/** Options of {@link SilenceWatch}. */
export interface SilenceWatchOptions {
  /** Longest wait for the first token, ms. */
  firstTokenMs: number;
  /** Longest wait between two tokens, ms. */
  idleMs: number;
  /** Called once, when a silence runs out. */
  onSilence: (silence: Silence) => void;
}

/** Watches a stream of tokens for silence. Starts at construction; {@link SilenceWatch.touch} per token. */
export class SilenceWatch {
  readonly #options: SilenceWatchOptions;
  #silence: Silence = 'first-token';
  #periodMs: number;
  #lastTouch: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: SilenceWatchOptions) {
    this.#options = options;
    this.#periodMs = options.firstTokenMs;
    this.#lastTouch = performance.now();
    this.#timer = setTimeout(this.#check, this.#periodMs);
  }

  /** Whether a token has arrived. */
  get started(): boolean {
    return this.#silence === 'idle';
  }

  /** A token arrived: the idle period starts again from now. */
  touch(): void {
    this.#lastTouch = performance.now();
    if (this.#silence === 'idle') return;
    this.#silence = 'idle';
    this.#periodMs = this.#options.idleMs;
    // The first-token timer may be set far later than the idle period: arm it for this one.
    clearTimeout(this.#timer);
    this.#timer = setTimeout(this.#check, this.#periodMs);
  }

  /** Stops watching for good. */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  readonly #check = (): void => {
    if (this.#timer === undefined) return;
    const left = this.#periodMs - (performance.now() - this.#lastTouch);
    if (left > 1) {
      this.#timer = setTimeout(this.#check, left);
      return;
    }
    this.#timer = undefined;
    this.#options.onSilence(this.#silence);
  };
}
