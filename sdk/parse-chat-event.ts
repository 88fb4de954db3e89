// Parses the JSON `data` of one SSE event into a typed `ChatEvent` (docs/protocol.md, Events), checking its shape.

import { ChatClientError } from './chat-client-error.js';
import type {
  ChatEvent,
  CompleteEvent,
  CompleteMetadata,
  FinishReason,
  Quota,
  SqlCheck,
  Usage,
} from './protocol.js';
import { readErrorDetail } from './read-error-response.js';
import { readSqlCheck } from './read-sql-check.js';

function badEvent(reason: string, cause?: unknown): ChatClientError {
  return new ChatClientError(`The chat server sent an unreadable event (${reason}).`, {
    status: 200,
    code: 'BAD_RESPONSE',
    retryable: false,
    cause,
  });
}

function readUsage(value: unknown): Usage {
  const usage = (typeof value === 'object' && value !== null ? value : {}) as Record<
    string,
    unknown
  >;
  const count = (n: unknown) => (typeof n === 'number' && Number.isFinite(n) ? n : 0);
  return {
    promptTokens: count(usage.promptTokens),
    completionTokens: count(usage.completionTokens),
    totalTokens: count(usage.totalTokens),
  };
}

/** A `quota` object, or undefined when `value` is not one (a client ignores what it cannot read). */
export function readQuota(value: unknown): Quota | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { used, limit, resetsAt } = value as Record<string, unknown>;
  if (typeof used !== 'number' || typeof limit !== 'number' || typeof resetsAt !== 'string') {
    return undefined;
  }
  return { used, limit, resetsAt };
}

/**
 * `continuedFrom` (a Continue) and `quota` (a daily allowance) of a `complete` or REST metadata
 * when they are readable, else nothing (spread into metadata).
 */
export function withTurnExtras(
  metadata: Record<string, unknown>,
): Pick<CompleteMetadata, 'continuedFrom' | 'quota'> {
  const quota = readQuota(metadata.quota);
  const { continuedFrom } = metadata;
  return {
    ...(typeof continuedFrom === 'number' &&
    Number.isSafeInteger(continuedFrom) &&
    continuedFrom >= 0
      ? { continuedFrom }
      : {}),
    ...(quota ? { quota } : {}),
  };
}

/** `{ sqlCheck }` when `value` is one, else nothing (spread into metadata). */
export function withSqlCheck(value: unknown): { sqlCheck?: SqlCheck } {
  const sqlCheck = readSqlCheck(value);
  return sqlCheck ? { sqlCheck } : {};
}

function readComplete(event: Record<string, unknown>): CompleteEvent {
  const metadata = event.metadata;
  if (typeof metadata !== 'object' || metadata === null)
    throw badEvent('complete without metadata');
  const m = metadata as Record<string, unknown>;
  if (typeof m.conversationId !== 'string' || typeof m.messageId !== 'string') {
    throw badEvent('complete without conversationId or messageId');
  }
  const finishReason = (
    typeof m.finishReason === 'string' ? m.finishReason : 'stop'
  ) as FinishReason;
  // `status` is optional on the wire (a minimal server sends only model, conversationId and
  // messageId); a stopped finish says it.
  const status =
    m.status === 'stopped' || (m.status === undefined && finishReason === 'stopped')
      ? 'stopped'
      : 'complete';
  return {
    type: 'complete',
    timestamp: typeof event.timestamp === 'string' ? event.timestamp : new Date().toISOString(),
    metadata: {
      model: typeof m.model === 'string' ? m.model : '',
      conversationId: m.conversationId,
      messageId: m.messageId,
      finishReason,
      status,
      usage: readUsage(m.usage),
      ...withTurnExtras(m),
      ...withSqlCheck(m.sqlCheck),
    },
  };
}

/**
 * Parses one event's `data`. Returns `undefined` for a well-formed event of a type this client
 * does not know (newer servers may add types; old clients skip them). Throws a `ChatClientError`
 * with code `BAD_RESPONSE` for data that is not JSON or a known type with a wrong shape.
 */
export function parseChatEvent(data: string): ChatEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch (cause) {
    throw badEvent('data is not JSON', cause);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw badEvent('data is not an object');
  }
  const event = value as Record<string, unknown>;
  switch (event.type) {
    case 'conversationId':
      if (typeof event.conversationId !== 'string' || event.conversationId === '') {
        throw badEvent('conversationId is not a string');
      }
      return { type: 'conversationId', conversationId: event.conversationId };
    case 'token':
      if (typeof event.content !== 'string') throw badEvent('token content is not a string');
      return { type: 'token', content: event.content };
    case 'complete':
      return readComplete(event);
    case 'error': {
      const detail = readErrorDetail(event.error);
      if (!detail) throw badEvent('error without code and message');
      return { type: 'error', error: detail };
    }
    default:
      if (typeof event.type !== 'string') throw badEvent('event without a type');
      return undefined;
  }
}
