// How many partial-answer checkpoints one tick of the checkpoint clock may save: the clock calls
// every running answer at once, and the store saves the ones due in one transaction, which blocks
// the event loop (and so every stream's tokens) for as long as it takes.

/**
 * At most this many answers are saved in one tick of the checkpoint clock (four ticks per
 * `checkpointMs`: each of 256 answers about once a second); the others due then are saved at the
 * next ticks. One tick's transaction stays short however many answers run.
 */
export const CHECKPOINTS_PER_TICK = 64;

/** Counts the checkpoints of the current tick of the checkpoint clock (all members run at once). */
export class CheckpointBudget {
  #tickAt = Number.NEGATIVE_INFINITY;
  #used = 0;

  /** Whether one more checkpoint fits in the tick running at `now` (`performance.now()`). */
  take(now: number): boolean {
    // The members of one tick run back to back, within a millisecond or two.
    if (now - this.#tickAt > 2) {
      this.#tickAt = now;
      this.#used = 0;
    }
    if (this.#used >= CHECKPOINTS_PER_TICK) return false;
    this.#used++;
    return true;
  }
}
