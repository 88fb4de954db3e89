import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { ChatError } from '../errors.js';
import type { ChatLogger } from '../logging/chat-logger.js';
import type { ChatStore, FinishTurnInput } from './chat-store.js';
import { MemoryChatStore } from './memory-chat-store.js';
import { settleFinishedTurns } from './settle-finished-turns.js';

const RESULT: FinishTurnInput = {
  content: 'the answer',
  status: 'complete',
  finishReason: 'stop',
  usage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 },
};
const busy = () => new ChatError('STORAGE_ERROR', 'The chat history is busy.', { retryable: true });

/** A store whose finishTurn fails with `failure()` the first `times` calls. */
function flakyStore(times: number, failure: () => Error = busy) {
  const calls: string[] = [];
  const store = new MemoryChatStore() as ChatStore;
  const finishTurn = store.finishTurn.bind(store);
  let left = times;
  store.finishTurn = async (userId, messageId, result) => {
    calls.push(messageId);
    if (left-- > 0) throw failure();
    return finishTurn(userId, messageId, result);
  };
  return { store, calls };
}
const logs = () => {
  const lines: string[] = [];
  const logger: ChatLogger = {
    info: () => {},
    warn: (_fields, message) => lines.push(`warn ${message}`),
    error: (_fields, message) => lines.push(`error ${message}`),
  };
  return { logger, lines };
};
async function startedTurn(store: ChatStore): Promise<string> {
  const begin = await store.beginTurn('alice', {
    conversationId: '0b6f3a52-1c2d-4e5f-8a9b-0c1d2e3f4a5b',
    projectId: 'p1',
    userMessage: { id: 'u1', content: 'question' },
    assistantMessage: { id: 'a1', model: 'm' },
    idempotencyKey: 'k1',
    now: new Date(),
  });
  expect(begin.kind).toBe('started');
  return 'a1';
}
const statusOf = async (store: ChatStore) =>
  (await store.listMessages('alice', '0b6f3a52-1c2d-4e5f-8a9b-0c1d2e3f4a5b', { limit: 5 }))
    ?.items[1];

describe('settleFinishedTurns', () => {
  it('rejects a final save that hit a storage fault at once, then saves it in the background', async () => {
    const { store, calls } = flakyStore(2);
    const { logger, lines } = logs();
    const settling = settleFinishedTurns(store, { logger, retryDelaysMs: [10, 10, 10] });
    const id = await startedTurn(settling);
    await expect(settling.finishTurn('alice', id, RESULT)).rejects.toMatchObject({
      code: 'STORAGE_ERROR',
    });
    expect((await statusOf(store))?.status).toBe('streaming');
    expect(settling.pendingFinishes).toBe(1);
    await sleep(100);
    expect(calls).toHaveLength(3);
    expect(await statusOf(store)).toMatchObject({ status: 'complete', content: 'the answer' });
    expect(settling.pendingFinishes).toBe(0);
    expect(lines).toEqual(['warn saved an answer whose first final save had failed']);
  });

  it('gives up after the last delay and logs it (the next start recovers the answer)', async () => {
    const { store, calls } = flakyStore(10);
    const { logger, lines } = logs();
    const settling = settleFinishedTurns(store, { logger, retryDelaysMs: [5, 5] });
    const id = await startedTurn(settling);
    await expect(settling.finishTurn('alice', id, RESULT)).rejects.toThrow();
    await sleep(60);
    expect(calls).toHaveLength(3);
    expect(settling.pendingFinishes).toBe(0);
    expect(lines).toEqual([
      'error an answer could not be saved; it stays streaming until the next start recovers it',
    ]);
  });

  it('does not retry a failure that is not a storage fault (a bug surfaces once)', async () => {
    const { store, calls } = flakyStore(1, () => new TypeError('bad input'));
    const settling = settleFinishedTurns(store, { logger: logs().logger, retryDelaysMs: [5] });
    const id = await startedTurn(settling);
    await expect(settling.finishTurn('alice', id, RESULT)).rejects.toBeInstanceOf(TypeError);
    await sleep(30);
    expect(calls).toHaveLength(1);
    expect(settling.pendingFinishes).toBe(0);
  });

  it('tries the pending saves once more on flush() and stops retrying', async () => {
    const { store, calls } = flakyStore(1);
    const settling = settleFinishedTurns(store, { logger: logs().logger, retryDelaysMs: [60_000] });
    const id = await startedTurn(settling);
    await expect(settling.finishTurn('alice', id, RESULT)).rejects.toThrow();
    await settling.flush();
    expect(calls).toHaveLength(2);
    expect((await statusOf(store))?.status).toBe('complete');
    expect(settling.pendingFinishes).toBe(0);
  });

  it('passes every other method through to the store', async () => {
    const store = new MemoryChatStore();
    const settling = settleFinishedTurns(store, { logger: logs().logger });
    await startedTurn(settling);
    expect(await settling.findTurn('alice', 'k1')).toEqual(await store.findTurn('alice', 'k1'));
    expect(await settling.recoverInterrupted()).toBe(1);
    expect(await settling.tokensUsedSince('alice', new Date(0))).toBe(0);
  });
});

describe('settleFinishedTurns passing the rest through', () => {
  it("answers every other ChatStore method with the store's own, private state included", async () => {
    const store = new MemoryChatStore();
    const settling = settleFinishedTurns(store, { logger: logs().logger });
    const messageId = await startedTurn(settling);
    const [conversation] = (await settling.listConversations('alice', 'p1', { limit: 10 })).items;
    expect(conversation).toBeDefined();
    expect(await settling.getConversation('alice', conversation?.id ?? '')).toEqual(
      await store.getConversation('alice', conversation?.id ?? ''),
    );
    await settling.saveProgress('alice', messageId, 'partial');
    const page = await settling.listMessages('alice', conversation?.id ?? '', { limit: 10 });
    expect(page?.items.map((message) => message.content)).toEqual(['question', 'partial']);
    expect(await settling.recoverInterrupted()).toBe(1);
    expect(settling.recoverInterrupted).toBe(settling.recoverInterrupted);
  });
});
