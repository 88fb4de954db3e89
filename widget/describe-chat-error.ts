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
  const status = typeof coded.status === 'number' ? coded.status : 0;
  const retryAfter =
    typeof coded.retryAfter === 'number' && coded.retryAfter >= 0
      ? Math.ceil(coded.retryAfter)
      : undefined;
  let message = pickMessage(code, status, retryAfter, strings);
  // A failed history load says so first; an auth problem is better told as it is.
  if (operation === 'history' && status !== 401) message = `${strings.errorHistory} ${message}`;
  return {
    code,
    status,
    message,
    retryable: coded.retryable ?? status === 0,
    retryAfter,
    operation,
  };
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
