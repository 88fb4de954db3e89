// A single-consumer async queue: the producer pushes, then closes or fails; the consumer iterates.

/** The producer side and the iterable of {@link createEventChannel}. */
export interface EventChannel<T> extends AsyncIterable<T> {
  /** Queues a value (ignored once the channel ended). */
  push(value: T): void;
  /** Ends the channel: iteration finishes after the queued values. */
  close(): void;
  /** Ends the channel with an error: iteration throws it once, after the queued values. */
  fail(error: unknown): void;
}

/**
 * Creates a channel. Values are buffered until iterated, so a consumer that starts late misses
 * nothing. The end (done or the error) is delivered once: after an iteration finished, threw or
 * was left early (`break`), every later `next()` is `done` with nothing yielded. Leaving early
 * calls `onReturn` (used to abort the stream the channel is fed from).
 */
export function createEventChannel<T>(onReturn?: () => void): EventChannel<T> {
  const queue: T[] = [];
  let ended = false; // the producer is finished
  let failure: { error: unknown } | undefined;
  let finished = false; // the consumer has seen the end
  let waiter: { resolve: (r: IteratorResult<T>) => void; reject: (e: unknown) => void } | undefined;

  const done = (): IteratorResult<T> => ({ done: true, value: undefined });

  const settleWaiter = () => {
    if (!waiter) return;
    const { resolve, reject } = waiter;
    waiter = undefined;
    if (queue.length > 0) return resolve({ done: false, value: queue.shift() as T });
    finished = true;
    if (failure) {
      const { error } = failure;
      failure = undefined;
      reject(error);
    } else {
      resolve(done());
    }
  };

  const iterator: AsyncIterator<T> = {
    next() {
      if (finished) return Promise.resolve(done());
      if (queue.length > 0) return Promise.resolve({ done: false, value: queue.shift() as T });
      if (ended) {
        finished = true;
        if (failure) {
          const { error } = failure;
          failure = undefined;
          return Promise.reject(error);
        }
        return Promise.resolve(done());
      }
      // A second concurrent `next()` would steal values; one waiter is the single-consumer contract.
      if (waiter) return Promise.reject(new Error('The stream is already being iterated.'));
      return new Promise((resolve, reject) => {
        waiter = { resolve, reject };
      });
    },
    return() {
      if (!finished) {
        finished = true;
        queue.length = 0;
        failure = undefined;
        if (!ended) onReturn?.();
      }
      return Promise.resolve(done());
    },
  };

  return {
    push(value) {
      if (ended || finished) return;
      queue.push(value);
      settleWaiter();
    },
    close() {
      if (ended) return;
      ended = true;
      settleWaiter();
    },
    fail(error) {
      if (ended) return;
      ended = true;
      if (!finished) failure = { error };
      settleWaiter();
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
}
