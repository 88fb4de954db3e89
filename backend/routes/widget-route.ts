// `GET /widget.js`: the drop-in widget bundle, read once, served with a validator and a gzip
// variant, to any origin (module scripts load in CORS mode).

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import type { RequestHandler } from 'express';
import { ChatError } from '../errors.js';
import { sendError } from '../http/send-error.js';

/** Where the bundle is looked for: beside the built entry, or in dist/ when running from source. */
function defaultBundlePath(): string | undefined {
  const candidates = ['./schema-chat.js', '../../dist/schema-chat.js'].map((relative) =>
    fileURLToPath(new URL(relative, import.meta.url)),
  );
  return candidates.find((path) => existsSync(path));
}

interface Bundle {
  body: Buffer;
  gzipped: Buffer;
  etag: string;
}

/** Serves the bundle at `path` (or the built one); 404 with a hint when it was never built. */
export function createWidgetHandler(path?: string): RequestHandler {
  let bundle: Bundle | undefined;
  const load = (): Bundle | undefined => {
    if (bundle) return bundle;
    const file = path ?? defaultBundlePath();
    if (!file || !existsSync(file)) return undefined;
    const body = readFileSync(file);
    bundle = {
      body,
      gzipped: gzipSync(body, { level: 9 }),
      etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`,
    };
    return bundle;
  };
  return (req, res) => {
    const found = load();
    if (!found) {
      sendError(
        res,
        new ChatError('NOT_FOUND', 'The widget bundle is not built; run `npm run build`.'),
      );
      return;
    }
    res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
    res.setHeader('Cache-Control', 'public, max-age=300, stale-while-revalidate=86400');
    res.setHeader('ETag', found.etag);
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Vary', 'Accept-Encoding');
    if (req.headers['if-none-match'] === found.etag) {
      res.status(304).end();
      return;
    }
    const gzip = /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''));
    if (gzip) res.setHeader('Content-Encoding', 'gzip');
    res.status(200).end(req.method === 'HEAD' ? undefined : gzip ? found.gzipped : found.body);
  };
}
