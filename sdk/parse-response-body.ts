// Checks the JSON bodies of the REST routes (docs/protocol.md, REST answers) before the client hands them out.

import { ChatClientError } from './chat-client-error.js';
import type {
  ChatResponse,
  ConversationSummary,
  FeedbackResponse,
  Page,
  ProjectSummary,
  StopResponse,
  UsageResponse,
} from './protocol.js';

function badBody(what: string): ChatClientError {
  return new ChatClientError(`The chat server sent an unexpected ${what}.`, {
    status: 200,
    code: 'BAD_RESPONSE',
    retryable: false,
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A `POST /chat` body, or a `BAD_RESPONSE` error when its essential fields are missing. */
export function parseChatResponse(body: unknown): ChatResponse {
  if (
    !isObject(body) ||
    typeof body.conversationId !== 'string' ||
    !isObject(body.message) ||
    typeof body.message.id !== 'string' ||
    typeof body.message.content !== 'string' ||
    !isObject(body.metadata)
  ) {
    throw badBody('chat answer');
  }
  return body as unknown as ChatResponse;
}

/** A page of a list route (`{items, nextCursor?}`), or a `BAD_RESPONSE` error. */
export function parsePage<T>(body: unknown): Page<T> {
  if (!isObject(body) || !Array.isArray(body.items)) throw badBody('list');
  const page: Page<T> = { items: body.items as T[] };
  if (typeof body.nextCursor === 'string' && body.nextCursor !== '')
    page.nextCursor = body.nextCursor;
  return page;
}

/** A `POST /chat/stop` body, or a `BAD_RESPONSE` error. */
export function parseStopResponse(body: unknown): StopResponse {
  if (!isObject(body) || typeof body.stopped !== 'boolean') throw badBody('stop answer');
  const response: StopResponse = { stopped: body.stopped };
  if (typeof body.messageId === 'string') response.messageId = body.messageId;
  return response;
}

/** A `PATCH /conversations/:id` body (a conversation), or a `BAD_RESPONSE` error. */
export function parseConversationSummary(body: unknown): ConversationSummary {
  if (!isObject(body) || typeof body.id !== 'string' || typeof body.title !== 'string') {
    throw badBody('conversation');
  }
  return body as unknown as ConversationSummary;
}

/** A `POST /messages/:id/feedback` body, or a `BAD_RESPONSE` error. */
export function parseFeedbackResponse(body: unknown): FeedbackResponse {
  if (!isObject(body) || typeof body.messageId !== 'string') throw badBody('feedback answer');
  const response: FeedbackResponse = { messageId: body.messageId };
  const feedback = body.feedback;
  if (isObject(feedback) && (feedback.rating === 'up' || feedback.rating === 'down')) {
    response.feedback = { rating: feedback.rating };
    if (typeof feedback.comment === 'string') response.feedback.comment = feedback.comment;
  }
  return response;
}

/** A `GET /usage` body, or a `BAD_RESPONSE` error. */
export function parseUsageResponse(body: unknown): UsageResponse {
  if (!isObject(body) || typeof body.used !== 'number' || typeof body.resetsAt !== 'string') {
    throw badBody('usage');
  }
  const usage: UsageResponse = { used: body.used, resetsAt: body.resetsAt };
  if (typeof body.limit === 'number') usage.limit = body.limit;
  return usage;
}

/** The projects of a `GET /projects` body (`{items}`), or a `BAD_RESPONSE` error. */
export function parseProjectList(body: unknown): ProjectSummary[] {
  return parsePage<ProjectSummary>(body).items;
}
