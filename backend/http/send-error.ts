// Writes a ChatError as the one JSON error shape (docs/protocol.md, Errors), with the headers its status
// calls for (`Retry-After`, `WWW-Authenticate`).

import type { Response } from 'express';
import type { ChatError } from '../errors.js';
import { formatRateLimitHeaders } from '../limits/format-rate-limit-headers.js';

/** Sends `error` unless the response has already started (then it can only be ended). */
export function sendError(res: Response, error: ChatError): void {
  if (res.headersSent) {
    if (!res.writableEnded) res.end();
    return;
  }
  if (error.retryAfter !== undefined) res.setHeader('Retry-After', String(error.retryAfter));
  if (error.rateLimit) appendHeaders(res, formatRateLimitHeaders(error.rateLimit));
  if (error.status === 401) {
    // RFC 6750 §3: no error attribute when the request had no credentials at all.
    res.setHeader(
      'WWW-Authenticate',
      error.code === 'AUTH_MISSING'
        ? 'Bearer realm="schema-chat"'
        : `Bearer realm="schema-chat", error="invalid_token", error_description="${error.code}"`,
    );
  }
  res.setHeader('Cache-Control', 'no-store');
  res.status(error.status).json(error.toBody());
}

/** Adds headers beside those already set (a second `RateLimit` policy beside the request limit's). */
export function appendHeaders(res: Response, headers: Record<string, string>): void {
  for (const [name, value] of Object.entries(headers)) res.append(name, value);
}
