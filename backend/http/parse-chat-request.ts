// Pure validation of a turn request (JSON body or the GET query of the original protocol) and of
// the turn headers (docs/protocol.md, Request fields).
// Only known fields are read; anything else in the input is ignored, never applied.

import type { ChatRequest } from '../../sdk/protocol.js';
import { ChatError } from '../errors.js';

/** Limits the validation needs. */
export interface ParseChatRequestLimits {
  maxMessageChars: number;
}

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/i;
/** Printable ASCII without spaces: what header values and ids can safely carry. */
const TOKEN = /^[\x21-\x7e]{1,200}$/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to refuse control characters.
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Whether a string is a UUID v4 (the only conversation id format accepted). */
export function isUuidV4(value: string): boolean {
  return UUID_V4.test(value);
}

/**
 * Validates `{ projectId, message, conversationId? }`, or a Regenerate or Continue
 * `{ projectId, conversationId, regenerate | continue }` (then `message` is not read). Throws 400
 * `VALIDATION_FAILED` naming the field, or 413 `MESSAGE_TOO_LONG`.
 */
export function parseChatRequest(input: unknown, limits: ParseChatRequestLimits): ChatRequest {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw invalid('The request must be a JSON object with projectId and message.');
  }
  const fields = input as Record<string, unknown>;
  const projectId = parseProjectId(own(fields, 'projectId'));
  const regenerate = given(own(fields, 'regenerate'));
  const continued = given(own(fields, 'continue'));
  if (regenerate !== undefined && continued !== undefined) {
    throw invalid('Give regenerate or continue, not both.');
  }
  const action =
    regenerate !== undefined ? 'regenerate' : continued !== undefined ? 'continue' : undefined;
  const request: ChatRequest = { projectId };
  if (action === undefined) request.message = parseMessage(own(fields, 'message'), limits);
  const conversationId = given(own(fields, 'conversationId'));
  if (conversationId !== undefined) request.conversationId = parseConversationId(conversationId);
  if (action !== undefined) {
    if (request.conversationId === undefined) {
      throw invalid(`${action} needs the conversationId of the answer.`);
    }
    request[action] = parseMessageId(regenerate ?? continued, action);
  }
  return request;
}

/** The question of a turn request: a string, not blank, within the limit, storable as it is. */
function parseMessage(message: unknown, limits: ParseChatRequestLimits): string {
  if (typeof message !== 'string') throw invalid('message must be a string.');
  if (message.trim().length === 0) throw invalid('message must not be empty.');
  if (message.length > limits.maxMessageChars) {
    throw new ChatError(
      'MESSAGE_TOO_LONG',
      `message is ${message.length} characters; the limit is ${limits.maxMessageChars}.`,
      { status: 413 },
    );
  }
  // Lone surrogates cannot be stored as UTF-8 and would come back altered.
  if (!message.isWellFormed()) throw invalid('message is not well-formed Unicode text.');
  if (message.includes('\u0000')) throw invalid('message must not contain NUL characters.');
  return message;
}

/** Validates a message id (an answer's, a UUID v4), returned lower-case; `name` is the field. */
export function parseMessageId(value: unknown, name = 'message id'): string {
  if (typeof value !== 'string' || !isUuidV4(value)) {
    throw invalid(`${name} must be a UUID v4 (the id of an answer).`);
  }
  return value.toLowerCase();
}

/** Validates a project id from a body, query or path. */
export function parseProjectId(value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw invalid('projectId is required (a string).');
  }
  if (value.length > 200 || CONTROL.test(value)) {
    throw invalid('projectId must be at most 200 characters without control characters.');
  }
  return value;
}

/** Validates a conversation id: a UUID v4, returned lower-case. */
export function parseConversationId(value: unknown): string {
  if (typeof value !== 'string' || !isUuidV4(value)) {
    throw invalid('conversationId must be a UUID v4.');
  }
  return value.toLowerCase();
}

/** Validates the optional `Idempotency-Key` header. */
export function parseIdempotencyKey(value: string | string[] | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !TOKEN.test(value)) {
    throw invalid('Idempotency-Key must be 1–200 printable ASCII characters.');
  }
  return value;
}

/** Validates `limit` and `cursor` of list routes. */
export function parsePaging(
  query: Record<string, unknown>,
  defaultLimit: number,
): { limit: number; cursor?: string } {
  const limitText = own(query, 'limit');
  let limit = defaultLimit;
  if (limitText !== undefined) {
    if (typeof limitText !== 'string' || !/^\d{1,3}$/.test(limitText)) {
      throw invalid('limit must be an integer from 1 to 100.');
    }
    limit = Number(limitText);
    if (limit < 1 || limit > 100) throw invalid('limit must be an integer from 1 to 100.');
  }
  const cursor = own(query, 'cursor');
  if (cursor === undefined || cursor === '') return { limit };
  if (typeof cursor !== 'string' || !TOKEN.test(cursor)) throw invalid('cursor is not valid.');
  return { limit, cursor };
}

/** A 400 `VALIDATION_FAILED`. */
export function invalid(message: string): ChatError {
  return new ChatError('VALIDATION_FAILED', message, { status: 400 });
}

/** A field that is there: `undefined`, `null` and `""` count as absent. */
function given(value: unknown): unknown {
  return value === undefined || value === null || value === '' ? undefined : value;
}

/** Reads an own property only: `__proto__` or inherited names are never taken from input. */
function own(fields: Record<string, unknown>, name: string): unknown {
  return Object.hasOwn(fields, name) ? fields[name] : undefined;
}
