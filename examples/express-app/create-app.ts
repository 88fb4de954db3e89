// An existing Express app — its own login, pages and project data — that adds the schema
// assistant: it mounts createChatRouter() with its own project lookup and mints a short-lived JWT
// for its signed-in user.

import { fileURLToPath } from 'node:url';
import express, { type Express, type Request, type Response } from 'express';
import jwt from 'jsonwebtoken';
import {
  type ChatLogger,
  type ChatModel,
  type ChatRouter,
  type ChatStore,
  createChatRouter,
} from 'schema-chat/express';
import { sendExampleError } from '../lib/send-example-error.ts';
import { AppDatabase, EXAMPLE_LOGINS } from './app-database.ts';
import { createSessions } from './create-sessions.ts';
import { renderLoginPage, renderProjectPage, renderProjectsPage } from './render-pages.ts';

/** Where the app mounts the chat API. */
export const CHAT_API_PATH = '/api/v1/ai';
/** Lifetime of a chat token, in seconds; the widget asks for a new one when it expires. */
export const CHAT_TOKEN_TTL_SEC = 5 * 60;

/** What the app is built from. */
export interface ExampleAppOptions {
  /** Signs the chat JWTs (HS256, at least 32 bytes) and the session cookies. */
  secret: string;
  store: ChatStore;
  model: ChatModel;
  /** Defaults to the router's console logger. */
  logger?: ChatLogger;
}

/** The app and its chat router (for `close()` on shutdown). */
export interface ExampleApp {
  app: Express;
  router: ChatRouter;
  db: AppDatabase;
}

const PUBLIC_DIR = fileURLToPath(new URL('./public/', import.meta.url));

/** The app's pages are strict too: own scripts and styles only, no inline code. */
const PAGE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; require-trusted-types-for 'script'; trusted-types lit-html";

/** Builds the app. */
export function createApp(options: ExampleAppOptions): ExampleApp {
  const db = new AppDatabase();
  const sessions = createSessions(options.secret);
  const app = express();
  app.disable('x-powered-by');

  // --- schema-chat: the only lines the chat needs ------------------------------------------
  const router = createChatRouter({
    auth: { secret: options.secret, audience: 'example-schema-studio' },
    // The app's own lookup: only the owner sees a project (anyone else gets a 404).
    projects: {
      get: (projectId, user) => db.findProject(projectId, user.id),
      list: (user) => db.listProjects(user.id).map(({ id, name }) => ({ id, name })),
    },
    store: options.store,
    model: options.model,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  app.use(CHAT_API_PATH, router);

  // The signed-in user's chat token, minted by the app that knows who they are.
  app.get('/session/chat-token', (req: Request, res: Response) => {
    res.setHeader('Cache-Control', 'no-store');
    const userId = sessions.userId(req);
    if (!userId) {
      res.status(401).json({ error: { code: 'AUTH_MISSING', message: 'Sign in first.' } });
      return;
    }
    const token = jwt.sign({ sub: userId }, options.secret, {
      algorithm: 'HS256',
      expiresIn: CHAT_TOKEN_TTL_SEC,
      audience: 'example-schema-studio',
    });
    res.json({ token });
  });
  // ------------------------------------------------------------------------------------------

  app.use((_req, res, next) => {
    res.setHeader('Content-Security-Policy', PAGE_CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    next();
  });
  app.use(express.static(PUBLIC_DIR, { index: false }));
  app.use(express.urlencoded({ extended: false, limit: '4kb' }));

  const html = (res: Response, status: number, body: string) =>
    res.status(status).type('html').setHeader('Cache-Control', 'no-store').send(body);
  const signedInUser = (req: Request) => {
    const userId = sessions.userId(req);
    return userId === undefined ? undefined : db.findUser(userId);
  };

  app.get('/', (req, res) => {
    if (signedInUser(req)) {
      res.redirect(303, '/projects');
      return;
    }
    html(res, 200, renderLoginPage(EXAMPLE_LOGINS));
  });

  app.post('/login', (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const user =
      typeof body.username === 'string' && typeof body.password === 'string'
        ? db.verifyLogin(body.username, body.password)
        : undefined;
    if (!user) {
      html(res, 401, renderLoginPage(EXAMPLE_LOGINS, 'Wrong username or password.'));
      return;
    }
    sessions.start(res, user.id);
    res.redirect(303, '/projects');
  });

  app.post('/logout', (req, res) => {
    sessions.end(req, res);
    res.redirect(303, '/');
  });

  app.get('/projects', (req, res) => {
    const user = signedInUser(req);
    if (!user) {
      res.redirect(303, '/');
      return;
    }
    html(res, 200, renderProjectsPage(user, db.listProjects(user.id)));
  });

  app.get('/projects/:id', (req, res) => {
    const user = signedInUser(req);
    if (!user) {
      res.redirect(303, '/');
      return;
    }
    const project = db.findProject(String(req.params.id), user.id);
    if (!project) {
      html(res, 404, renderProjectsPage(user, db.listProjects(user.id)));
      return;
    }
    html(res, 200, renderProjectPage(user, project, CHAT_API_PATH));
  });

  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  // Static-file and body errors (416, 412, 413…) answer without a stack trace.
  app.use(sendExampleError);

  return { app, router, db };
}
