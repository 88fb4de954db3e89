// CORS for the widget on third-party pages: only allow-listed origins (and the API's own origin)
// get CORS headers; any other browser origin is refused with 403 before any work is done.

import cors from 'cors';
import type { Request, RequestHandler } from 'express';
import {
  IDEMPOTENCY_KEY_HEADER,
  LAST_EVENT_ID_HEADER,
  PROTOCOL_HEADER,
} from '../../sdk/protocol.js';
import type { CorsConfig } from '../config/resolve-chat-router-config.js';
import { ChatError } from '../errors.js';
import { sendError } from './send-error.js';

/** Request headers a cross-origin client may send (the preflight allows exactly these). */
export const CORS_ALLOWED_HEADERS = [
  'Authorization',
  'Content-Type',
  'Accept',
  LAST_EVENT_ID_HEADER,
  IDEMPOTENCY_KEY_HEADER,
];

/** Response headers a cross-origin client may read (rate-limit state and the protocol version). */
export const CORS_EXPOSED_HEADERS = [
  'RateLimit',
  'RateLimit-Policy',
  'Retry-After',
  PROTOCOL_HEADER,
];

/** Builds the CORS step of every API route. */
export function createCorsHandler(config: CorsConfig): RequestHandler {
  if (config === false) return (_req, _res, next) => next();
  const applyCors = cors({
    // Reflects the request's origin: allowed ones get their answer, refused ones a readable 403.
    origin: true,
    methods: ['GET', 'POST', 'PATCH', 'DELETE'],
    allowedHeaders: CORS_ALLOWED_HEADERS,
    exposedHeaders: CORS_EXPOSED_HEADERS,
    maxAge: config.maxAgeSec,
    // Bearer tokens, not cookies: credentialed CORS is never needed.
    credentials: false,
  });
  return (req, res, next) => {
    const origin = req.headers.origin;
    if (origin === undefined) return next();
    if (isOriginAllowed(origin, req, config.origins)) return applyCors(req, res, next);
    // A refused origin still gets CORS headers (and its preflight passes), so the page can read
    // the 403 `FORBIDDEN_ORIGIN` below and the widget can say why, instead of a bare network
    // error that the client would keep retrying. The request itself is refused before any work.
    applyCors(req, res, () => {
      sendError(
        res,
        new ChatError('FORBIDDEN_ORIGIN', 'This origin may not use the chat API.', { status: 403 }),
      );
    });
  };
}

/** Whether a browser origin may call the API: allow-listed, or the API's own host. */
export function isOriginAllowed(
  origin: string,
  req: Request,
  allowed: ReadonlySet<string>,
): boolean {
  if (allowed.has(origin)) return true;
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false; // `null` (sandboxed frames, file:) and garbage
  }
}
