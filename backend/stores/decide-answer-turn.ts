// Pure decisions of `beginAnswerTurn` shared by every ChatStore: whether a Regenerate or Continue
// may start on what the conversation holds, and what it writes when it does.

import type {
  BeginAnswerTurnInput,
  BeginAnswerTurnResult,
  StoredMessage,
  StoredTurnAction,
} from './chat-store.js';

/** A refusal of {@link BeginAnswerTurnResult} that the conversation's messages decide. */
export type AnswerTurnRefusal = Extract<
  BeginAnswerTurnResult['kind'],
  'busy' | 'message-not-found' | 'not-latest' | 'not-continuable'
>;

/** The id every version of an answer shares: the first version's. */
export function versionGroupOf(message: Pick<StoredMessage, 'id' | 'versionOf'>): string {
  return message.versionOf ?? message.id;
}

/**
 * Whether the action may start, given the conversation's latest answer and the message the
 * request names (each `undefined` when there is none): busy while the latest streams; the target
 * must be an answer of this conversation; Regenerate takes any version of the latest answer,
 * Continue only the latest itself, `stopped` or `interrupted`. `undefined`: it may.
 */
export function refuseAnswerTurn(
  input: Pick<BeginAnswerTurnInput, 'action' | 'conversationId'>,
  latest: StoredMessage | undefined,
  target: StoredMessage | undefined,
): AnswerTurnRefusal | undefined {
  if (latest?.status === 'streaming') return 'busy';
  if (
    latest === undefined ||
    target === undefined ||
    target.conversationId !== input.conversationId ||
    target.role !== 'assistant'
  ) {
    return 'message-not-found';
  }
  const same =
    input.action === 'regenerate'
      ? versionGroupOf(target) === versionGroupOf(latest)
      : target.id === latest.id;
  if (!same) return 'not-latest';
  if (
    input.action === 'continue' &&
    latest.status !== 'stopped' &&
    latest.status !== 'interrupted'
  ) {
    return 'not-continuable';
  }
  return undefined;
}

/** A Regenerate's new version of `latest`: a `streaming`, empty answer in its version group. */
export function newVersion(
  input: BeginAnswerTurnInput,
  latest: StoredMessage,
  now: number,
): StoredMessage {
  return {
    id: input.turnId,
    conversationId: input.conversationId,
    role: 'assistant',
    content: '',
    status: 'streaming',
    createdAt: new Date(now).toISOString(),
    model: input.model,
    versionOf: versionGroupOf(latest),
  };
}

/** What the turn records it did; a Continue starts at the answer's text length (UTF-16). */
export function answerTurnAction(
  input: BeginAnswerTurnInput,
  latest: StoredMessage,
): StoredTurnAction {
  return {
    kind: input.action,
    targetId: input.targetMessageId,
    turnId: input.turnId,
    startOffset: input.action === 'continue' ? latest.content.length : 0,
  };
}
