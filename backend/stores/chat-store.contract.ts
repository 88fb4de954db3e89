// The ChatStore contract: the vitest suite every ChatStore implementation runs to prove it correct.
//
// Writing your own store (Postgres, Redis, …)? Implement `ChatStore` from `chat-store.ts`, take
// this file from the schema-chat repository (it is not in the npm entry: it imports vitest), and
// run it in a test file, giving it a new, empty store per test:
//
//   describeChatStoreContract('PostgresChatStore', async () => {
//     const schema = `test_${randomUUID().replaceAll('-', '')}`;
//     return { store: new PostgresChatStore({ pool, schema }), cleanup: () => dropSchema(pool, schema) };
//   });
//
// Rules the suite pins down beyond the types (the JSDoc of `ChatStore` is the specification):
// - A conversation is named by (user id, conversation id). Another user's conversation id is, for
//   this user, an unused id: `beginTurn` creates the user's own conversation with it (even while
//   the other one streams), and nothing done in one ever shows in or changes the other.
// - `beginTurn` checks, in this order: the idempotency key (`duplicate`, even while that turn's
//   answer is still streaming, and even if the request names another conversation: the router
//   compares), the project of the user's conversation with that id (`not-found` when it is
//   another project's), then `busy`.
// - Titles: the first question, whitespace runs collapsed to one space, at most 80 UTF-16 units,
//   cut on a word boundary when possible, never splitting a surrogate pair
//   (`deriveConversationTitle` does exactly this).
// - Ordering is insertion order, never timestamps: equal `now`s keep their order.
// - `updatedAt` moves to `now` on every new turn.
// - Deleting a conversation frees the idempotency keys of its turns, but its token usage still
//   counts in `tokensUsedSince` (deleting must not reset a quota) for at least
//   `DELETED_USAGE_RETENTION_MS` before the user's latest turn; older deleted usage is dropped.
// - `recoverInterrupted` and `interruptTurn` set `finishReason: 'interrupted'` on the messages
//   they end.
// - A malformed `cursor` or a `limit` outside 1–100 rejects with `VALIDATION_FAILED` (status 400).
// - Returned objects are copies: mutating them never changes what is stored.
// - Regenerate and Continue (`beginAnswerTurn`), versions, feedback and renaming: the rules at the
//   top of chat-store-answers.contract.ts.

import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FinishReason, MessageStatus, Usage } from '../../sdk/protocol.js';
import {
  type BeginTurnInput,
  type BeginTurnResult,
  type ChatStore,
  DELETED_USAGE_RETENTION_MS,
  type FinishTurnInput,
  type StoredMessage,
} from './chat-store.js';
import { describeAnswerTurnContract } from './chat-store-answers.contract.js';
import {
  ALICE,
  allMessagesOf,
  at,
  BLOG,
  BOB,
  completeTurnOn,
  expectStarted,
  finished,
  ISO_8601,
  ids,
  LONE_SURROGATE,
  MODEL,
  retryOf,
  SHOP,
  type StartedTurn,
  turnInput,
  USAGE,
} from './chat-store-contract-fixtures.js';

/** What the factory of {@link describeChatStoreContract} returns for each test. */
export interface ChatStoreContractFixture {
  /** A new, empty store. The suite calls its `close()` after each test. */
  store: ChatStore;
  /** Runs after `close()`, e.g. to delete a temporary file. Defaults to nothing. */
  cleanup?: () => Promise<void>;
}

/**
 * Defines the contract suite for one {@link ChatStore} implementation. `createStore` runs before
 * every test and must return a new, empty store.
 */
export function describeChatStoreContract(
  name: string,
  createStore: () => Promise<ChatStoreContractFixture>,
): void {
  describe(`ChatStore contract: ${name}`, () => {
    let store: ChatStore;
    let cleanup: (() => Promise<void>) | undefined;

    beforeEach(async () => {
      ({ store, cleanup } = await createStore());
    });

    afterEach(async () => {
      await store.close();
      await cleanup?.();
    });

    /** Begins and finishes one turn; returns the started turn. */
    const completeTurn = (
      userId: string,
      input: BeginTurnInput,
      answer?: string,
      result?: FinishTurnInput,
    ): Promise<StartedTurn> => completeTurnOn(store, userId, input, answer, result);
    const allMessages = (userId: string, conversationId: string): Promise<StoredMessage[]> =>
      allMessagesOf(store, userId, conversationId);

    describe('beginTurn', () => {
      it('creates the conversation, the user message and a streaming placeholder for an unknown id', async () => {
        const input = turnInput({ now: at(0) });
        const turn = expectStarted(await store.beginTurn(ALICE, input));

        expect(turn.conversationCreated).toBe(true);
        expect(turn.conversation).toEqual({
          id: input.conversationId,
          userId: ALICE,
          projectId: SHOP,
          title: 'How are orders linked to customers?',
          createdAt: at(0).toISOString(),
          updatedAt: at(0).toISOString(),
        });
        expect(turn.userMessage).toEqual({
          id: input.userMessage.id,
          conversationId: input.conversationId,
          role: 'user',
          content: 'How are orders linked to customers?',
          status: 'complete',
          createdAt: at(0).toISOString(),
          idempotencyKey: input.idempotencyKey,
        });
        expect(turn.assistantMessage).toEqual({
          id: input.assistantMessage.id,
          conversationId: input.conversationId,
          role: 'assistant',
          content: '',
          status: 'streaming',
          createdAt: at(0).toISOString(),
          model: MODEL,
          idempotencyKey: input.idempotencyKey,
        });
        expect(await store.getConversation(ALICE, input.conversationId)).toEqual(turn.conversation);
        expect(await allMessages(ALICE, input.conversationId)).toEqual([
          turn.userMessage,
          turn.assistantMessage,
        ]);
      });

      it('appends to an existing conversation, keeps its title and moves updatedAt', async () => {
        const first = await completeTurn(ALICE, turnInput({ now: at(0) }));
        const conversationId = first.conversation.id;
        const second = expectStarted(
          await store.beginTurn(
            ALICE,
            turnInput({ conversationId, now: at(60), question: 'And invoices?' }),
          ),
        );

        expect(second.conversationCreated).toBe(false);
        expect(second.conversation).toEqual({
          ...first.conversation,
          updatedAt: at(60).toISOString(),
        });
        expect(await store.getConversation(ALICE, conversationId)).toEqual(second.conversation);
        expect(ids(await allMessages(ALICE, conversationId))).toEqual([
          first.userMessage.id,
          first.assistantMessage.id,
          second.userMessage.id,
          second.assistantMessage.id,
        ]);
      });

      it('returns duplicate with the stored turn for the same user and key, writing nothing', async () => {
        const input = turnInput();
        const original = expectStarted(await store.beginTurn(ALICE, input));
        await store.saveProgress(ALICE, original.assistantMessage.id, 'Each order');

        // Still streaming: a retry is a duplicate (the router attaches to the run), never busy.
        const whileStreaming = await store.beginTurn(ALICE, retryOf(input, { now: at(5) }));
        expect(whileStreaming).toEqual({
          kind: 'duplicate',
          conversation: original.conversation,
          userMessage: original.userMessage,
          assistantMessage: { ...original.assistantMessage, content: 'Each order' },
        });

        await store.finishTurn(ALICE, original.assistantMessage.id, finished('Each order row.'));
        const afterFinish = await store.beginTurn(ALICE, retryOf(input));
        expect(afterFinish.kind).toBe('duplicate');
        if (afterFinish.kind !== 'duplicate') return;
        expect(afterFinish.assistantMessage).toMatchObject({
          id: original.assistantMessage.id,
          content: 'Each order row.',
          status: 'complete',
          finishReason: 'stop',
          usage: USAGE,
        });
        expect(await allMessages(ALICE, input.conversationId)).toHaveLength(2);
        expect(await store.getConversation(ALICE, input.conversationId)).toEqual(
          original.conversation,
        );
      });

      it('returns duplicate for a reused key even when the request names another conversation', async () => {
        const input = turnInput();
        const original = await completeTurn(ALICE, input);
        const otherConversationId = randomUUID();

        const result = await store.beginTurn(
          ALICE,
          retryOf(input, { conversationId: otherConversationId }),
        );

        expect(result.kind).toBe('duplicate');
        if (result.kind === 'duplicate') {
          expect(result.conversation.id).toBe(original.conversation.id);
        }
        expect(await store.getConversation(ALICE, otherConversationId)).toBeUndefined();
      });

      it('treats the same key from a different user as an independent turn', async () => {
        const aliceInput = turnInput();
        const alice = await completeTurn(ALICE, aliceInput);

        const bobInput = turnInput({ idempotencyKey: aliceInput.idempotencyKey });
        const bob = expectStarted(await store.beginTurn(BOB, bobInput));

        expect(bob.conversationCreated).toBe(true);
        expect((await store.findTurn(ALICE, aliceInput.idempotencyKey))?.userMessage.id).toBe(
          alice.userMessage.id,
        );
        expect((await store.findTurn(BOB, aliceInput.idempotencyKey))?.userMessage.id).toBe(
          bob.userMessage.id,
        );
      });

      it('returns busy while an answer streams in the conversation, and starts once it finished', async () => {
        const first = expectStarted(await store.beginTurn(ALICE, turnInput()));
        const conversationId = first.conversation.id;
        const next = turnInput({ conversationId, now: at(1) });

        expect(await store.beginTurn(ALICE, next)).toEqual({ kind: 'busy', conversationId });
        expect(await allMessages(ALICE, conversationId)).toHaveLength(2);
        expect(await store.findTurn(ALICE, next.idempotencyKey)).toBeUndefined();
        expect((await store.getConversation(ALICE, conversationId))?.updatedAt).toBe(
          at(0).toISOString(),
        );

        await store.finishTurn(ALICE, first.assistantMessage.id, finished('Done.'));
        const started = expectStarted(await store.beginTurn(ALICE, next));
        expect(started.conversationCreated).toBe(false);
      });

      it('does not report busy for other conversations of the same user', async () => {
        expectStarted(await store.beginTurn(ALICE, turnInput()));
        expectStarted(await store.beginTurn(ALICE, turnInput()));
      });

      it("creates the user's own conversation under another user's conversation id, even while that one streams", async () => {
        const bob = expectStarted(await store.beginTurn(BOB, turnInput({ question: 'Bob asks' })));
        await store.saveProgress(BOB, bob.assistantMessage.id, 'Bob partial');
        const conversationId = bob.conversation.id;
        // Another project too: only the user's own conversation with this id has a project.
        const aliceInput = turnInput({
          conversationId,
          projectId: BLOG,
          question: 'Alice asks',
          now: at(5),
        });

        const alice = expectStarted(await store.beginTurn(ALICE, aliceInput));

        expect(alice.conversationCreated).toBe(true);
        expect(alice.conversation).toEqual({
          id: conversationId,
          userId: ALICE,
          projectId: BLOG,
          title: 'Alice asks',
          createdAt: at(5).toISOString(),
          updatedAt: at(5).toISOString(),
        });
        expect(alice.assistantMessage).toMatchObject({ conversationId, status: 'streaming' });
        expect(await store.getConversation(BOB, conversationId)).toEqual(bob.conversation);
        expect(await allMessages(BOB, conversationId)).toEqual([
          bob.userMessage,
          { ...bob.assistantMessage, content: 'Bob partial' },
        ]);
        expect(await allMessages(ALICE, conversationId)).toEqual([
          alice.userMessage,
          alice.assistantMessage,
        ]);
        expect(await store.findTurn(ALICE, aliceInput.idempotencyKey)).toEqual({
          conversation: alice.conversation,
          userMessage: alice.userMessage,
          assistantMessage: alice.assistantMessage,
        });
      });

      it("returns not-found for the user's own conversation id under a different project", async () => {
        const shop = await completeTurn(ALICE, turnInput({ projectId: SHOP }));
        const input = turnInput({ conversationId: shop.conversation.id, projectId: BLOG });

        expect(await store.beginTurn(ALICE, input)).toEqual({ kind: 'not-found' });
        expect(await allMessages(ALICE, shop.conversation.id)).toHaveLength(2);
        expect((await store.listConversations(ALICE, BLOG, { limit: 10 })).items).toEqual([]);

        // Nothing was written, so the key is still free for a correct request.
        expectStarted(await store.beginTurn(ALICE, { ...input, conversationId: randomUUID() }));
      });

      it('titles a conversation with a short first question as the question itself', async () => {
        const turn = expectStarted(
          await store.beginTurn(ALICE, turnInput({ question: 'Which tables reference users?' })),
        );
        expect(turn.conversation.title).toBe('Which tables reference users?');
      });

      it('titles a multi-line question on one line', async () => {
        const turn = expectStarted(
          await store.beginTurn(
            ALICE,
            turnInput({ question: '  List the tables\r\n\r\nwith   their\tkeys  ' }),
          ),
        );
        expect(turn.conversation.title).toBe('List the tables with their keys');
      });

      it('cuts a long first question to at most 80 characters on a word boundary', async () => {
        const question = `Explain ${'the relationship between orders and customers and '.repeat(6)}why.`;
        const turn = expectStarted(await store.beginTurn(ALICE, turnInput({ question })));
        const { title } = turn.conversation;
        const head = title.replace(/(…|\.\.\.)$/, '').trimEnd();

        expect(title.length).toBeLessThanOrEqual(80);
        expect(head.length).toBeGreaterThanOrEqual(40);
        expect(question.startsWith(head)).toBe(true);
        expect(question.charAt(head.length)).toBe(' ');
      });

      it('cuts a long first question without spaces to at most 80 characters', async () => {
        const question = 'x'.repeat(300);
        const turn = expectStarted(await store.beginTurn(ALICE, turnInput({ question })));
        const head = turn.conversation.title.replace(/(…|\.\.\.)$/, '');

        expect(turn.conversation.title.length).toBeLessThanOrEqual(80);
        expect(head.length).toBeGreaterThanOrEqual(40);
        expect(question.startsWith(head)).toBe(true);
      });

      it('never splits an emoji when cutting a title', async () => {
        for (const question of [
          '🚀'.repeat(100),
          `a${'👩‍💻'.repeat(60)}`,
          `${'é'.repeat(79)}🚀🚀`,
        ]) {
          const turn = expectStarted(await store.beginTurn(ALICE, turnInput({ question })));
          expect(turn.conversation.title.length).toBeLessThanOrEqual(80);
          expect(turn.conversation.title).not.toMatch(LONE_SURROGATE);
        }
      });
    });

    describe('conversation ids scoped per user', () => {
      /** Alice and Bob each with a conversation of one id in SHOP: Alice's answered, Bob's streaming. */
      async function sameIdForTwoUsers() {
        const conversationId = randomUUID();
        const alice = await completeTurn(
          ALICE,
          turnInput({ conversationId, question: 'Alice asks', now: at(0) }),
          'Answer for Alice.',
        );
        const bob = expectStarted(
          await store.beginTurn(
            BOB,
            turnInput({ conversationId, question: 'Bob asks', now: at(10) }),
          ),
        );
        return { conversationId, alice, bob };
      }

      it('keeps two conversations of the same id apart in reads and listings', async () => {
        const { conversationId, alice, bob } = await sameIdForTwoUsers();

        expect(bob.conversationCreated).toBe(true);
        expect(await store.getConversation(ALICE, conversationId)).toEqual(alice.conversation);
        expect(await store.getConversation(BOB, conversationId)).toEqual(bob.conversation);
        expect((await store.listConversations(ALICE, SHOP, { limit: 10 })).items).toEqual([
          alice.conversation,
        ]);
        expect((await store.listConversations(BOB, SHOP, { limit: 10 })).items).toEqual([
          bob.conversation,
        ]);
        expect(ids(await allMessages(ALICE, conversationId))).toEqual([
          alice.userMessage.id,
          alice.assistantMessage.id,
        ]);
        expect(ids(await allMessages(BOB, conversationId))).toEqual([
          bob.userMessage.id,
          bob.assistantMessage.id,
        ]);
      });

      it("is not busy while the other user's answer of the same id streams, and each history is its own", async () => {
        const { conversationId, alice, bob } = await sameIdForTwoUsers();

        const next = expectStarted(
          await store.beginTurn(ALICE, turnInput({ conversationId, now: at(20) })),
        );

        expect(next.conversationCreated).toBe(false);
        expect(next.conversation.updatedAt).toBe(at(20).toISOString());
        expect((await store.getConversation(BOB, conversationId))?.updatedAt).toBe(
          at(10).toISOString(),
        );
        expect(ids(await store.getHistory(ALICE, conversationId, next.userMessage.id, 10))).toEqual(
          [alice.userMessage.id, alice.assistantMessage.id],
        );
        expect(await store.getHistory(BOB, conversationId, bob.userMessage.id, 10)).toEqual([]);
        // A message of the other user's conversation is a foreign message id.
        expect(await store.getHistory(BOB, conversationId, next.userMessage.id, 10)).toEqual([]);
        expect(await store.getHistory(ALICE, conversationId, bob.assistantMessage.id, 10)).toEqual(
          [],
        );
      });

      it("saves and finishes one user's answer without touching the other's", async () => {
        const { conversationId, alice, bob } = await sameIdForTwoUsers();
        const aliceStreaming = expectStarted(
          await store.beginTurn(ALICE, turnInput({ conversationId, now: at(20) })),
        );

        await store.saveProgress(BOB, bob.assistantMessage.id, 'Bob partial');
        await store.saveProgress(BOB, aliceStreaming.assistantMessage.id, 'Bob writes');
        expect(
          await store.finishTurn(BOB, aliceStreaming.assistantMessage.id, finished('Bob ends')),
        ).toBe(false);
        expect(await store.finishTurn(BOB, bob.assistantMessage.id, finished('Bob ends.'))).toBe(
          true,
        );

        expect(await allMessages(ALICE, conversationId)).toEqual([
          alice.userMessage,
          {
            ...alice.assistantMessage,
            content: 'Answer for Alice.',
            status: 'complete',
            finishReason: 'stop',
            usage: USAGE,
          },
          aliceStreaming.userMessage,
          aliceStreaming.assistantMessage,
        ]);
        expect((await allMessages(BOB, conversationId))[1]).toMatchObject({
          content: 'Bob ends.',
          status: 'complete',
        });
      });

      it("deletes one user's conversation of the id and leaves the other's whole", async () => {
        const { conversationId, alice, bob } = await sameIdForTwoUsers();
        await store.finishTurn(BOB, bob.assistantMessage.id, finished('Bob ends.'));

        expect(await store.deleteConversation(BOB, conversationId)).toBe(true);

        expect(await store.getConversation(BOB, conversationId)).toBeUndefined();
        expect(await store.getConversation(ALICE, conversationId)).toEqual(alice.conversation);
        expect(await allMessages(ALICE, conversationId)).toHaveLength(2);
        expect(await store.findTurn(ALICE, alice.userMessage.idempotencyKey ?? '')).toBeDefined();
        expect(await store.tokensUsedSince(ALICE, at(0))).toBe(USAGE.totalTokens);
        expect(await store.tokensUsedSince(BOB, at(0))).toBe(USAGE.totalTokens);
        // Bob may use the id again: a new conversation of his own.
        const again = expectStarted(
          await store.beginTurn(BOB, turnInput({ conversationId, now: at(30) })),
        );
        expect(again.conversationCreated).toBe(true);
        expect(await allMessages(ALICE, conversationId)).toHaveLength(2);
      });
    });

    describe('saveProgress', () => {
      it('checkpoints the partial answer of a streaming message', async () => {
        const input = turnInput();
        const turn = expectStarted(await store.beginTurn(ALICE, input));

        await store.saveProgress(ALICE, turn.assistantMessage.id, 'Each');
        await store.saveProgress(ALICE, turn.assistantMessage.id, 'Each order has');

        const stored = await store.findTurn(ALICE, input.idempotencyKey);
        expect(stored?.assistantMessage).toEqual({
          ...turn.assistantMessage,
          content: 'Each order has',
        });
      });

      it('is ignored once the message has finished', async () => {
        const input = turnInput();
        const turn = await completeTurn(ALICE, input, 'Final answer.');

        await store.saveProgress(ALICE, turn.assistantMessage.id, 'late partial');

        const stored = await store.findTurn(ALICE, input.idempotencyKey);
        expect(stored?.assistantMessage.content).toBe('Final answer.');
        expect(stored?.assistantMessage.status).toBe('complete');
      });

      it("is ignored for another user's message, a user message and an unknown id", async () => {
        const input = turnInput();
        const turn = expectStarted(await store.beginTurn(ALICE, input));

        await store.saveProgress(BOB, turn.assistantMessage.id, 'written by Bob');
        await store.saveProgress(ALICE, turn.userMessage.id, 'rewritten question');
        await store.saveProgress(ALICE, randomUUID(), 'nowhere');

        const stored = await store.findTurn(ALICE, input.idempotencyKey);
        expect(stored?.assistantMessage.content).toBe('');
        expect(stored?.userMessage.content).toBe(input.userMessage.content);
      });
    });

    describe('finishTurn', () => {
      it('saves content, status, finish reason and usage of a streaming message', async () => {
        const input = turnInput();
        const turn = expectStarted(await store.beginTurn(ALICE, input));

        expect(
          await store.finishTurn(ALICE, turn.assistantMessage.id, finished('Use a join table.')),
        ).toBe(true);

        const [, assistant] = await allMessages(ALICE, input.conversationId);
        expect(assistant).toEqual({
          ...turn.assistantMessage,
          content: 'Use a join table.',
          status: 'complete',
          finishReason: 'stop',
          usage: USAGE,
        });
      });

      it("stores the answer's SQL check with it, returned by history and findTurn, as a copy", async () => {
        const input = turnInput();
        const turn = expectStarted(await store.beginTurn(ALICE, input));
        const sqlCheck = {
          blocks: [
            {
              index: 0,
              language: 'sql',
              status: 'unknown-identifiers' as const,
              unknown: [
                {
                  kind: 'column' as const,
                  name: 'a.ful_name',
                  table: 'authors',
                  suggestion: 'full_name',
                },
              ],
            },
            { index: 2, language: '', status: 'ok' as const, unknown: [] },
          ],
        };
        expect(
          await store.finishTurn(ALICE, turn.assistantMessage.id, {
            ...finished('```sql\nSELECT a.ful_name FROM authors a\n```'),
            sqlCheck,
          }),
        ).toBe(true);
        const [question, assistant] = await allMessages(ALICE, input.conversationId);
        expect(assistant?.sqlCheck).toEqual(sqlCheck);
        expect(question?.sqlCheck).toBeUndefined();
        const found = await store.findTurn(ALICE, input.idempotencyKey);
        expect(found?.assistantMessage.sqlCheck).toEqual(sqlCheck);
        if (found?.assistantMessage.sqlCheck) found.assistantMessage.sqlCheck.blocks.length = 0;
        expect((await allMessages(ALICE, input.conversationId))[1]?.sqlCheck).toEqual(sqlCheck);
      });

      it('stores no SQL check for an answer finished without one', async () => {
        const input = turnInput();
        await completeTurn(ALICE, input, 'No SQL here.');
        const [, assistant] = await allMessages(ALICE, input.conversationId);
        expect(assistant).not.toHaveProperty('sqlCheck');
      });

      it('finishes a message once only: a second call returns false and changes nothing', async () => {
        const input = turnInput();
        const turn = await completeTurn(ALICE, input, 'First ending.');

        const again = await store.finishTurn(
          ALICE,
          turn.assistantMessage.id,
          finished('Second ending.', 'stopped', 'stopped'),
        );

        expect(again).toBe(false);
        expect((await store.findTurn(ALICE, input.idempotencyKey))?.assistantMessage).toMatchObject(
          { content: 'First ending.', status: 'complete', finishReason: 'stop' },
        );
      });

      it("returns false for another user's message, a user message and an unknown id", async () => {
        const input = turnInput();
        const turn = expectStarted(await store.beginTurn(ALICE, input));

        expect(await store.finishTurn(BOB, turn.assistantMessage.id, finished('Bob'))).toBe(false);
        expect(await store.finishTurn(ALICE, turn.userMessage.id, finished('user'))).toBe(false);
        expect(await store.finishTurn(ALICE, randomUUID(), finished('nowhere'))).toBe(false);

        const stored = await store.findTurn(ALICE, input.idempotencyKey);
        expect(stored?.assistantMessage).toEqual(turn.assistantMessage);
        expect(stored?.userMessage).toEqual(turn.userMessage);
      });

      it('round-trips every finished status and finish reason', async () => {
        const endings: [Exclude<MessageStatus, 'streaming'>, FinishReason][] = [
          ['complete', 'stop'],
          ['complete', 'length'],
          ['complete', 'content_filter'],
          ['stopped', 'stopped'],
          ['interrupted', 'interrupted'],
          ['failed', 'error'],
        ];
        for (const [index, [status, finishReason]] of endings.entries()) {
          const usage = {
            promptTokens: index,
            completionTokens: 2 * index,
            totalTokens: 3 * index,
          };
          const input = turnInput();
          await completeTurn(ALICE, input, `ending ${index}`, {
            content: `ending ${index}`,
            status,
            finishReason,
            usage,
          });
          const stored = await store.findTurn(ALICE, input.idempotencyKey);
          expect(stored?.assistantMessage).toMatchObject({ status, finishReason, usage });
        }
      });
    });

    describe('findTurn', () => {
      it('returns the conversation and both messages saved under a key, as stored now', async () => {
        const input = turnInput();
        const turn = await completeTurn(ALICE, input, 'An answer.');
        const later = expectStarted(
          await store.beginTurn(
            ALICE,
            turnInput({ conversationId: input.conversationId, now: at(9) }),
          ),
        );

        expect(await store.findTurn(ALICE, input.idempotencyKey)).toEqual({
          conversation: later.conversation,
          userMessage: turn.userMessage,
          assistantMessage: {
            ...turn.assistantMessage,
            content: 'An answer.',
            status: 'complete',
            finishReason: 'stop',
            usage: USAGE,
          },
        });
      });

      it("returns undefined for an unknown key and for another user's key", async () => {
        const input = turnInput();
        await completeTurn(ALICE, input);

        expect(await store.findTurn(ALICE, randomUUID())).toBeUndefined();
        expect(await store.findTurn(BOB, input.idempotencyKey)).toBeUndefined();
      });
    });

    describe('getConversation', () => {
      it("returns the user's own conversation and undefined for others' and unknown ids", async () => {
        const turn = await completeTurn(ALICE, turnInput());

        expect(await store.getConversation(ALICE, turn.conversation.id)).toEqual(turn.conversation);
        expect(await store.getConversation(BOB, turn.conversation.id)).toBeUndefined();
        expect(await store.getConversation(ALICE, randomUUID())).toBeUndefined();
      });
    });

    describe('listConversations', () => {
      it("lists the user's conversations in a project, most recently updated first", async () => {
        const c1 = await completeTurn(ALICE, turnInput({ now: at(1) }));
        const c2 = await completeTurn(ALICE, turnInput({ now: at(2) }));
        const c3 = await completeTurn(ALICE, turnInput({ now: at(3) }));
        await completeTurn(ALICE, turnInput({ conversationId: c1.conversation.id, now: at(4) }));
        const blog = await completeTurn(ALICE, turnInput({ projectId: BLOG, now: at(5) }));
        await completeTurn(BOB, turnInput({ now: at(6) }));

        const shop = await store.listConversations(ALICE, SHOP, { limit: 10 });
        expect(shop.items.map((conversation) => conversation.id)).toEqual([
          c1.conversation.id,
          c3.conversation.id,
          c2.conversation.id,
        ]);
        expect(shop.items[0]?.updatedAt).toBe(at(4).toISOString());
        expect(shop.nextCursor).toBeUndefined();
        expect((await store.listConversations(ALICE, BLOG, { limit: 10 })).items).toEqual([
          blog.conversation,
        ]);
        expect((await store.listConversations(BOB, BLOG, { limit: 10 })).items).toEqual([]);
      });

      it('pages with cursors without losing or repeating conversations of equal updatedAt', async () => {
        const created: string[] = [];
        for (let index = 0; index < 5; index += 1) {
          created.push((await completeTurn(ALICE, turnInput({ now: at(7) }))).conversation.id);
        }
        const all = await store.listConversations(ALICE, SHOP, { limit: 100 });

        const seen: string[] = [];
        const sizes: number[] = [];
        let cursor: string | undefined;
        do {
          const page = await store.listConversations(ALICE, SHOP, { limit: 2, cursor });
          seen.push(...page.items.map((conversation) => conversation.id));
          sizes.push(page.items.length);
          cursor = page.nextCursor;
        } while (cursor !== undefined && sizes.length < 10);

        expect(sizes).toEqual([2, 2, 1]);
        expect(seen).toEqual(all.items.map((conversation) => conversation.id));
        expect([...seen].sort()).toEqual([...created].sort());
      });

      it('gives no cursor when the last page is exactly full', async () => {
        await completeTurn(ALICE, turnInput({ now: at(1) }));
        await completeTurn(ALICE, turnInput({ now: at(2) }));

        const first = await store.listConversations(ALICE, SHOP, { limit: 1 });
        expect(first.items).toHaveLength(1);
        const second = await store.listConversations(ALICE, SHOP, {
          limit: 1,
          cursor: first.nextCursor,
        });
        expect(second.items).toHaveLength(1);
        expect(second.items[0]?.id).not.toBe(first.items[0]?.id);
        expect(second.nextCursor).toBeUndefined();
      });

      it('rejects a malformed cursor and a limit outside 1–100 with VALIDATION_FAILED', async () => {
        const invalid = { code: 'VALIDATION_FAILED', status: 400 };
        await expect(
          store.listConversations(ALICE, SHOP, { limit: 10, cursor: 'not a cursor' }),
        ).rejects.toMatchObject(invalid);
        await expect(store.listConversations(ALICE, SHOP, { limit: 0 })).rejects.toMatchObject(
          invalid,
        );
        await expect(store.listConversations(ALICE, SHOP, { limit: 101 })).rejects.toMatchObject(
          invalid,
        );
        await expect(store.listConversations(ALICE, SHOP, { limit: 2.5 })).rejects.toMatchObject(
          invalid,
        );
      });
    });

    describe('listMessages', () => {
      it('returns the latest messages oldest first, with a cursor to older pages', async () => {
        const conversationId = randomUUID();
        const turns: StartedTurn[] = [];
        for (let index = 0; index < 3; index += 1) {
          // Equal timestamps: only the insertion order can order them.
          turns.push(await completeTurn(ALICE, turnInput({ conversationId, now: at(0) })));
        }
        const order = turns.flatMap((turn) => [turn.userMessage.id, turn.assistantMessage.id]);

        const latest = await store.listMessages(ALICE, conversationId, { limit: 4 });
        expect(latest && ids(latest.items)).toEqual(order.slice(2));
        expect(latest?.nextCursor).toBeDefined();

        const older = await store.listMessages(ALICE, conversationId, {
          limit: 4,
          cursor: latest?.nextCursor,
        });
        expect(older && ids(older.items)).toEqual(order.slice(0, 2));
        expect(older?.nextCursor).toBeUndefined();

        const whole = await store.listMessages(ALICE, conversationId, { limit: 6 });
        expect(whole && ids(whole.items)).toEqual(order);
        expect(whole?.nextCursor).toBeUndefined();
      });

      it("returns undefined for another user's conversation and for an unknown one", async () => {
        const turn = await completeTurn(ALICE, turnInput());

        expect(await store.listMessages(BOB, turn.conversation.id, { limit: 10 })).toBeUndefined();
        expect(await store.listMessages(ALICE, randomUUID(), { limit: 10 })).toBeUndefined();
      });

      it('rejects a malformed cursor and a limit outside 1–100 with VALIDATION_FAILED', async () => {
        const turn = await completeTurn(ALICE, turnInput());
        await completeTurn(ALICE, turnInput({ now: at(1) }));
        const conversationsCursor = (await store.listConversations(ALICE, SHOP, { limit: 1 }))
          .nextCursor;
        const invalid = { code: 'VALIDATION_FAILED', status: 400 };

        await expect(
          store.listMessages(ALICE, turn.conversation.id, { limit: 10, cursor: '%%%' }),
        ).rejects.toMatchObject(invalid);
        // A cursor of another list is not a message cursor.
        await expect(
          store.listMessages(ALICE, turn.conversation.id, {
            limit: 10,
            cursor: conversationsCursor,
          }),
        ).rejects.toMatchObject(invalid);
        await expect(
          store.listMessages(ALICE, turn.conversation.id, { limit: 101 }),
        ).rejects.toMatchObject(invalid);
      });
    });

    describe('getHistory', () => {
      it('returns the last N messages before a message in insertion order, even with equal timestamps', async () => {
        const conversationId = randomUUID();
        const order: string[] = [];
        for (let index = 0; index < 7; index += 1) {
          const turn = await completeTurn(
            ALICE,
            turnInput({ conversationId, now: at(0), question: `Question ${index}` }),
            `Answer ${index}`,
          );
          order.push(turn.userMessage.id, turn.assistantMessage.id);
        }
        const current = expectStarted(
          await store.beginTurn(ALICE, turnInput({ conversationId, now: at(0) })),
        );

        const history = await store.getHistory(ALICE, conversationId, current.userMessage.id, 10);
        expect(ids(history)).toEqual(order.slice(-10));
        expect(history.map((message) => message.content)).toEqual([
          'Question 2',
          'Answer 2',
          'Question 3',
          'Answer 3',
          'Question 4',
          'Answer 4',
          'Question 5',
          'Answer 5',
          'Question 6',
          'Answer 6',
        ]);

        // Never the message itself nor anything after it.
        const beforeAnswer = await store.getHistory(
          ALICE,
          conversationId,
          current.assistantMessage.id,
          10,
        );
        expect(ids(beforeAnswer)).toEqual([...order.slice(-9), current.userMessage.id]);
        expect(ids(await store.getHistory(ALICE, conversationId, order[2] as string, 10))).toEqual(
          order.slice(0, 2),
        );
      });

      it('skips failed and empty assistant answers but keeps stopped and interrupted ones with text', async () => {
        // A `streaming` answer before the current turn cannot exist (beginTurn answers busy), so
        // the `streaming` branch of the rule is not reachable through the interface.
        const conversationId = randomUUID();
        const endings: FinishTurnInput[] = [
          finished('A complete answer.'),
          finished('', 'failed', 'error'),
          finished('', 'stopped', 'stopped'),
          finished('A partial answ', 'interrupted', 'interrupted'),
          finished('Stopped hal', 'stopped', 'stopped'),
          finished('Failed but with text', 'failed', 'error'),
        ];
        const expected: string[] = [];
        for (const [index, ending] of endings.entries()) {
          const turn = await completeTurn(
            ALICE,
            turnInput({ conversationId, now: at(index) }),
            ending.content,
            ending,
          );
          expected.push(turn.userMessage.id);
          if (ending.status !== 'failed' && ending.content !== '') {
            expected.push(turn.assistantMessage.id);
          }
        }
        const current = expectStarted(
          await store.beginTurn(ALICE, turnInput({ conversationId, now: at(10) })),
        );

        const history = await store.getHistory(ALICE, conversationId, current.userMessage.id, 20);
        expect(ids(history)).toEqual(expected);
        // The limit applies to the messages kept, not to the ones skipped.
        const lastThree = await store.getHistory(ALICE, conversationId, current.userMessage.id, 3);
        expect(ids(lastThree)).toEqual(expected.slice(-3));
      });

      it("returns nothing for limit 0, another user's conversation, an unknown or foreign message id", async () => {
        const first = await completeTurn(ALICE, turnInput());
        const second = expectStarted(
          await store.beginTurn(
            ALICE,
            turnInput({ conversationId: first.conversation.id, now: at(1) }),
          ),
        );
        const other = await completeTurn(ALICE, turnInput());
        const conversationId = first.conversation.id;

        expect(await store.getHistory(ALICE, conversationId, second.userMessage.id, 0)).toEqual([]);
        expect(await store.getHistory(BOB, conversationId, second.userMessage.id, 10)).toEqual([]);
        expect(await store.getHistory(ALICE, conversationId, randomUUID(), 10)).toEqual([]);
        expect(
          await store.getHistory(ALICE, conversationId, other.assistantMessage.id, 10),
        ).toEqual([]);
        expect(
          ids(await store.getHistory(ALICE, conversationId, second.userMessage.id, 10)),
        ).toEqual([first.userMessage.id, first.assistantMessage.id]);
      });
    });

    describe('deleteConversation', () => {
      it("deletes one of the user's conversations with its messages", async () => {
        const input = turnInput();
        const turn = await completeTurn(ALICE, input);
        const kept = await completeTurn(ALICE, turnInput({ now: at(1) }));

        expect(await store.deleteConversation(ALICE, turn.conversation.id)).toBe(true);

        expect(await store.getConversation(ALICE, turn.conversation.id)).toBeUndefined();
        expect(
          await store.listMessages(ALICE, turn.conversation.id, { limit: 10 }),
        ).toBeUndefined();
        expect(
          await store.getHistory(ALICE, turn.conversation.id, turn.assistantMessage.id, 10),
        ).toEqual([]);
        expect(await store.findTurn(ALICE, input.idempotencyKey)).toBeUndefined();
        expect((await store.listConversations(ALICE, SHOP, { limit: 10 })).items).toEqual([
          kept.conversation,
        ]);
        expect(await store.deleteConversation(ALICE, turn.conversation.id)).toBe(false);
      });

      it("returns false for another user's conversation and an unknown id, deleting nothing", async () => {
        const turn = await completeTurn(ALICE, turnInput());

        expect(await store.deleteConversation(BOB, turn.conversation.id)).toBe(false);
        expect(await store.deleteConversation(ALICE, randomUUID())).toBe(false);
        expect(await store.getConversation(ALICE, turn.conversation.id)).toEqual(turn.conversation);
        expect(await allMessages(ALICE, turn.conversation.id)).toHaveLength(2);
      });

      it('frees the idempotency keys of the deleted turns', async () => {
        const input = turnInput();
        await completeTurn(ALICE, input);
        await store.deleteConversation(ALICE, input.conversationId);

        const again = expectStarted(await store.beginTurn(ALICE, retryOf(input)));
        expect(again.conversationCreated).toBe(true);
      });

      it('leaves a streaming answer of the deleted conversation unable to finish', async () => {
        const turn = expectStarted(await store.beginTurn(ALICE, turnInput()));
        await store.deleteConversation(ALICE, turn.conversation.id);

        await store.saveProgress(ALICE, turn.assistantMessage.id, 'partial');
        expect(await store.finishTurn(ALICE, turn.assistantMessage.id, finished('late'))).toBe(
          false,
        );
        expect(await store.recoverInterrupted()).toBe(0);
      });
    });

    describe('tokensUsedSince', () => {
      it("sums the user's finished usage at or after the time, across projects", async () => {
        const usage = (totalTokens: number): Usage => ({
          promptTokens: totalTokens - 1,
          completionTokens: 1,
          totalTokens,
        });
        await completeTurn(
          ALICE,
          turnInput({ now: at(0) }),
          'a',
          finished('a', 'complete', 'stop', usage(30)),
        );
        await completeTurn(
          ALICE,
          turnInput({ now: at(10), projectId: BLOG }),
          'b',
          finished('b', 'stopped', 'stopped', usage(50)),
        );
        await completeTurn(
          BOB,
          turnInput({ now: at(10) }),
          'c',
          finished('c', 'complete', 'stop', usage(1000)),
        );
        const streaming = expectStarted(await store.beginTurn(ALICE, turnInput({ now: at(20) })));

        expect(await store.tokensUsedSince(ALICE, at(-1))).toBe(80);
        expect(await store.tokensUsedSince(ALICE, at(0))).toBe(80);
        expect(await store.tokensUsedSince(ALICE, at(10))).toBe(50);
        expect(await store.tokensUsedSince(ALICE, at(11))).toBe(0);
        expect(await store.tokensUsedSince(BOB, at(0))).toBe(1000);
        expect(await store.tokensUsedSince('user-nobody', at(0))).toBe(0);

        await store.finishTurn(
          ALICE,
          streaming.assistantMessage.id,
          finished('d', 'complete', 'stop', usage(7)),
        );
        expect(await store.tokensUsedSince(ALICE, at(20))).toBe(7);
        expect(await store.tokensUsedSince(ALICE, at(0))).toBe(87);
      });

      it('keeps counting the usage of deleted conversations', async () => {
        const turn = await completeTurn(ALICE, turnInput({ now: at(5) }));
        await store.deleteConversation(ALICE, turn.conversation.id);

        expect(await store.tokensUsedSince(ALICE, at(0))).toBe(USAGE.totalTokens);
        expect(await store.tokensUsedSince(ALICE, at(6))).toBe(0);
        expect(await store.tokensUsedSince(BOB, at(0))).toBe(0);
      });

      it("forgets deleted usage older than the retention before the user's next turn, and only the user's", async () => {
        const retention = DELETED_USAGE_RETENTION_MS / 1000;
        const old = await completeTurn(ALICE, turnInput({ now: at(0) }));
        const recent = await completeTurn(ALICE, turnInput({ now: at(retention) }));
        const bobs = await completeTurn(BOB, turnInput({ now: at(0) }));
        for (const [user, turn] of [
          [ALICE, old],
          [ALICE, recent],
          [BOB, bobs],
        ] as const) {
          await store.deleteConversation(user, turn.conversation.id);
        }
        // Still within the retention of each other: nothing forgotten yet.
        expect(await store.tokensUsedSince(ALICE, at(-1))).toBe(2 * USAGE.totalTokens);

        expectStarted(await store.beginTurn(ALICE, turnInput({ now: at(retention + 1) })));
        expect(await store.tokensUsedSince(ALICE, at(-1))).toBe(USAGE.totalTokens);
        expect(await store.tokensUsedSince(ALICE, at(retention))).toBe(USAGE.totalTokens);
        expect(await store.tokensUsedSince(BOB, at(-1))).toBe(USAGE.totalTokens);
      });
    });

    describe('recoverInterrupted', () => {
      it('marks streaming answers interrupted (or failed when empty) and returns how many', async () => {
        const withText = turnInput();
        const empty = turnInput();
        const done = turnInput();
        const bobs = turnInput();
        const partial = expectStarted(await store.beginTurn(ALICE, withText));
        await store.saveProgress(ALICE, partial.assistantMessage.id, 'Half an ans');
        expectStarted(await store.beginTurn(ALICE, empty));
        await completeTurn(ALICE, done, 'Finished.');
        const bob = expectStarted(await store.beginTurn(BOB, bobs));
        await store.saveProgress(BOB, bob.assistantMessage.id, 'Bob partial');

        expect(await store.recoverInterrupted()).toBe(3);

        expect(
          (await store.findTurn(ALICE, withText.idempotencyKey))?.assistantMessage,
        ).toMatchObject({
          status: 'interrupted',
          content: 'Half an ans',
          finishReason: 'interrupted',
        });
        expect((await store.findTurn(ALICE, empty.idempotencyKey))?.assistantMessage).toMatchObject(
          {
            status: 'failed',
            content: '',
            finishReason: 'interrupted',
          },
        );
        expect((await store.findTurn(ALICE, done.idempotencyKey))?.assistantMessage).toMatchObject({
          status: 'complete',
          content: 'Finished.',
          finishReason: 'stop',
        });
        expect((await store.findTurn(BOB, bobs.idempotencyKey))?.assistantMessage).toMatchObject({
          status: 'interrupted',
          content: 'Bob partial',
        });
        expect(await store.recoverInterrupted()).toBe(0);
      });

      it('frees the conversation for a new turn and ends the recovered message for good', async () => {
        const turn = expectStarted(await store.beginTurn(ALICE, turnInput()));
        await store.recoverInterrupted();

        expect(await store.finishTurn(ALICE, turn.assistantMessage.id, finished('late'))).toBe(
          false,
        );
        expectStarted(
          await store.beginTurn(ALICE, turnInput({ conversationId: turn.conversation.id })),
        );
      });
    });

    describe('interruptTurn', () => {
      it('saves the given partial text as interrupted, once', async () => {
        const input = turnInput();
        const turn = expectStarted(await store.beginTurn(ALICE, input));
        await store.saveProgress(ALICE, turn.assistantMessage.id, 'Each');

        expect(await store.interruptTurn(ALICE, turn.assistantMessage.id, 'Each order has')).toBe(
          true,
        );
        expect(await store.interruptTurn(ALICE, turn.assistantMessage.id, 'Other text')).toBe(
          false,
        );

        expect((await store.findTurn(ALICE, input.idempotencyKey))?.assistantMessage).toEqual({
          ...turn.assistantMessage,
          content: 'Each order has',
          status: 'interrupted',
          finishReason: 'interrupted',
        });
        // A late final save of the dead owner is refused, and the conversation is free again.
        expect(await store.finishTurn(ALICE, turn.assistantMessage.id, finished('late'))).toBe(
          false,
        );
        expectStarted(
          await store.beginTurn(ALICE, turnInput({ conversationId: turn.conversation.id })),
        );
      });

      it('keeps the last checkpoint when no text is given, and fails an empty answer', async () => {
        const withCheckpoint = turnInput();
        const empty = turnInput();
        const checkpointed = expectStarted(await store.beginTurn(ALICE, withCheckpoint));
        await store.saveProgress(ALICE, checkpointed.assistantMessage.id, 'Half an ans');
        const nothing = expectStarted(await store.beginTurn(ALICE, empty));

        expect(await store.interruptTurn(ALICE, checkpointed.assistantMessage.id)).toBe(true);
        expect(await store.interruptTurn(ALICE, nothing.assistantMessage.id, '')).toBe(true);

        expect(
          (await store.findTurn(ALICE, withCheckpoint.idempotencyKey))?.assistantMessage,
        ).toMatchObject({
          content: 'Half an ans',
          status: 'interrupted',
          finishReason: 'interrupted',
        });
        const failed = (await store.findTurn(ALICE, empty.idempotencyKey))?.assistantMessage;
        expect(failed).toMatchObject({
          content: '',
          status: 'failed',
          finishReason: 'interrupted',
        });
        expect(failed?.usage).toBeUndefined();
      });

      it("returns false for another user's message, a user message, an unknown id and a finished answer", async () => {
        const input = turnInput();
        const turn = expectStarted(await store.beginTurn(ALICE, input));
        const done = await completeTurn(ALICE, turnInput(), 'Finished.');

        expect(await store.interruptTurn(BOB, turn.assistantMessage.id, 'Bob')).toBe(false);
        expect(await store.interruptTurn(ALICE, turn.userMessage.id, 'user')).toBe(false);
        expect(await store.interruptTurn(ALICE, randomUUID(), 'nowhere')).toBe(false);
        expect(await store.interruptTurn(ALICE, done.assistantMessage.id, 'late')).toBe(false);

        expect((await store.findTurn(ALICE, input.idempotencyKey))?.assistantMessage).toEqual(
          turn.assistantMessage,
        );
        expect(
          (await store.findTurn(ALICE, done.userMessage.idempotencyKey ?? ''))?.assistantMessage,
        ).toMatchObject({ content: 'Finished.', status: 'complete' });
      });

      it('settles an answer exactly once when two callers race', async () => {
        const turn = expectStarted(await store.beginTurn(ALICE, turnInput()));

        const results = await Promise.all(
          Array.from({ length: 5 }, (_, index) =>
            store.interruptTurn(ALICE, turn.assistantMessage.id, `partial ${index}`),
          ),
        );

        expect(results.filter(Boolean)).toHaveLength(1);
      });
    });

    describe('stored values', () => {
      it('returns ISO 8601 timestamps with milliseconds in UTC', async () => {
        const now = new Date('2025-11-02T10:30:00.007Z');
        const turn = await completeTurn(ALICE, turnInput({ now }));
        const conversation = await store.getConversation(ALICE, turn.conversation.id);
        const messages = await allMessages(ALICE, turn.conversation.id);

        for (const time of [
          conversation?.createdAt,
          conversation?.updatedAt,
          ...messages.map((message) => message.createdAt),
        ]) {
          expect(time).toMatch(ISO_8601);
          expect(time).toBe(now.toISOString());
        }
      });

      it('stores arbitrary Unicode text byte-identical', async () => {
        const samples = [
          'Emoji 👩‍💻🚀, a flag 🇫🇷 and a skin tone 👍🏽',
          'RTL: ما العلاقة بين الجداول؟ ועברית, mixed with English',
          'Windows line ends\r\nsecond line\r\n\ttabbed\rlone CR',
          'Combining e\u0301 and a\u0308, zero-width a\u200Bb\u200Dc, a BOM \uFEFF, U+FFFF \uFFFF',
          'Astral 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𠜎, quotes "double" \'single\' `back` and \\ backslash',
          "SQL-looking text '); DROP TABLE messages; -- and %_ wildcards",
          `Long ${'Ω≈ç√∫ 表 🚀 '.repeat(8000)}end`,
        ];
        for (const sample of samples) {
          const input = turnInput({ question: sample });
          const turn = expectStarted(await store.beginTurn(ALICE, input));
          await store.saveProgress(ALICE, turn.assistantMessage.id, `${sample} (partial)`);
          const progress = await store.findTurn(ALICE, input.idempotencyKey);
          expect(progress?.assistantMessage.content).toBe(`${sample} (partial)`);
          await store.finishTurn(ALICE, turn.assistantMessage.id, finished(sample));

          const [question, answer] = await allMessages(ALICE, input.conversationId);
          expect(question?.content).toBe(sample);
          expect(answer?.content).toBe(sample);
          expect(
            Buffer.from(answer?.content ?? '', 'utf8').equals(Buffer.from(sample, 'utf8')),
          ).toBe(true);
          expect(turn.conversation.title).not.toMatch(LONE_SURROGATE);
        }
      });

      it('returns copies: mutating a result does not change what is stored', async () => {
        const input = turnInput();
        const turn = await completeTurn(ALICE, input, 'Original answer.');
        const found = await store.findTurn(ALICE, input.idempotencyKey);
        const page = await store.listMessages(ALICE, input.conversationId, { limit: 10 });
        const conversation = await store.getConversation(ALICE, input.conversationId);
        if (found === undefined || page === undefined || conversation === undefined) {
          throw new Error('expected the turn to be stored');
        }

        turn.conversation.title = 'changed';
        turn.userMessage.content = 'changed';
        found.assistantMessage.content = 'changed';
        if (found.assistantMessage.usage) found.assistantMessage.usage.totalTokens = -1;
        conversation.updatedAt = 'changed';
        page.items.length = 0;

        const again = await store.findTurn(ALICE, input.idempotencyKey);
        expect(again?.conversation.title).toBe('How are orders linked to customers?');
        expect(again?.conversation.updatedAt).toBe(at(0).toISOString());
        expect(again?.userMessage.content).toBe('How are orders linked to customers?');
        expect(again?.assistantMessage.content).toBe('Original answer.');
        expect(again?.assistantMessage.usage).toEqual(USAGE);
        expect(await allMessages(ALICE, input.conversationId)).toHaveLength(2);
      });
    });

    describe('concurrency', () => {
      it('starts exactly one of 20 parallel turns on one conversation; the rest are busy', async () => {
        const first = await completeTurn(ALICE, turnInput());
        const conversationId = first.conversation.id;

        const results = await Promise.all(
          Array.from({ length: 20 }, (_, index) =>
            store.beginTurn(ALICE, turnInput({ conversationId, now: at(index + 1) })),
          ),
        );

        expect(results.filter((result) => result.kind === 'started')).toHaveLength(1);
        expect(results.filter((result) => result.kind === 'busy')).toHaveLength(19);
        expect(await allMessages(ALICE, conversationId)).toHaveLength(4);
      });

      it('starts exactly one of 20 parallel turns on a new conversation id', async () => {
        const conversationId = randomUUID();

        const results = await Promise.all(
          Array.from({ length: 20 }, () => store.beginTurn(ALICE, turnInput({ conversationId }))),
        );

        const started = results.filter((result) => result.kind === 'started');
        expect(started).toHaveLength(1);
        expect(started[0]?.kind === 'started' && started[0].conversationCreated).toBe(true);
        expect(results.filter((result) => result.kind === 'busy')).toHaveLength(19);
        expect((await store.listConversations(ALICE, SHOP, { limit: 100 })).items).toHaveLength(1);
      });

      it('starts one turn per user when two users race on the same new conversation id', async () => {
        const conversationId = randomUUID();

        const results = await Promise.all(
          Array.from({ length: 20 }, (_, index) =>
            store.beginTurn(index % 2 === 0 ? ALICE : BOB, turnInput({ conversationId })),
          ),
        );

        const started = results.filter((result) => result.kind === 'started');
        expect(
          started.map((result) => result.kind === 'started' && result.conversation.userId).sort(),
        ).toEqual([ALICE, BOB]);
        expect(results.filter((result) => result.kind === 'busy')).toHaveLength(18);
        expect(await allMessages(ALICE, conversationId)).toHaveLength(2);
        expect(await allMessages(BOB, conversationId)).toHaveLength(2);
      });

      it('starts exactly one of 10 parallel turns with the same key; the rest are duplicates of it', async () => {
        const input = turnInput();

        const results = await Promise.all(
          Array.from({ length: 10 }, () => store.beginTurn(ALICE, retryOf(input))),
        );

        const started = results.filter((result) => result.kind === 'started');
        expect(started).toHaveLength(1);
        const winner = expectStarted(started[0] as BeginTurnResult);
        const duplicates = results.filter((result) => result.kind === 'duplicate');
        expect(duplicates).toHaveLength(9);
        for (const duplicate of duplicates) {
          if (duplicate.kind !== 'duplicate') continue;
          expect(duplicate.userMessage.id).toBe(winner.userMessage.id);
          expect(duplicate.assistantMessage.id).toBe(winner.assistantMessage.id);
        }
        expect(await allMessages(ALICE, input.conversationId)).toHaveLength(2);
      });
    });

    // Regenerate, Continue, feedback and titles: their own file, run on the same stores.
    describeAnswerTurnContract(() => store);
  });
}
