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
      code: status === 404 ? 'NOT_FOUND' : status < 500 ? 'VALIDATION_FAILED' : 'INTERNAL_ERROR',
      message: status < 500 ? 'The request cannot be served.' : 'Something went wrong.',
      retryable: status >= 500,
    },
  });
}
