// Tests of raceAbort: ending an await at abort without unhandled rejections.

import { describe, expect, it, vi } from 'vitest';
import { raceAbort } from './race-abort.js';

describe('raceAbort', () => {
  it('settles like the promise when nothing aborts', async () => {
    const controller = new AbortController();
    expect(await raceAbort(Promise.resolve(1), controller.signal)).toBe(1);
    await expect(raceAbort(Promise.reject(new Error('x')), controller.signal)).rejects.toThrow('x');
  });

  it('rejects with ABORTED as soon as the signal aborts, even if the promise never settles', async () => {
    const controller = new AbortController();
    const pending = raceAbort(new Promise(() => {}), controller.signal);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('hands a value that arrives after the abort to onLate', async () => {
    const controller = new AbortController();
    let resolve: (value: string) => void = () => {};
    const onLate = vi.fn();
    const pending = raceAbort(new Promise<string>((r) => (resolve = r)), controller.signal, onLate);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
    resolve('late response');
    await Promise.resolve();
    expect(onLate).toHaveBeenCalledWith('late response');
  });

  it('rejects at once for an already aborted signal and still hands over the late value', async () => {
    const controller = new AbortController();
    controller.abort();
    const onLate = vi.fn();
    await expect(raceAbort(Promise.resolve(3), controller.signal, onLate)).rejects.toMatchObject({
      code: 'ABORTED',
    });
    await Promise.resolve();
    expect(onLate).toHaveBeenCalledWith(3);
  });
});
