// The examples' last error handler: the one JSON error shape with the status the error carries
// (a 416 for an unsatisfiable Range, a 412 for a failed If-Match…), never a stack trace or a
// file path, whatever NODE_ENV says. Express's own final handler prints stacks outside
// production.

import type { NextFunction, Request, Response } from 'express';

/** Express error middleware (four arguments): answers `error` without revealing anything of it. */
export function sendExampleError(
  error: unknown,
  _req: Request,
  res: Response,
  next: NextFunction,
): void {
  if (res.headersSent) {
    next(error);
    return;
  }
  const raw = (error as { status?: unknown; statusCode?: unknown } | null) ?? {};
  const given = typeof raw.status === 'number' ? raw.status : raw.statusCode;
  const status = typeof given === 'number' && given >= 400 && given < 600 ? given : 500;
  res.status(status);
  res.setHeader('Cache-Control', 'no-store');
  res.json({
    error: {
      code: codeOf(status),
      message: status < 500 ? 'The request cannot be served.' : 'Something went wrong.',
      // As the protocol says of INTERNAL_ERROR: a bug, which the same request would meet again.
      retryable: false,
    },
  });
}

/** The protocol's code for a status an Express middleware (body parser, static files) gave. */
function codeOf(status: number): string {
  if (status === 404) return 'NOT_FOUND';
  if (status === 413) return 'PAYLOAD_TOO_LARGE';
  return status < 500 ? 'VALIDATION_FAILED' : 'INTERNAL_ERROR';
}
