import { describe, expect, it } from 'vitest';
import { ChatError } from '../errors.js';
import { decideTurnOutcome } from './decide-turn-outcome.js';

const finish = { type: 'finish' as const, finishReason: 'length' as const };
const timeout = new ChatError('UPSTREAM_TIMEOUT', 'slow', { retryable: true });

describe('decideTurnOutcome', () => {
  it('completes with the upstream finish reason', () => {
    expect(
      decideTurnOutcome({ textLength: 5, finish, failure: undefined, abortReason: undefined }),
    ).toEqual({
      status: 'complete',
      finishReason: 'length',
      error: undefined,
    });
  });

  it('saves a stop as stopped, even with no text', () => {
    const outcome = decideTurnOutcome({
      textLength: 0,
      finish: undefined,
      failure: undefined,
      abortReason: { kind: 'stopped' },
    });
    expect(outcome).toEqual({ status: 'stopped', finishReason: 'stopped', error: undefined });
  });

  it('saves a client gone past the grace as interrupted with GENERATION_INTERRUPTED', () => {
    const outcome = decideTurnOutcome({
      textLength: 3,
      finish: undefined,
      failure: undefined,
      abortReason: { kind: 'interrupted', why: 'client-gone' },
    });
    expect(outcome.status).toBe('interrupted');
    expect(outcome.finishReason).toBe('interrupted');
    expect(outcome.error?.code).toBe('GENERATION_INTERRUPTED');
    expect(outcome.error?.message).toMatch(/no client stayed connected/);
  });

  it('tells why an answer was cut when its instance lost its lease or restarted, not a gone client', () => {
    const cut = (why: 'lease-lost' | 'shutdown') =>
      decideTurnOutcome({
        textLength: 3,
        finish: undefined,
        failure: undefined,
        abortReason: { kind: 'interrupted', why },
      }).error?.message;
    expect(cut('lease-lost')).toMatch(/stalled; the text so far is saved/);
    expect(cut('shutdown')).toMatch(/restarted/);
  });

  it('keeps partial text of a failure as interrupted, and marks an empty one failed', () => {
    const partial = decideTurnOutcome({
      textLength: 3,
      finish: undefined,
      failure: timeout,
      abortReason: undefined,
    });
    expect(partial).toMatchObject({ status: 'interrupted', finishReason: 'error' });
    expect(partial.error).toBe(timeout);
    const empty = decideTurnOutcome({
      textLength: 0,
      finish: undefined,
      failure: timeout,
      abortReason: undefined,
    });
    expect(empty.status).toBe('failed');
  });

  it('lets an abort win over a finish that raced it', () => {
    const outcome = decideTurnOutcome({
      textLength: 3,
      finish,
      failure: undefined,
      abortReason: { kind: 'error', error: timeout },
    });
    expect(outcome.error?.code).toBe('UPSTREAM_TIMEOUT');
  });

  it('treats a stream that ended without finishing as UPSTREAM_BAD_RESPONSE', () => {
    const outcome = decideTurnOutcome({
      textLength: 3,
      finish: undefined,
      failure: undefined,
      abortReason: undefined,
    });
    expect(outcome).toMatchObject({ status: 'interrupted', finishReason: 'error' });
    expect(outcome.error?.code).toBe('UPSTREAM_BAD_RESPONSE');
  });
});
