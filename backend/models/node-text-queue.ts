// The chunks of a flowing Node stream (a streamed upstream body), buffered for a pull-style reader
// that waits only when nothing is buffered: cheaper per chunk than the stream's own async iterator
// (no `readable`/nextTick hop and no promise per chunk while data is already there).

import type { Readable } from 'node:stream';

/** Buffers a stream's `data` chunks (strings, after `setEncoding`) for {@link NodeTextQueue.shift}. */
export class NodeTextQueue {
  #chunks: string[] = [];
  #head = 0;
  #ended = false;
  #error: unknown;
  #wake: (() => void) | undefined;

  /** Starts reading `stream` (flowing mode). */
  constructor(stream: Readable) {
    stream.on('data', (chunk: string) => {
      this.#chunks.push(chunk);
      this.#signal();
    });
    stream.once('end', () => {
      this.#ended = true;
      this.#signal();
    });
    stream.once('error', (error) => {
      this.#error ??= error;
      this.#signal();
    });
    stream.once('close', () => {
      // A body cut off without `end` or an error of its own (a reset socket) still fails.
      if (!this.#ended && this.#error === undefined) {
        this.#error = Object.assign(new Error('upstream response closed before its end'), {
          code: 'ECONNRESET',
        });
      }
      this.#signal();
    });
  }

  /**
   * The next buffered chunk; `undefined` when none is buffered. Throws the stream's error once the
   * chunks before it are taken.
   */
  shift(): string | undefined {
    if (this.#head < this.#chunks.length) {
      const chunk = this.#chunks[this.#head] as string;
      this.#head++;
      if (this.#head === this.#chunks.length) {
        this.#chunks = [];
        this.#head = 0;
      }
      return chunk;
    }
    if (this.#error !== undefined) throw this.#error;
    return undefined;
  }

  /** Whether the stream ended and every chunk was taken. */
  get done(): boolean {
    return this.#ended && this.#head >= this.#chunks.length;
  }

  /** Resolves when a chunk, the end or an error arrives. */
  wait(): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#wake = resolve;
    });
  }

  #signal(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
