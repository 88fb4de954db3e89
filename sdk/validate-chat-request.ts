// Checks a turn's request before anything is sent, and keeps only the protocol's fields.

import { ChatClientError } from './chat-client-error.js';
import type { ChatRequest } from './protocol.js';

function invalid(message: string): ChatClientError {
  return new ChatClientError(message, { status: 0, code: 'VALIDATION_FAILED', retryable: false });
}

/**
 * Returns `{projectId, message, conversationId?}` copied from `request` (or, for a Regenerate or
 * Continue, `{projectId, conversationId, regenerate | continue}`), or throws a `ChatClientError`
 * with code `VALIDATION_FAILED` (status 0: nothing was sent) when a field has the wrong type or is
 * empty. Other fields are dropped, so nothing unexpected reaches the server. Length limits are the
 * server's to enforce (413 `MESSAGE_TOO_LONG`).
 */
export function validateChatRequest(request: ChatRequest): ChatRequest {
  if (typeof request !== 'object' || request === null) {
    throw invalid('The request must be an object { projectId, message, conversationId? }.');
  }
  const { projectId, message, conversationId } = request;
  if (typeof projectId !== 'string' || projectId === '') {
    throw invalid('projectId must be a non-empty string.');
  }
  if (
    conversationId !== undefined &&
    (typeof conversationId !== 'string' || conversationId === '')
  ) {
    throw invalid('conversationId must be a non-empty string when given.');
  }
  const action =
    request.regenerate !== undefined
      ? 'regenerate'
      : request.continue !== undefined
        ? 'continue'
        : undefined;
  if (action !== undefined) {
    if (request.regenerate !== undefined && request.continue !== undefined) {
      throw invalid('Give regenerate or continue, not both.');
    }
    if (conversationId === undefined) {
      throw invalid(`${action} needs the conversationId of the answer.`);
    }
    return { projectId, conversationId, [action]: validateId(action, request[action]) };
  }
  if (typeof message !== 'string' || message.trim() === '') {
    throw invalid('message must be a non-empty string.');
  }
  return conversationId === undefined
    ? { projectId, message }
    : { projectId, message, conversationId };
}

/** Throws `VALIDATION_FAILED` unless `value` is a non-empty string; `name` is used in the message. */
export function validateId(name: string, value: unknown): string {
  if (typeof value !== 'string' || value === '')
    throw invalid(`${name} must be a non-empty string.`);
  return value;
}

/**
 * Throws `VALIDATION_FAILED` unless `key` can be an `Idempotency-Key` header: 1 to 255 visible
 * ASCII characters (a header value cannot carry line breaks or non-ASCII text).
 */
export function validateIdempotencyKey(key: unknown): string {
  if (typeof key !== 'string' || !/^[\x21-\x7e]{1,255}$/.test(key)) {
    throw invalid('idempotencyKey must be 1 to 255 visible ASCII characters, e.g. a UUID.');
  }
  return key;
}
