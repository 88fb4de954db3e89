// Pure checks of what the router passes to a ChatStore; a wrong argument is a bug: a TypeError (500).

import type { FeedbackRating, FinishReason, MessageStatus } from '../../sdk/protocol.js';
import type { BeginAnswerTurnInput, BeginTurnInput, FinishTurnInput } from './chat-store.js';

const FINISHED_STATUSES: ReadonlySet<MessageStatus> = new Set([
  'complete',
  'stopped',
  'interrupted',
  'failed',
]);
const FINISH_REASONS: ReadonlySet<FinishReason> = new Set([
  'stop',
  'length',
  'content_filter',
  'stopped',
  'interrupted',
  'error',
]);

function checkText(value: unknown, name: string, allowEmpty: boolean): void {
  if (typeof value !== 'string' || (!allowEmpty && value === '')) {
    throw new TypeError(`${name} must be a ${allowEmpty ? '' : 'non-empty '}string.`);
  }
}

function checkTokenCount(value: unknown, name: string): void {
  if (!Number.isSafeInteger(value) || (value as number) < 0) {
    throw new TypeError(`${name} must be a non-negative integer.`);
  }
}

/** Checks the input of `beginTurn`; returns the turn's time in epoch milliseconds. */
export function checkBeginTurnInput(userId: string, input: BeginTurnInput): number {
  checkText(userId, 'beginTurn: userId', false);
  checkText(input.conversationId, 'beginTurn: input.conversationId', false);
  checkText(input.projectId, 'beginTurn: input.projectId', false);
  checkText(input.idempotencyKey, 'beginTurn: input.idempotencyKey', false);
  checkText(input.userMessage?.id, 'beginTurn: input.userMessage.id', false);
  checkText(input.userMessage?.content, 'beginTurn: input.userMessage.content', true);
  checkText(input.assistantMessage?.id, 'beginTurn: input.assistantMessage.id', false);
  checkText(input.assistantMessage?.model, 'beginTurn: input.assistantMessage.model', true);
  if (input.userMessage.id === input.assistantMessage.id) {
    throw new TypeError('beginTurn: the user and assistant messages need different ids.');
  }
  const time = input.now instanceof Date ? input.now.getTime() : Number.NaN;
  if (!Number.isFinite(time)) throw new TypeError('beginTurn: input.now must be a valid Date.');
  return time;
}

/** Checks the input of `beginAnswerTurn`; returns the turn's time in epoch milliseconds. */
export function checkBeginAnswerTurnInput(userId: string, input: BeginAnswerTurnInput): number {
  checkText(userId, 'beginAnswerTurn: userId', false);
  if (input.action !== 'regenerate' && input.action !== 'continue') {
    throw new TypeError('beginAnswerTurn: input.action must be regenerate or continue.');
  }
  checkText(input.conversationId, 'beginAnswerTurn: input.conversationId', false);
  checkText(input.projectId, 'beginAnswerTurn: input.projectId', false);
  checkText(input.targetMessageId, 'beginAnswerTurn: input.targetMessageId', false);
  checkText(input.turnId, 'beginAnswerTurn: input.turnId', false);
  checkText(input.model, 'beginAnswerTurn: input.model', true);
  checkText(input.idempotencyKey, 'beginAnswerTurn: input.idempotencyKey', false);
  const time = input.now instanceof Date ? input.now.getTime() : Number.NaN;
  if (!Number.isFinite(time)) {
    throw new TypeError('beginAnswerTurn: input.now must be a valid Date.');
  }
  return time;
}

/** Checks the input of `setFeedback`; returns its time in epoch milliseconds. */
export function checkFeedbackInput(
  feedback: { rating: FeedbackRating; comment?: string } | null,
  now: Date,
): number {
  if (feedback !== null) {
    if (feedback.rating !== 'up' && feedback.rating !== 'down') {
      throw new TypeError('setFeedback: feedback.rating must be up or down.');
    }
    if (feedback.comment !== undefined) checkText(feedback.comment, 'setFeedback: comment', true);
  }
  const time = now instanceof Date ? now.getTime() : Number.NaN;
  if (!Number.isFinite(time)) throw new TypeError('setFeedback: now must be a valid Date.');
  return time;
}

/** Checks the title of `renameConversation`. */
export function checkTitle(title: string): void {
  checkText(title, 'renameConversation: title', false);
}

/** Checks the input of `finishTurn`. */
export function checkFinishTurnInput(result: FinishTurnInput): void {
  checkText(result.content, 'finishTurn: result.content', true);
  if (!FINISHED_STATUSES.has(result.status)) {
    throw new TypeError(
      'finishTurn: result.status must be complete, stopped, interrupted or failed.',
    );
  }
  if (!FINISH_REASONS.has(result.finishReason)) {
    throw new TypeError(
      `finishTurn: result.finishReason must be one of ${[...FINISH_REASONS].join(', ')}.`,
    );
  }
  checkTokenCount(result.usage?.promptTokens, 'finishTurn: result.usage.promptTokens');
  checkTokenCount(result.usage?.completionTokens, 'finishTurn: result.usage.completionTokens');
  checkTokenCount(result.usage?.totalTokens, 'finishTurn: result.usage.totalTokens');
  const { sqlCheck } = result;
  if (
    sqlCheck !== undefined &&
    (typeof sqlCheck !== 'object' || sqlCheck === null || !Array.isArray(sqlCheck.blocks))
  ) {
    throw new TypeError('finishTurn: result.sqlCheck must be { blocks: [...] } when given.');
  }
}

/** Checks the optional `content` of `interruptTurn`. */
export function checkInterruptContent(content: string | undefined): void {
  if (content !== undefined) checkText(content, 'interruptTurn: content', true);
}
