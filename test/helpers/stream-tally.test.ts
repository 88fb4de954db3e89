// The stream tally: schema-chat events and their id rules, OpenAI chunks, and the problem named.

import { describe, expect, it } from 'vitest';
import { createStreamTally, describeStreamProblem, emptyStreamOutcome } from './stream-tally.js';

const conversation = (id = 'r:0') => ({
  id,
  data: JSON.stringify({ type: 'conversationId', conversationId: 'c-1' }),
});
const token = (content: string, id?: string) => ({
  ...(id ? { id } : {}),
  data: JSON.stringify({ type: 'token', content }),
});
const complete = (id = 'r:99') => ({
  id,
  data: JSON.stringify({ type: 'complete', metadata: { status: 'complete' } }),
});

describe('createStreamTally (schema-chat)', () => {
  it('keeps the text, the conversation and the terminal event of a well-formed stream', () => {
    const tally = createStreamTally(0, { recordArrivals: true });
    expect(tally.add(conversation(), 1)).toBe('conversation');
    expect(tally.add(token('Hel', 'r:4'), 2)).toBe('text');
    expect(tally.add(token('lo', 'r:6'), 2)).toBe('text');
    expect(tally.add(complete('r:7'), 3)).toBe('terminal');
    expect(tally.outcome).toMatchObject({
      conversationId: 'c-1',
      text: 'Hello',
      textChars: 5,
      events: 4,
      textEvents: 2,
      terminal: 'complete',
      terminalCount: 1,
      completeStatus: 'complete',
      lastEventId: 'r:7',
      idViolations: 0,
      firstTextMs: 2,
      arrivals: [
        { chars: 3, atMs: 2 },
        { chars: 5, atMs: 2 },
      ],
    });
  });

  it('counts a token whose seq is not the offset it ends at plus one (a lost token)', () => {
    const tally = createStreamTally(0);
    tally.add(conversation(), 1);
    tally.add(token('Hel', 'r:4'), 2);
    tally.add(token('lo', 'r:9'), 2);
    expect(tally.outcome.idViolations).toBe(1);
  });

  it('does not check offsets of a resumed stream, but still wants increasing ids of one run', () => {
    const tally = createStreamTally(0, { resumed: true });
    tally.add(token('lo', 'r:9'), 1);
    tally.add(token('!', 'r:8'), 1);
    tally.add(token('?', 'other:10'), 1);
    expect(tally.outcome.idViolations).toBe(2);
  });

  it('counts events after the terminal one, unknown types and unparsable data', () => {
    const tally = createStreamTally(0);
    tally.add(complete('r:1'), 1);
    tally.add({ data: '{"type":"mystery"}' }, 1);
    tally.add({ data: 'not json' }, 1);
    expect(tally.outcome.idViolations).toBe(4);
  });

  it('counts text without keeping it when told not to', () => {
    const tally = createStreamTally(0, { keepText: false });
    tally.add(conversation(), 1);
    tally.add(token('Hel', 'r:4'), 2);
    expect(tally.outcome).toMatchObject({ text: '', textChars: 3, idViolations: 0 });
    expect(tally.outcome.arrivals).toBeUndefined();
  });

  it('keeps the code and message of an error event', () => {
    const tally = createStreamTally(0);
    tally.add({ data: JSON.stringify({ type: 'error', error: { code: 'X', message: 'm' } }) }, 1);
    expect(tally.outcome).toMatchObject({ terminal: 'error', errorCode: 'X', errorMessage: 'm' });
  });
});

describe('createStreamTally (openai)', () => {
  it('reads delta contents as text and [DONE] as the terminal event', () => {
    const tally = createStreamTally(0, { format: 'openai' });
    const chunk = (content: string | null) =>
      ({ data: JSON.stringify({ choices: [{ delta: { content } }] }) }) as const;
    expect(tally.add(chunk(null), 1)).toBe('other');
    expect(tally.add(chunk('Hi'), 2)).toBe('text');
    expect(tally.add({ data: '[DONE]' }, 3)).toBe('terminal');
    expect(tally.outcome).toMatchObject({
      text: 'Hi',
      events: 3,
      textEvents: 1,
      terminal: 'complete',
      idViolations: 0,
    });
  });
});

describe('describeStreamProblem', () => {
  const outcome = (fields: object) => ({ ...emptyStreamOutcome(0), status: 200, ...fields });

  it('says nothing of a completed stream', () => {
    expect(describeStreamProblem(outcome({ terminal: 'complete' }))).toBeUndefined();
  });

  it('names what went wrong otherwise', () => {
    expect(describeStreamProblem(outcome({ closedBy: 'timeout' }))).toBe('timed out');
    expect(describeStreamProblem(outcome({ status: 0, networkError: 'ECONNREFUSED' }))).toBe(
      'ECONNREFUSED',
    );
    expect(describeStreamProblem(outcome({ status: 429 }))).toBe('status 429');
    expect(
      describeStreamProblem(outcome({ terminal: 'error', errorCode: 'X', errorMessage: 'm' })),
    ).toBe('X: m');
    expect(describeStreamProblem(outcome({ closedBy: 'error', networkError: 'ECONNRESET' }))).toBe(
      'ECONNRESET',
    );
    expect(describeStreamProblem(outcome({}))).toBe('ended without a terminal event');
  });
});
