// Turns whatever a client call threw into the coded, user-facing error the element shows and fires.

import type {
  SchemaChatErrorCode,
  SchemaChatErrorDetail,
} from './events/schema-chat-error-event.js';
import { formatString, type SchemaChatStrings } from './schema-chat-strings.js';

/** The fields of a `ChatClientError` this needs (duck-typed: a host may inject another copy of the sdk). */
interface CodedError {
  code: string;
  status?: number;
  retryable?: boolean;
  retryAfter?: number;
}

function isCodedError(error: unknown): error is CodedError {
  return (
    typeof error === 'object' && error !== null && typeof (error as CodedError).code === 'string'
  );
}

/**
 * Describes a failed operation: the code and status of a `ChatClientError` (or `NETWORK_ERROR`
 * for anything uncoded), and the message from `strings` that fits it — never the error's own text,
 * which may carry server or transport details.
 */
export function describeChatError(
  error: unknown,
  operation: SchemaChatErrorDetail['operation'],
  strings: SchemaChatStrings,
): SchemaChatErrorDetail {
  const coded: CodedError = isCodedError(error)
    ? error
    : { code: 'NETWORK_ERROR', status: 0, retryable: true };
  const code = coded.code as SchemaChatErrorCode;
  // Only a failed response has an HTTP status worth telling: an error event on an open stream
  // came with the stream's 200 ("200 UPSTREAM_UNAVAILABLE" would read as a contradiction).
  const status = typeof coded.status === 'number' && coded.status >= 400 ? coded.status : 0;
  const retryAfter =
    typeof coded.retryAfter === 'number' && coded.retryAfter >= 0
      ? Math.ceil(coded.retryAfter)
      : undefined;
  let message = pickMessage(code, status, retryAfter, strings);
  // A failed history load says so first; an auth problem is better told as it is.
  if (operation === 'history' && status !== 401) message = `${strings.errorHistory} ${message}`;
  if (operation === 'feedback' && status !== 401) message = `${strings.errorFeedback} ${message}`;
  return {
    code,
    status,
    message,
    retryable: coded.retryable ?? status === 0,
    retryAfter,
    operation,
  };
}

/**
 * Whether a Retry button may help: the same request may succeed (`retryable`), or a new turn may
 * (after signing in again, or when the server gave up on this answer: an interrupted generation,
 * a model or storage failure). Never for what the server refuses as such — a bad or too long
 * message, a forbidden origin, a missing project or conversation, a spent quota — nor for a
 * widget that is not configured.
 */
export function canRetryChatError(detail: SchemaChatErrorDetail): boolean {
  const { code, status } = detail;
  if (code === 'NOT_CONFIGURED' || code === 'QUOTA_EXCEEDED') return false;
  if (detail.retryable) return true;
  if (status === 401 || code.startsWith('AUTH_')) return true;
  if (status >= 400 && status < 500) return false;
  return !(
    code === 'FORBIDDEN_ORIGIN' ||
    code.endsWith('NOT_FOUND') ||
    code === 'VALIDATION_FAILED' ||
    code === 'MESSAGE_TOO_LONG' ||
    code === 'IDEMPOTENCY_KEY_REUSED'
  );
}

function pickMessage(
  code: SchemaChatErrorCode,
  status: number,
  retryAfter: number | undefined,
  strings: SchemaChatStrings,
): string {
  if (code === 'NOT_CONFIGURED') return strings.errorNotConfigured;
  if (status === 401 || code.startsWith('AUTH_')) return strings.errorAuth;
  if (status === 403 || code === 'FORBIDDEN_ORIGIN') return strings.errorForbidden;
  if (status === 404 || code.endsWith('NOT_FOUND')) return strings.errorNotFound;
  if (status === 409 || code === 'TURN_IN_PROGRESS') return strings.errorConflict;
  if (status === 400 || status === 413 || status === 415) return strings.errorInvalid;
  if (status === 429 || code === 'RATE_LIMITED' || code === 'QUOTA_EXCEEDED') {
    return retryAfter === undefined
      ? strings.errorRateLimitedNoWait
      : formatString(strings.errorRateLimited, { seconds: retryAfter });
  }
  if (status === 0 && (code === 'NETWORK_ERROR' || code === 'STREAM_TIMEOUT'))
    return strings.errorNetwork;
  if (status >= 500 || code.startsWith('UPSTREAM_') || code === 'SERVER_BUSY') {
    return strings.errorUnavailable;
  }
  return strings.errorGeneric;
}
