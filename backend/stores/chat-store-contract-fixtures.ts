// Fixtures shared by the ChatStore contract suites (chat-store.contract.ts and
// chat-store-answers.contract.ts): users, projects, times and turn inputs.

import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { FinishReason, Usage } from '../../sdk/protocol.js';
import type {
  BeginTurnInput,
  BeginTurnResult,
  ChatStore,
  FinishTurnInput,
  StoredMessage,
} from './chat-store.js';

/** A turn `beginTurn` started. */
export type StartedTurn = Extract<BeginTurnResult, { kind: 'started' }>;

/** The two users of the suites. */
export const ALICE = 'user-alice';
export const BOB = 'user-bob';
/** Their projects. */
export const SHOP = 'project-shop';
export const BLOG = 'project-blog';
/** The model of every answer. */
export const MODEL = 'Qwen/Qwen2.5-7B-Instruct';
const T0 = Date.parse('2025-03-01T09:00:00.123Z');
/** An ISO 8601 time in UTC with milliseconds, as stores return them. */
export const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
/** A UTF-16 surrogate without its other half. */
export const LONE_SURROGATE =
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** The usage `finished()` saves unless told otherwise. */
export const USAGE: Usage = { promptTokens: 120, completionTokens: 30, totalTokens: 150 };

/** The time `seconds` after the suite's reference time. */
export function at(seconds: number): Date {
  return new Date(T0 + seconds * 1000);
}

/** A fresh turn for `beginTurn`: new ids and key, project SHOP, time T0, unless overridden. */
export function turnInput(
  overrides: Partial<BeginTurnInput> & { question?: string } = {},
): BeginTurnInput {
  const { question = 'How are orders linked to customers?', ...rest } = overrides;
  return {
    conversationId: randomUUID(),
    projectId: SHOP,
    userMessage: { id: randomUUID(), content: question },
    assistantMessage: { id: randomUUID(), model: MODEL },
    idempotencyKey: randomUUID(),
    now: at(0),
    ...rest,
  };
}

/** The same request again (a client retry): the same key, fresh message ids. */
export function retryOf(
  input: BeginTurnInput,
  overrides: Partial<BeginTurnInput> = {},
): BeginTurnInput {
  return {
    ...input,
    userMessage: { id: randomUUID(), content: input.userMessage.content },
    assistantMessage: { id: randomUUID(), model: MODEL },
    ...overrides,
  };
}

/** How a turn ends, for `finishTurn`: complete, `stop`, {@link USAGE}, unless told otherwise. */
export function finished(
  content: string,
  status: FinishTurnInput['status'] = 'complete',
  finishReason: FinishReason = 'stop',
  usage: Usage = USAGE,
): FinishTurnInput {
  return { content, status, finishReason, usage };
}

/** Asserts that `beginTurn` started the turn, and returns it. */
export function expectStarted(result: BeginTurnResult): StartedTurn {
  expect(result.kind).toBe('started');
  if (result.kind !== 'started') throw new Error(`expected a started turn, got ${result.kind}`);
  return result;
}

/** The ids of `messages`, in order. */
export function ids(messages: readonly StoredMessage[]): string[] {
  return messages.map((message) => message.id);
}

/** Begins and finishes one turn on `store`; returns the started turn. */
export async function completeTurnOn(
  store: ChatStore,
  userId: string,
  input: BeginTurnInput,
  answer = 'Each order has a customer_id.',
  result: FinishTurnInput = finished(answer),
): Promise<StartedTurn> {
  const turn = expectStarted(await store.beginTurn(userId, input));
  expect(await store.finishTurn(userId, turn.assistantMessage.id, result)).toBe(true);
  return turn;
}

/** Every message of a conversation (its first 100), oldest first. */
export async function allMessagesOf(
  store: ChatStore,
  userId: string,
  conversationId: string,
): Promise<StoredMessage[]> {
  const page = await store.listMessages(userId, conversationId, { limit: 100 });
  if (page === undefined) throw new Error('expected the conversation to be listed');
  return page.items;
}
