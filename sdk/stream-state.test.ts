// Tests of the pure state machine of a streamed turn.

import { describe, expect, it } from 'vitest';
import type { EventSourceMessage } from './create-sse-decoder.js';
import {
  createStreamState,
  reduceStreamMessage,
  type StreamState,
  type StreamStep,
  toTurnResult,
} from './stream-state.js';
import { turnEvents } from './test-helpers/protocol-turn.js';

function message(id: string, data: unknown, extra: Partial<EventSourceMessage> = {}) {
  return { id, event: '', data: typeof data === 'string' ? data : JSON.stringify(data), ...extra };
}

function run(messages: EventSourceMessage[], from: StreamState = createStreamState()) {
  let state = from;
  const steps: StreamStep[] = [];
  for (const m of messages) {
    const reduced = reduceStreamMessage(state, m);
    state = reduced.state;
    steps.push(reduced.step);
  }
  return { state, steps };
}

const wire = turnEvents({ tokens: ['Hel', 'lo'] }).map((e) => message(e.id, e.event));

describe('reduceStreamMessage', () => {
  it('delivers conversationId, tokens and complete, and builds the text', () => {
    const { state, steps } = run(wire);
    expect(steps.map((s) => s.type)).toEqual(['event', 'event', 'event', 'complete']);
    expect(state).toMatchObject({
      conversationId: '3f1c2a9e-7d4b-4c1a-9e2f-5b6a7c8d9e0f',
      text: 'Hello',
      lastEventId: 'r1:3',
      delivered: 4,
    });
    expect(toTurnResult(state, 'sse')).toEqual({
      conversationId: '3f1c2a9e-7d4b-4c1a-9e2f-5b6a7c8d9e0f',
      messageId: 'a1b2c3d4-0000-4000-8000-000000000001',
      content: 'Hello',
      status: 'complete',
      finishReason: 'stop',
      usage: { promptTokens: 12, completionTokens: 2, totalTokens: 14 },
      model: 'Qwen/Qwen2.5-7B-Instruct',
      transport: 'sse',
    });
  });

  it('skips empty events but keeps their retry hint and id', () => {
    const { state, steps } = run([
      { id: '', event: '', data: '', retry: 250 },
      { id: 'r1:0', event: '', data: '' },
    ]);
    expect(steps).toEqual([{ type: 'skip' }, { type: 'skip' }]);
    expect(state).toMatchObject({ retryMs: 250, lastEventId: 'r1:0', delivered: 0 });
  });

  it('keeps the last event id when an event has no id', () => {
    const { state } = run([
      message('r1:0', wire[0]?.data ?? ''),
      message('', { type: 'token', content: 'x' }),
    ]);
    expect(state.lastEventId).toBe('r1:0');
  });

  it('skips empty tokens, unknown types and named events', () => {
    const { steps, state } = run([
      message('1', { type: 'token', content: '' }),
      message('2', { type: 'usage', n: 1 }),
      message('3', { type: 'token', content: 'x' }, { event: 'debug' }),
    ]);
    expect(steps).toEqual([{ type: 'skip' }, { type: 'skip' }, { type: 'skip' }]);
    expect(state).toMatchObject({ text: '', delivered: 0, lastEventId: '3' });
  });

  it('delivers a conversationId once even when a resumed stream repeats it', () => {
    const { steps } = run([wire[0], wire[1], wire[0]] as EventSourceMessage[]);
    expect(steps.map((s) => s.type)).toEqual(['event', 'event', 'skip']);
  });

  it('ignores everything after complete', () => {
    const { steps, state } = run([...wire, message('r1:9', { type: 'token', content: 'late' })]);
    expect(steps.at(-1)).toEqual({ type: 'skip' });
    expect(state.text).toBe('Hello');
  });

  it('turns an error event into an error step without delivering it', () => {
    const detail = { code: 'UPSTREAM_TIMEOUT', message: 'Slow.', retryable: true };
    const { steps, state } = run([
      wire[0] as EventSourceMessage,
      message('r1:1', { type: 'error', error: detail }),
    ]);
    expect(steps[1]).toEqual({ type: 'error', error: detail });
    expect(state.delivered).toBe(1);
  });

  it('throws a coded BAD_RESPONSE for malformed data', () => {
    expect(() => run([message('1', '{"type":"token",')])).toThrowError(
      expect.objectContaining({ code: 'BAD_RESPONSE' }),
    );
  });

  it('does not change the state it was given', () => {
    const start = createStreamState();
    run(wire, start);
    expect(start).toEqual(createStreamState());
  });
});

describe('toTurnResult', () => {
  it('refuses a state that has not completed', () => {
    expect(() => toTurnResult(createStreamState(), 'sse')).toThrow(/completed/);
  });
});
