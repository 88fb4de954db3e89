// Batches streamed text per animation frame: many tokens between two frames cost one render.

/** Schedules a callback for the next frame; returns a handle for the matching cancel. */
export type ScheduleFrame = (callback: () => void) => number;

/** Collects text pushed between frames and hands it over once per frame (or on demand). */
export class FrameBatcher {
  #pending = '';
  #handle: number | undefined;
  readonly #onFlush: (text: string) => void;
  readonly #schedule: ScheduleFrame;
  readonly #cancel: (handle: number) => void;

  /**
   * @param onFlush receives the text collected since the last flush.
   * @param schedule defaults to `requestAnimationFrame`.
   * @param cancel defaults to `cancelAnimationFrame`.
   */
  constructor(
    onFlush: (text: string) => void,
    schedule: ScheduleFrame = (callback) => requestAnimationFrame(callback),
    cancel: (handle: number) => void = (handle) => cancelAnimationFrame(handle),
  ) {
    this.#onFlush = onFlush;
    this.#schedule = schedule;
    this.#cancel = cancel;
  }

  /** Whether text is waiting for the next frame. */
  get pending(): boolean {
    return this.#pending !== '';
  }

  /** Adds text; the first push after a flush schedules the next one. */
  push(text: string): void {
    if (!text) return;
    this.#pending += text;
    this.#handle ??= this.#schedule(() => {
      this.#handle = undefined;
      this.flush();
    });
  }

  /** Hands over the collected text now (at the end of a turn, or before stopping). */
  flush(): void {
    this.#cancelFrame();
    if (!this.#pending) return;
    const text = this.#pending;
    this.#pending = '';
    this.#onFlush(text);
  }

  /** Drops the collected text. */
  clear(): void {
    this.#cancelFrame();
    this.#pending = '';
  }

  #cancelFrame(): void {
    if (this.#handle !== undefined) this.#cancel(this.#handle);
    this.#handle = undefined;
  }
}
