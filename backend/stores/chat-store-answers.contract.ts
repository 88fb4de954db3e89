// The ChatStore contract, continued: Regenerate and Continue (`beginAnswerTurn`), the versions of
// an answer, feedback, renaming and `getMessage`. Run by `describeChatStoreContract` on every
// store, with that suite's store.
//
// Rules pinned down beyond the types:
// - Regenerate and Continue act on a conversation's last answer only. Regenerate accepts any
//   version of it; Continue only its latest version, and only while it is `stopped` or
//   `interrupted`. Neither creates a conversation.
// - A Regenerate marks the current version `replaced` and adds a `streaming` new version whose
//   `versionOf` is the first version's id (every later version names the first). Replaced
//   versions are never context and never list items: `listMessages` gives them, oldest first, as
//   the `previousVersions` of the latest one, on whatever page that one is.
// - A Continue writes into the same message: `startOffset` is its text's UTF-16 length, its status
//   is `streaming` again (finish reason cleared), and `finishTurn` adds the new usage to the old.
//   Its tokens count in `tokensUsedSince` at the Continue's time, also once deleted.
// - Every turn's key is one namespace per user: a question's key used for a Regenerate (or the
//   other way round) is a duplicate of the first turn.

import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Usage } from '../../sdk/protocol.js';
import type {
  BeginAnswerTurnInput,
  BeginAnswerTurnResult,
  ChatStore,
  StoredMessage,
} from './chat-store.js';
import {
  ALICE,
  allMessagesOf,
  at,
  BLOG,
  BOB,
  completeTurnOn,
  expectStarted,
  finished,
  ids,
  MODEL,
  SHOP,
  type StartedTurn,
  turnInput,
  USAGE,
} from './chat-store-contract-fixtures.js';

type StartedAnswerTurn = Extract<BeginAnswerTurnResult, { kind: 'started' }>;

/** A Regenerate or Continue of `target` in `turn`'s conversation (new turn id and key). */
function answerInput(
  action: BeginAnswerTurnInput['action'],
  turn: StartedTurn,
  target: string,
  overrides: Partial<BeginAnswerTurnInput> = {},
): BeginAnswerTurnInput {
  return {
    action,
    conversationId: turn.conversation.id,
    projectId: turn.conversation.projectId,
    targetMessageId: target,
    turnId: randomUUID(),
    model: MODEL,
    idempotencyKey: randomUUID(),
    now: at(60),
    ...overrides,
  };
}

function expectAnswerStarted(result: BeginAnswerTurnResult): StartedAnswerTurn {
  expect(result.kind).toBe('started');
  if (result.kind !== 'started') throw new Error(`expected a started turn, got ${result.kind}`);
  return result;
}

function tokens(totalTokens: number): Usage {
  return { promptTokens: totalTokens - 1, completionTokens: 1, totalTokens };
}

/** The contract of Regenerate, Continue, feedback and renaming, on the suite's `store()`. */
export function describeAnswerTurnContract(store: () => ChatStore): void {
  const completeTurn = (userId: string, ...rest: Parameters<typeof turnInput>) =>
    completeTurnOn(store(), userId, turnInput(...rest));
  const allMessages = (userId: string, conversationId: string) =>
    allMessagesOf(store(), userId, conversationId);
  /** Begins and finishes a Regenerate; returns the started turn. */
  const regenerate = async (
    turn: StartedTurn,
    target: string,
    answer: string,
    overrides: Partial<BeginAnswerTurnInput> = {},
  ): Promise<StartedAnswerTurn> => {
    const started = expectAnswerStarted(
      await store().beginAnswerTurn(ALICE, answerInput('regenerate', turn, target, overrides)),
    );
    expect(await store().finishTurn(ALICE, started.assistantMessage.id, finished(answer))).toBe(
      true,
    );
    return started;
  };

  describe('beginAnswerTurn: regenerate', () => {
    it('adds a streaming new version of the last answer and marks the old one replaced', async () => {
      const turn = await completeTurn(ALICE, { now: at(0) });
      const old = turn.assistantMessage.id;
      const input = answerInput('regenerate', turn, old, { now: at(60) });

      const started = expectAnswerStarted(await store().beginAnswerTurn(ALICE, input));

      expect(started.action).toEqual({
        kind: 'regenerate',
        targetId: old,
        turnId: input.turnId,
        startOffset: 0,
      });
      expect(started.userMessage).toEqual(turn.userMessage);
      expect(started.assistantMessage).toEqual({
        id: input.turnId,
        conversationId: turn.conversation.id,
        role: 'assistant',
        content: '',
        status: 'streaming',
        createdAt: at(60).toISOString(),
        model: MODEL,
        versionOf: old,
      });
      expect(started.conversation).toEqual({
        ...turn.conversation,
        updatedAt: at(60).toISOString(),
      });
      expect(await store().getMessage(ALICE, old)).toMatchObject({
        content: 'Each order has a customer_id.',
        status: 'complete',
        replaced: true,
      });
      const [question, answer, ...rest] = await allMessages(ALICE, turn.conversation.id);
      expect(rest).toEqual([]);
      expect(question?.id).toBe(turn.userMessage.id);
      expect(answer?.id).toBe(input.turnId);
      expect(answer?.previousVersions?.map((version) => version.id)).toEqual([old]);
      expect(answer?.previousVersions?.[0]).toMatchObject({ replaced: true, usage: USAGE });
    });

    it('lists every earlier version oldest first, whichever version it was asked from', async () => {
      const turn = await completeTurn(ALICE);
      const first = turn.assistantMessage.id;
      const second = await regenerate(turn, first, 'Second answer.');
      // From the first version while the second is the latest: still the same answer.
      const third = await regenerate(turn, first, 'Third answer.', { now: at(120) });

      expect(third.assistantMessage.versionOf).toBe(first);
      const [, answer] = await allMessages(ALICE, turn.conversation.id);
      expect(answer).toMatchObject({ id: third.assistantMessage.id, content: 'Third answer.' });
      expect(answer?.replaced).toBeUndefined();
      expect(answer?.previousVersions?.map((version) => [version.id, version.versionOf])).toEqual([
        [first, undefined],
        [second.assistantMessage.id, first],
      ]);
      expect((await store().getMessage(ALICE, second.assistantMessage.id))?.replaced).toBe(true);
    });

    it('gives the model only the latest version as context', async () => {
      const turn = await completeTurn(ALICE);
      const latest = await regenerate(turn, turn.assistantMessage.id, 'The better answer.');
      const next = expectStarted(
        await store().beginTurn(ALICE, turnInput({ conversationId: turn.conversation.id })),
      );

      const history = await store().getHistory(
        ALICE,
        turn.conversation.id,
        next.userMessage.id,
        10,
      );
      expect(ids(history)).toEqual([turn.userMessage.id, latest.assistantMessage.id]);
      // The history of the Regenerate itself is what came before its question.
      expect(
        await store().getHistory(ALICE, turn.conversation.id, latest.userMessage.id, 10),
      ).toEqual([]);
    });

    it('pages without counting replaced versions, each listed with its latest version', async () => {
      const turn = await completeTurn(ALICE);
      const conversationId = turn.conversation.id;
      const latest = await regenerate(turn, turn.assistantMessage.id, 'Again.');
      const later = await completeTurnOn(
        store(),
        ALICE,
        turnInput({ conversationId, now: at(200) }),
      );

      const page = await store().listMessages(ALICE, conversationId, { limit: 3 });
      expect(page && ids(page.items)).toEqual([
        latest.assistantMessage.id,
        later.userMessage.id,
        later.assistantMessage.id,
      ]);
      expect(page?.items[0]?.previousVersions?.map((version) => version.id)).toEqual([
        turn.assistantMessage.id,
      ]);
      const older = await store().listMessages(ALICE, conversationId, {
        limit: 3,
        cursor: page?.nextCursor,
      });
      expect(older && ids(older.items)).toEqual([turn.userMessage.id]);
      expect(older?.nextCursor).toBeUndefined();
    });

    it('refuses an earlier answer, a question, an unknown or foreign message, writing nothing', async () => {
      const first = await completeTurn(ALICE);
      const conversationId = first.conversation.id;
      const last = await completeTurnOn(store(), ALICE, turnInput({ conversationId, now: at(1) }));
      const elsewhere = await completeTurn(ALICE, { now: at(2) });
      const before = await allMessages(ALICE, conversationId);
      const attempt = (target: string) =>
        store().beginAnswerTurn(ALICE, answerInput('regenerate', last, target));

      expect(await attempt(first.assistantMessage.id)).toEqual({ kind: 'not-latest' });
      expect(await attempt(last.userMessage.id)).toEqual({ kind: 'message-not-found' });
      expect(await attempt(randomUUID())).toEqual({ kind: 'message-not-found' });
      expect(await attempt(elsewhere.assistantMessage.id)).toEqual({
        kind: 'message-not-found',
      });
      expect(await allMessages(ALICE, conversationId)).toEqual(before);
      expect((await store().getConversation(ALICE, conversationId))?.updatedAt).toBe(
        at(1).toISOString(),
      );
    });

    it('refuses an unknown conversation, another project and another user: not-found', async () => {
      const turn = await completeTurn(ALICE);
      const target = turn.assistantMessage.id;

      expect(
        await store().beginAnswerTurn(
          ALICE,
          answerInput('regenerate', turn, target, { conversationId: randomUUID() }),
        ),
      ).toEqual({ kind: 'not-found' });
      expect(
        await store().beginAnswerTurn(
          ALICE,
          answerInput('regenerate', turn, target, { projectId: BLOG }),
        ),
      ).toEqual({ kind: 'not-found' });
      expect(await store().beginAnswerTurn(BOB, answerInput('regenerate', turn, target))).toEqual({
        kind: 'not-found',
      });
      expect((await store().listConversations(BOB, SHOP, { limit: 10 })).items).toEqual([]);
      expect(await store().getMessage(ALICE, target)).not.toHaveProperty('replaced');
    });

    it('answers busy while an answer streams in the conversation', async () => {
      const turn = await completeTurn(ALICE);
      const streaming = expectAnswerStarted(
        await store().beginAnswerTurn(
          ALICE,
          answerInput('regenerate', turn, turn.assistantMessage.id),
        ),
      );

      expect(
        await store().beginAnswerTurn(
          ALICE,
          answerInput('regenerate', turn, streaming.assistantMessage.id),
        ),
      ).toEqual({ kind: 'busy', conversationId: turn.conversation.id });
      expect(
        (await store().beginTurn(ALICE, turnInput({ conversationId: turn.conversation.id }))).kind,
      ).toBe('busy');
    });

    it('is found by its key, and a key of any turn is a duplicate of that turn', async () => {
      const turn = await completeTurn(ALICE);
      const input = answerInput('regenerate', turn, turn.assistantMessage.id);
      const started = expectAnswerStarted(await store().beginAnswerTurn(ALICE, input));
      await store().finishTurn(ALICE, started.assistantMessage.id, finished('New.'));

      const found = await store().findTurn(ALICE, input.idempotencyKey);
      expect(found?.action).toEqual(started.action);
      expect(found?.userMessage.id).toBe(turn.userMessage.id);
      expect(found?.assistantMessage).toMatchObject({ id: input.turnId, content: 'New.' });
      expect(await store().findTurn(BOB, input.idempotencyKey)).toBeUndefined();

      const again = await store().beginAnswerTurn(ALICE, { ...input, turnId: randomUUID() });
      expect(again.kind).toBe('duplicate');
      expect(again.kind === 'duplicate' && again.assistantMessage.id).toBe(input.turnId);
      const question = await store().beginTurn(
        ALICE,
        turnInput({ idempotencyKey: input.idempotencyKey }),
      );
      expect(question.kind === 'duplicate' && question.action?.kind).toBe('regenerate');
      const questionKey = turn.userMessage.idempotencyKey as string;
      const reused = await store().beginAnswerTurn(
        ALICE,
        answerInput('regenerate', turn, input.turnId, { idempotencyKey: questionKey }),
      );
      expect(reused.kind === 'duplicate' && reused.userMessage.id).toBe(turn.userMessage.id);
      expect(reused.kind === 'duplicate' && reused.action).toBeUndefined();
    });
  });

  describe('beginAnswerTurn: continue', () => {
    it('makes a stopped answer streaming again with its text, and appends to it', async () => {
      const turn = await completeTurnOn(
        store(),
        ALICE,
        turnInput({ now: at(0) }),
        'Orders join',
        finished('Orders join', 'stopped', 'stopped', tokens(100)),
      );
      const input = answerInput('continue', turn, turn.assistantMessage.id, { now: at(60) });

      const started = expectAnswerStarted(await store().beginAnswerTurn(ALICE, input));

      expect(started.action).toEqual({
        kind: 'continue',
        targetId: turn.assistantMessage.id,
        turnId: input.turnId,
        startOffset: 'Orders join'.length,
      });
      expect(started.assistantMessage).toMatchObject({
        id: turn.assistantMessage.id,
        content: 'Orders join',
        status: 'streaming',
        createdAt: at(0).toISOString(),
        usage: tokens(100),
      });
      expect(started.assistantMessage.finishReason).toBeUndefined();
      expect(started.userMessage.id).toBe(turn.userMessage.id);

      await store().saveProgress(ALICE, turn.assistantMessage.id, 'Orders join customers');
      expect(
        await store().finishTurn(
          ALICE,
          turn.assistantMessage.id,
          finished('Orders join customers.', 'complete', 'stop', tokens(30)),
        ),
      ).toBe(true);
      const [, answer] = await allMessages(ALICE, turn.conversation.id);
      expect(answer).toMatchObject({
        id: turn.assistantMessage.id,
        content: 'Orders join customers.',
        status: 'complete',
        finishReason: 'stop',
        usage: { promptTokens: 128, completionTokens: 2, totalTokens: 130 },
      });
      expect(answer?.previousVersions).toBeUndefined();
      expect((await store().findTurn(ALICE, input.idempotencyKey))?.action).toEqual(started.action);
    });

    it('counts its UTF-16 length as the start offset and continues interrupted answers too', async () => {
      const text = 'Emoji 👩‍💻 and 表';
      const turn = await completeTurnOn(
        store(),
        ALICE,
        turnInput(),
        text,
        finished(text, 'interrupted', 'interrupted'),
      );

      const started = expectAnswerStarted(
        await store().beginAnswerTurn(
          ALICE,
          answerInput('continue', turn, turn.assistantMessage.id),
        ),
      );
      expect(started.action.startOffset).toBe(text.length);
      expect(started.assistantMessage.content).toBe(text);
    });

    it('refuses a finished or failed answer, an earlier or a replaced one', async () => {
      const complete = await completeTurn(ALICE);
      const attempt = (turn: StartedTurn, target: string) =>
        store().beginAnswerTurn(ALICE, answerInput('continue', turn, target));
      expect(await attempt(complete, complete.assistantMessage.id)).toEqual({
        kind: 'not-continuable',
      });

      const failed = await completeTurnOn(
        store(),
        ALICE,
        turnInput(),
        '',
        finished('', 'failed', 'error'),
      );
      expect(await attempt(failed, failed.assistantMessage.id)).toEqual({
        kind: 'not-continuable',
      });

      const stopped = await completeTurnOn(
        store(),
        ALICE,
        turnInput(),
        'Half',
        finished('Half', 'stopped', 'stopped'),
      );
      const conversationId = stopped.conversation.id;
      const latest = await regenerate(stopped, stopped.assistantMessage.id, 'Whole.');
      expect(await attempt(stopped, stopped.assistantMessage.id)).toEqual({
        kind: 'not-latest',
      });
      const next = await completeTurnOn(
        store(),
        ALICE,
        turnInput({ conversationId, now: at(100) }),
        'Cut',
        finished('Cut', 'stopped', 'stopped'),
      );
      expect(await attempt(next, latest.assistantMessage.id)).toEqual({ kind: 'not-latest' });
      expect((await store().getMessage(ALICE, next.assistantMessage.id))?.status).toBe('stopped');
    });

    it("counts a Continue's tokens at its own time, also once deleted", async () => {
      const turn = await completeTurnOn(
        store(),
        ALICE,
        turnInput({ now: at(0) }),
        'Part',
        finished('Part', 'stopped', 'stopped', tokens(100)),
      );
      const started = expectAnswerStarted(
        await store().beginAnswerTurn(
          ALICE,
          answerInput('continue', turn, turn.assistantMessage.id, { now: at(3600) }),
        ),
      );
      await store().finishTurn(
        ALICE,
        started.assistantMessage.id,
        finished('Part two', 'complete', 'stop', tokens(40)),
      );

      expect(await store().tokensUsedSince(ALICE, at(0))).toBe(140);
      expect(await store().tokensUsedSince(ALICE, at(1))).toBe(40);
      expect(await store().tokensUsedSince(ALICE, at(3601))).toBe(0);

      await store().deleteConversation(ALICE, turn.conversation.id);
      expect(await store().tokensUsedSince(ALICE, at(0))).toBe(140);
      expect(await store().tokensUsedSince(ALICE, at(1))).toBe(40);
    });

    it('counts replaced versions, and frees the keys of Regenerate and Continue on delete', async () => {
      const turn = await completeTurnOn(
        store(),
        ALICE,
        turnInput({ now: at(0) }),
        'Cut',
        finished('Cut', 'stopped', 'stopped', tokens(10)),
      );
      const regenerated = answerInput('regenerate', turn, turn.assistantMessage.id);
      const version = expectAnswerStarted(await store().beginAnswerTurn(ALICE, regenerated));
      await store().finishTurn(
        ALICE,
        version.assistantMessage.id,
        finished('Cut again', 'stopped', 'stopped', tokens(20)),
      );
      const continued = answerInput('continue', turn, version.assistantMessage.id);
      const continuation = expectAnswerStarted(await store().beginAnswerTurn(ALICE, continued));
      await store().finishTurn(
        ALICE,
        continuation.assistantMessage.id,
        finished('Cut again, whole.', 'complete', 'stop', tokens(5)),
      );
      expect(await store().tokensUsedSince(ALICE, at(0))).toBe(35);

      expect(await store().deleteConversation(ALICE, turn.conversation.id)).toBe(true);
      expect(await store().findTurn(ALICE, regenerated.idempotencyKey)).toBeUndefined();
      expect(await store().findTurn(ALICE, continued.idempotencyKey)).toBeUndefined();
      expect(await store().getMessage(ALICE, turn.assistantMessage.id)).toBeUndefined();
      expect(await store().tokensUsedSince(ALICE, at(0))).toBe(35);
      expect(
        (await store().beginTurn(ALICE, turnInput({ idempotencyKey: continued.idempotencyKey })))
          .kind,
      ).toBe('started');
    });
  });

  describe('beginAnswerTurn: concurrency', () => {
    it('starts exactly one of 10 parallel Regenerates; the others are busy', async () => {
      const turn = await completeTurn(ALICE);

      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          store().beginAnswerTurn(ALICE, answerInput('regenerate', turn, turn.assistantMessage.id)),
        ),
      );

      expect(results.filter((result) => result.kind === 'started')).toHaveLength(1);
      expect(results.filter((result) => result.kind === 'busy')).toHaveLength(9);
      const [, answer] = await allMessages(ALICE, turn.conversation.id);
      expect(answer?.previousVersions).toHaveLength(1);
    });

    it('starts one of 10 parallel Continues with the same key; the rest are duplicates of it', async () => {
      const turn = await completeTurnOn(
        store(),
        ALICE,
        turnInput(),
        'Half',
        finished('Half', 'stopped', 'stopped'),
      );
      const input = answerInput('continue', turn, turn.assistantMessage.id);

      const results = await Promise.all(
        Array.from({ length: 10 }, () =>
          store().beginAnswerTurn(ALICE, { ...input, turnId: randomUUID() }),
        ),
      );

      const started = results.filter((result) => result.kind === 'started');
      expect(started).toHaveLength(1);
      const duplicates = results.filter((result) => result.kind === 'duplicate');
      expect(duplicates).toHaveLength(9);
      for (const duplicate of duplicates) {
        expect(duplicate.kind === 'duplicate' && duplicate.action).toEqual(
          started[0]?.kind === 'started' && started[0].action,
        );
      }
    });
  });

  describe('setFeedback', () => {
    it('stores, replaces and removes the rating of an answer, returned with the history', async () => {
      const turn = await completeTurn(ALICE);
      const answer = turn.assistantMessage.id;

      const rated = await store().setFeedback(ALICE, answer, { rating: 'down' }, at(10));
      expect(rated).toMatchObject({
        id: answer,
        conversationId: turn.conversation.id,
        feedback: { rating: 'down', updatedAt: at(10).toISOString() },
      });
      expect(rated?.feedback).not.toHaveProperty('comment');
      await store().setFeedback(
        ALICE,
        answer,
        { rating: 'up', comment: 'Exactly right 👍' },
        at(20),
      );
      const [question, listed] = await allMessages(ALICE, turn.conversation.id);
      expect(listed?.feedback).toEqual({
        rating: 'up',
        comment: 'Exactly right 👍',
        updatedAt: at(20).toISOString(),
      });
      expect(question?.feedback).toBeUndefined();

      const removed = await store().setFeedback(ALICE, answer, null, at(30));
      expect(removed?.feedback).toBeUndefined();
      expect((await store().getMessage(ALICE, answer))?.feedback).toBeUndefined();
    });

    it("refuses a question, another user's answer and an unknown id", async () => {
      const turn = await completeTurn(ALICE);

      expect(
        await store().setFeedback(ALICE, turn.userMessage.id, { rating: 'up' }, at(1)),
      ).toBeUndefined();
      expect(
        await store().setFeedback(BOB, turn.assistantMessage.id, { rating: 'down' }, at(1)),
      ).toBeUndefined();
      expect(await store().setFeedback(ALICE, randomUUID(), { rating: 'up' }, at(1))).toBe(
        undefined,
      );
      expect((await store().getMessage(ALICE, turn.assistantMessage.id))?.feedback).toBe(undefined);
    });

    it('keeps the feedback of each version of an answer', async () => {
      const turn = await completeTurn(ALICE);
      await store().setFeedback(ALICE, turn.assistantMessage.id, { rating: 'down' }, at(1));
      const latest = await regenerate(turn, turn.assistantMessage.id, 'Better.');
      await store().setFeedback(ALICE, latest.assistantMessage.id, { rating: 'up' }, at(70));

      const [, answer] = await allMessages(ALICE, turn.conversation.id);
      expect(answer?.feedback?.rating).toBe('up');
      expect(answer?.previousVersions?.[0]?.feedback?.rating).toBe('down');
    });
  });

  describe('renameConversation', () => {
    it('changes the title only, for its owner only', async () => {
      const turn = await completeTurn(ALICE, { now: at(0) });
      const id = turn.conversation.id;

      expect(await store().renameConversation(BOB, id, 'Mine now')).toBeUndefined();
      expect(await store().renameConversation(ALICE, randomUUID(), 'Nothing')).toBeUndefined();
      const renamed = await store().renameConversation(ALICE, id, 'Orders and customers 🧾');

      expect(renamed).toEqual({ ...turn.conversation, title: 'Orders and customers 🧾' });
      expect(await store().getConversation(ALICE, id)).toEqual(renamed);
      expect((await store().listConversations(ALICE, SHOP, { limit: 10 })).items).toEqual([
        renamed,
      ]);
      await completeTurnOn(store(), ALICE, turnInput({ conversationId: id, now: at(5) }));
      expect((await store().getConversation(ALICE, id))?.title).toBe('Orders and customers 🧾');
    });
  });

  describe('getMessage', () => {
    it("returns one of the user's messages by id, never another user's", async () => {
      const turn = await completeTurn(ALICE);
      const answer: StoredMessage | undefined = await store().getMessage(
        ALICE,
        turn.assistantMessage.id,
      );

      expect(answer).toMatchObject({
        id: turn.assistantMessage.id,
        role: 'assistant',
        content: 'Each order has a customer_id.',
        usage: USAGE,
      });
      expect((await store().getMessage(ALICE, turn.userMessage.id))?.role).toBe('user');
      expect(await store().getMessage(BOB, turn.assistantMessage.id)).toBeUndefined();
      expect(await store().getMessage(ALICE, randomUUID())).toBeUndefined();
    });
  });
}
