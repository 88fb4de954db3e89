// Tests of the single-consumer async queue behind ChatStream iteration.

import { describe, expect, it, vi } from 'vitest';
import { createEventChannel } from './create-event-channel.js';

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const values: T[] = [];
  for await (const value of iterable) values.push(value);
  return values;
}

describe('createEventChannel', () => {
  it('yields values pushed before and during iteration, then ends on close', async () => {
    const channel = createEventChannel<number>();
    channel.push(1);
    const values = collect(channel);
    channel.push(2);
    await Promise.resolve();
    channel.push(3);
    channel.close();
    expect(await values).toEqual([1, 2, 3]);
  });

  it('yields the queued values, then throws the failure once', async () => {
    const channel = createEventChannel<number>();
    channel.push(1);
    channel.fail(new Error('boom'));
    const iterator = channel[Symbol.asyncIterator]();
    expect(await iterator.next()).toEqual({ done: false, value: 1 });
    await expect(iterator.next()).rejects.toThrow('boom');
    expect(await iterator.next()).toEqual({ done: true, value: undefined });
  });

  it('rejects a waiting consumer when it fails', async () => {
    const channel = createEventChannel<number>();
    const pending = collect(channel);
    channel.fail(new Error('late'));
    await expect(pending).rejects.toThrow('late');
  });

  it('yields nothing when iterated again after the end', async () => {
    const channel = createEventChannel<number>();
    channel.push(1);
    channel.close();
    expect(await collect(channel)).toEqual([1]);
    expect(await collect(channel)).toEqual([]);
  });

  it('calls onReturn when the consumer leaves early, and not after the end', async () => {
    const onReturn = vi.fn();
    const channel = createEventChannel<number>(onReturn);
    channel.push(1);
    channel.push(2);
    for await (const value of channel) {
      expect(value).toBe(1);
      break;
    }
    expect(onReturn).toHaveBeenCalledTimes(1);
    channel.push(3);
    expect(await collect(channel)).toEqual([]);

    const ended = createEventChannel<number>(onReturn);
    ended.close();
    await ended[Symbol.asyncIterator]().return?.();
    expect(onReturn).toHaveBeenCalledTimes(1);
  });

  it('ignores pushes after the end', async () => {
    const channel = createEventChannel<number>();
    channel.close();
    channel.push(1);
    channel.fail(new Error('ignored'));
    expect(await collect(channel)).toEqual([]);
  });

  it('refuses a second concurrent next()', async () => {
    const channel = createEventChannel<number>();
    const iterator = channel[Symbol.asyncIterator]();
    const first = iterator.next();
    await expect(iterator.next()).rejects.toThrow(/already being iterated/);
    channel.push(7);
    expect(await first).toEqual({ done: false, value: 7 });
  });
});
