// CheckpointBudget: a tick's checkpoints are capped; the next tick has the whole budget again.

import { describe, expect, it } from 'vitest';
import { CHECKPOINTS_PER_TICK, CheckpointBudget } from './checkpoint-budget.js';

describe('CheckpointBudget', () => {
  it('grants CHECKPOINTS_PER_TICK checkpoints within one tick, then none until the next tick', () => {
    const budget = new CheckpointBudget();
    const granted = Array.from({ length: CHECKPOINTS_PER_TICK + 5 }, (_, i) =>
      budget.take(1000 + i * 0.01),
    );
    expect(granted.filter(Boolean)).toHaveLength(CHECKPOINTS_PER_TICK);
    expect(granted.slice(CHECKPOINTS_PER_TICK)).toEqual([false, false, false, false, false]);
    // The next tick (a quarter of a checkpoint interval later) starts over.
    expect(budget.take(1250)).toBe(true);
  });
});
