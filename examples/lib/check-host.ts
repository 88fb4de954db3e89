// Refuses requests whose Host header names another site: a DNS-rebinding page (its own name
// pointed at 127.0.0.1) would otherwise reach a loopback server as if it were its own origin,
// get demo tokens and pass the API's same-origin check. Dev servers (Vite's `allowedHosts`,
// webpack-dev-server) guard the same way.

import type { NextFunction, Request, Response } from 'express';

/** Host names every local server answers to. */
export const LOOPBACK_HOSTS: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

/** The host name of a `Host` header (`example.com:3001` → `example.com`, `[::1]:80` → `[::1]`). */
export function hostNameOf(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^(\[[0-9a-f:.]+\]|[^:[\]]+)(?::\d{1,5})?$/i.exec(header.trim());
  return match?.[1]?.toLowerCase();
}

/** Middleware answering 403 `FORBIDDEN_ORIGIN` unless the Host header names one of `allowed`. */
export function checkHost(allowed: Iterable<string>) {
  const names = new Set([...allowed].map((name) => name.toLowerCase()));
  return (req: Request, res: Response, next: NextFunction): void => {
    const name = hostNameOf(req.headers.host);
    if (name !== undefined && (names.has(name) || names.has('*'))) {
      next();
      return;
    }
    res.status(403);
    res.setHeader('Cache-Control', 'no-store');
    res.json({
      error: {
        code: 'FORBIDDEN_ORIGIN',
        message:
          'This server does not answer to that host name; add it to SCHEMA_CHAT_ALLOWED_HOSTS to serve it.',
        retryable: false,
      },
    });
  };
}
