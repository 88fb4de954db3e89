// A third-party site on another origin that embeds schema-chat with one <script> tag and one
// element. Run the demo first (`npm start`), then `node examples/third-party-page/server.ts`.
//
// Environment: PORT (3002), HOST (127.0.0.1), API_ORIGIN (http://localhost:3001: the demo),
// DEMO_USER (alice), PROJECT_ID (bookstore). The demo's CORS allow-list must name this page's
// origin; by default it allows http://localhost:3002 and http://127.0.0.1:3002.

import { readFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHttpServer } from '../lib/create-http-server.ts';
import { hostPageCsp, renderHostPage } from './render-host-page.ts';

const port = Number(process.env.PORT || 3002);
const host = process.env.HOST || '127.0.0.1';
const apiOrigin = (process.env.API_ORIGIN || 'http://localhost:3001').replace(/\/+$/, '');
const apiUrl = `${apiOrigin}/api/v1/ai`;
const demoUser = process.env.DEMO_USER || 'alice';
const projectId = process.env.PROJECT_ID || 'bookstore';
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  process.stderr.write(`third-party page: PORT must be a port number, got "${process.env.PORT}"\n`);
  process.exit(1);
}

const template = readFileSync(new URL('./index.html', import.meta.url), 'utf8');
const stylesheet = readFileSync(new URL('./page.css', import.meta.url));

/**
 * This site's backend gets a token for its visitor. A real site signs one for its signed-in user
 * with the secret it shares with the API (see examples/express-app); this example borrows the
 * demo's sign-in route.
 */
async function tokenForVisitor(): Promise<string> {
  const response = await fetch(`${apiOrigin}/demo/token?user=${encodeURIComponent(demoUser)}`);
  if (!response.ok) throw new Error(`the demo's sign-in answered HTTP ${response.status}`);
  return ((await response.json()) as { token: string }).token;
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, {
    'Content-Type': type,
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
    'Content-Security-Policy': hostPageCsp(apiOrigin),
  });
  res.end(body);
}

const server = createHttpServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    send(res, 405, 'text/plain; charset=utf-8', 'Method not allowed');
    return;
  }
  if (path === '/page.css') {
    send(res, 200, 'text/css; charset=utf-8', stylesheet);
    return;
  }
  if (path !== '/') {
    send(res, 404, 'text/plain; charset=utf-8', 'Not found');
    return;
  }
  const pageOrigin = `http://${req.headers.host ?? `${host}:${port}`}`;
  tokenForVisitor().then(
    (token) => {
      const html = renderHostPage(template, { apiOrigin, apiUrl, pageOrigin, projectId, token });
      send(res, 200, 'text/html; charset=utf-8', html);
    },
    (error: unknown) => {
      send(
        res,
        503,
        'text/plain; charset=utf-8',
        `The schema-chat API at ${apiOrigin} is not reachable (${(error as Error).message}). Start the demo first: npm start\n`,
      );
    },
  );
});

server.listen(port, host, () => {
  const { port: actual } = server.address() as AddressInfo;
  const shown = host === '127.0.0.1' ? 'localhost' : host;
  process.stdout.write(
    `third-party page listening on http://${shown}:${actual}/ (embedding ${apiUrl})\n`,
  );
});
server.on('error', (error) => {
  process.stderr.write(`third-party page: ${error.message}\n`);
  process.exit(1);
});
const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
