import { describe, expect, it } from 'vitest';
import type { StoredMessage } from './chat-store.js';
import { answerTurnAction, newVersion, refuseAnswerTurn } from './decide-answer-turn.js';

const answer = (id: string, patch: Partial<StoredMessage> = {}): StoredMessage => ({
  id,
  conversationId: 'c1',
  role: 'assistant',
  content: 'Books have',
  status: 'complete',
  createdAt: '2026-01-01T00:00:00.000Z',
  ...patch,
});
const regenerate = { action: 'regenerate', conversationId: 'c1' } as const;
const continued = { action: 'continue', conversationId: 'c1' } as const;

describe('refuseAnswerTurn', () => {
  it('lets Regenerate take any version of the latest answer, whatever its status', () => {
    const latest = answer('v3', { versionOf: 'v1', status: 'failed' });
    expect(refuseAnswerTurn(regenerate, latest, answer('v1'))).toBeUndefined();
    expect(refuseAnswerTurn(regenerate, latest, answer('v2', { versionOf: 'v1' }))).toBeUndefined();
    expect(refuseAnswerTurn(regenerate, latest, answer('other'))).toBe('not-latest');
  });

  it('lets Continue take only the latest answer itself, stopped or interrupted', () => {
    const stopped = answer('a', { status: 'stopped' });
    expect(refuseAnswerTurn(continued, stopped, stopped)).toBeUndefined();
    expect(refuseAnswerTurn(continued, answer('a', { status: 'interrupted' }), stopped)).toBe(
      undefined,
    );
    expect(refuseAnswerTurn(continued, answer('a'), answer('a'))).toBe('not-continuable');
    expect(refuseAnswerTurn(continued, answer('b', { versionOf: 'a' }), stopped)).toBe(
      'not-latest',
    );
  });

  it('answers busy first, then a target that is no answer of this conversation', () => {
    const streaming = answer('a', { status: 'streaming' });
    expect(refuseAnswerTurn(regenerate, streaming, undefined)).toBe('busy');
    expect(refuseAnswerTurn(regenerate, answer('a'), undefined)).toBe('message-not-found');
    expect(refuseAnswerTurn(regenerate, undefined, answer('a'))).toBe('message-not-found');
    expect(refuseAnswerTurn(regenerate, answer('a'), answer('a', { role: 'user' }))).toBe(
      'message-not-found',
    );
    expect(refuseAnswerTurn(regenerate, answer('a'), answer('a', { conversationId: 'c2' }))).toBe(
      'message-not-found',
    );
  });
});

describe('newVersion and answerTurnAction', () => {
  const input = {
    ...regenerate,
    projectId: 'p',
    targetMessageId: 'v2',
    turnId: 'v3',
    model: 'm',
    idempotencyKey: 'k',
    now: new Date(0),
  };

  it("makes a streaming, empty version in the latest answer's group", () => {
    expect(newVersion(input, answer('v2', { versionOf: 'v1' }), 0)).toEqual({
      id: 'v3',
      conversationId: 'c1',
      role: 'assistant',
      content: '',
      status: 'streaming',
      createdAt: '1970-01-01T00:00:00.000Z',
      model: 'm',
      versionOf: 'v1',
    });
  });

  it("starts a Continue at the answer's UTF-16 length and a Regenerate at 0", () => {
    const latest = answer('a', { content: 'Emoji 👩‍💻' });
    expect(answerTurnAction({ ...input, action: 'continue' }, latest).startOffset).toBe(
      'Emoji 👩‍💻'.length,
    );
    expect(answerTurnAction(input, latest)).toEqual({
      kind: 'regenerate',
      targetId: 'v2',
      turnId: 'v3',
      startOffset: 0,
    });
  });
});
