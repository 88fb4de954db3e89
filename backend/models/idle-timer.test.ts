// IdleTimer: fires after a quiet period, is kept alive by touches, and can be postponed.

import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { IdleTimer } from './idle-timer.js';

describe('IdleTimer', () => {
  it('fires once after the period passes without a touch', async () => {
    let fired = 0;
    new IdleTimer(30, () => fired++);
    await sleep(10);
    expect(fired).toBe(0);
    await sleep(80);
    expect(fired).toBe(1);
  });

  it('does not fire while touches keep coming, then fires a period after the last one', async () => {
    let fired = 0;
    const timer = new IdleTimer(40, () => fired++);
    for (let i = 0; i < 8; i++) {
      await sleep(15);
      timer.touch();
    }
    expect(fired).toBe(0); // 120 ms in, three periods long
    await sleep(120);
    expect(fired).toBe(1);
  });

  it('postpones by a full period while mayFire says no', async () => {
    let fired = 0;
    let holding = true;
    new IdleTimer(20, () => fired++, { mayFire: () => !holding });
    await sleep(70);
    expect(fired).toBe(0);
    holding = false;
    await sleep(60);
    expect(fired).toBe(1);
  });

  it('never fires once stopped', async () => {
    let fired = 0;
    const timer = new IdleTimer(20, () => fired++);
    timer.stop();
    await sleep(50);
    expect(fired).toBe(0);
  });
});
