// The demo's Express app: the chat router at /api/v1/ai (the paths of docs/protocol.md), the demo sign-in
// route, the page's configuration and the page itself, served under a strict CSP.

import { fileURLToPath } from 'node:url';
import express, { type Express, type Request, type Response } from 'express';
import {
  type ChatLogger,
  type ChatModel,
  type ChatRouter,
  type ChatStore,
  createChatRouter,
  type LimitsOptions,
  type ProjectResolverLike,
  type RunRegistry,
} from 'schema-chat/express';
import { checkHost } from '../lib/check-host.ts';
import { sendExampleError } from '../lib/send-example-error.ts';
import type { DemoModelInfo } from './create-demo-model.ts';
import { DEMO_TOKEN_AUDIENCE, DEMO_TOKEN_ISSUER, mintDemoToken } from './mint-demo-token.ts';
import { DEMO_USERS } from './seed-demo-projects.ts';

/** Where the router is mounted: `/api/v1` + `/ai`, as in docs/protocol.md. */
export const DEMO_API_PATH = '/api/v1/ai';

/**
 * The demo page's Content-Security-Policy: its own scripts and styles only, no inline code, and
 * Trusted Types enforced. `lit-html` is the one policy the widget creates.
 */
export const DEMO_PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "require-trusted-types-for 'script'",
  'trusted-types lit-html',
].join('; ');

/**
 * Each demo user's daily token allowance: generous, so that it never gets in the way of trying the
 * demo, and there, so that the chat's usage line (`show-usage`) has an allowance to show.
 */
export const DEMO_TOKENS_PER_DAY = 1_000_000;

/** What {@link createDemoApp} needs. */
export interface DemoAppOptions {
  /** HS256 secret of the demo tokens. */
  jwtSecret: string;
  store: ChatStore;
  projects: ProjectResolverLike;
  /** A shared run registry (several demo processes). Defaults to the router's in-memory one. */
  runs?: RunRegistry;
  /** A shared request limit (several demo processes). Defaults to in-memory. */
  rateLimitStore?: LimitsOptions['rateLimitStore'];
  model: ChatModel;
  /** Shown on the page (`GET /demo/config`). */
  modelInfo: DemoModelInfo;
  /** Origins of other sites allowed to embed the chat. */
  corsOrigins: string[];
  /** Host names the demo answers to (`Host` header); every other one gets 403. */
  allowedHosts: string[];
  logger: ChatLogger;
}

/** The app, and the router (for `ready` and `close()`). */
export interface DemoApp {
  app: Express;
  router: ChatRouter;
}

/**
 * The demo page holds two elements (inline and launcher) that both load a conversation, its
 * history and the usage whenever the user or project changes: a person clicking through it asks
 * several times what one embedded element would, so its request limit is five times the default.
 */
export const DEMO_REQUESTS_PER_MINUTE = 300;

const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));

/** Builds the demo app; the caller listens and, on shutdown, calls `router.close()`. */
export function createDemoApp(options: DemoAppOptions): DemoApp {
  const router = createChatRouter({
    auth: { secret: options.jwtSecret, issuer: DEMO_TOKEN_ISSUER, audience: DEMO_TOKEN_AUDIENCE },
    projects: options.projects,
    store: options.store,
    model: options.model,
    cors: { origins: options.corsOrigins },
    logger: options.logger,
    ...(options.runs ? { runs: options.runs } : {}),
    limits: {
      tokensPerDay: DEMO_TOKENS_PER_DAY,
      requestsPerMinute: DEMO_REQUESTS_PER_MINUTE,
      ...(options.rateLimitStore ? { rateLimitStore: options.rateLimitStore } : {}),
    },
  });

  const app = express();
  app.disable('x-powered-by');
  // First of all: the demo hands out tokens, so it answers only to its own names.
  app.use(checkHost(options.allowedHosts));
  app.use(DEMO_API_PATH, router);

  // Demo sign-in. A real app mints this token for its signed-in user (see examples/express-app);
  // this route exists only here, never in the router.
  app.get('/demo/token', (req: Request, res: Response) => {
    const user = typeof req.query.user === 'string' ? req.query.user : '';
    res.setHeader('Cache-Control', 'no-store');
    if (!DEMO_USERS.includes(user)) {
      res.status(400).json({
        error: {
          code: 'VALIDATION_FAILED',
          message: `Unknown demo user; use one of: ${DEMO_USERS.join(', ')}.`,
          retryable: false,
        },
      });
      return;
    }
    res.json({ token: mintDemoToken(options.jwtSecret, user) });
  });

  app.get('/demo/config', (_req: Request, res: Response) => {
    res.setHeader('Cache-Control', 'no-store');
    res.json({ apiPath: DEMO_API_PATH, model: options.modelInfo, users: DEMO_USERS });
  });

  app.use((_req, res, next) => {
    res.setHeader('Content-Security-Policy', DEMO_PAGE_CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    next();
  });
  app.use(express.static(PUBLIC_DIR, { index: 'index.html', maxAge: 0 }));
  app.use(sendExampleError);
  return { app, router };
}
