// createChatRouter(): the Express router a host app mounts to get schema-chat's API
// (`app.use('/api/v1/ai', createChatRouter({...}))`). Wires options, plug points and routes.

import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import compression from 'compression';
import express, {
  type NextFunction,
  type Request,
  type RequestHandler,
  type Response,
  type Router,
} from 'express';
import { PROTOCOL_HEADER, PROTOCOL_VERSION } from '../sdk/protocol.js';
import { createJwtAuthenticator } from './auth/create-jwt-authenticator.js';
import type { ChatRouterOptions } from './config/chat-router-options.js';
import { resolveChatRouterConfig } from './config/resolve-chat-router-config.js';
import { markTurnStep } from './diagnostics/turn-steps.js';
import { ChatError, isChatError, toChatError } from './errors.js';
import { createCorsHandler } from './http/create-cors-handler.js';
import { setUser } from './http/request-user.js';
import { sendError } from './http/send-error.js';
import { createUserRateLimit } from './limits/create-user-rate-limit.js';
import { type ChatLogger, createConsoleLogger } from './logging/chat-logger.js';
import { OpenAIChatModel } from './models/openai-chat-model.js';
import { toProjectResolver } from './projects/project-resolver.js';
import { addAnswerRoutes } from './routes/answer-routes.js';
import { addConversationRoutes } from './routes/conversation-routes.js';
import { listRoutePaths } from './routes/list-route-paths.js';
import type { RouterContext } from './routes/router-context.js';
import { addTurnRoutes } from './routes/turn-routes.js';
import { createWidgetHandler } from './routes/widget-route.js';
import type { LiveRunStats } from './runs/live-runs.js';
import { MemoryRunRegistry } from './runs/memory-run-registry.js';
import type { RunRegistry } from './runs/run-registry.js';
import type { ChatStore } from './stores/chat-store.js';
import { settleFinishedTurns } from './stores/settle-finished-turns.js';
import { SqliteChatStore } from './stores/sqlite-chat-store.js';
import { SharedInterval } from './timers/shared-interval.js';
import { TurnService } from './turns/turn-service.js';

/** The router, plus its lifecycle. */
export interface ChatRouter extends Router {
  /** Settles once the store has recovered turns a previous process left `streaming`. Requests wait for it. */
  readonly ready: Promise<void>;
  /**
   * Ends every running answer as interrupted (their partial text saved), stops the timers and,
   * when the router created the store, closes it. Call before the process exits.
   */
  close(): Promise<void>;
  /** What this instance is generating now, for a health check or metrics endpoint. */
  stats(): LiveRunStats;
}

/** Where the default SQLite store lives. */
export function defaultDatabasePath(): string {
  return process.env.SCHEMA_CHAT_DB ?? './data/schema-chat.db';
}

/**
 * Creates the chat router. Options are checked here, once: a bad one throws naming the option
 * and the fix. See `ChatRouterOptions` for every option and its default.
 */
export function createChatRouter(options: ChatRouterOptions): ChatRouter {
  const config = resolveChatRouterConfig(options);
  const authenticate = createJwtAuthenticator(options.auth);
  const projects = toProjectResolver(options.projects);
  const logger: ChatLogger = options.logger ?? createConsoleLogger();
  const ownsStore = options.store === undefined;
  const store: ChatStore = options.store ?? openDefaultStore();
  for (const warning of config.warnings) logger.warn({}, warning);
  const model = options.model ?? defaultModel(logger);
  const runs = options.runs ?? new MemoryRunRegistry();
  checkInstancesAgree(runs, store, logger);
  const heartbeat = new SharedInterval(config.timeouts.heartbeatMs);
  const rateLimitStore = options.limits?.rateLimitStore;
  const requestLimit = createUserRateLimit({
    name: 'requests',
    limit: config.limits.requestsPerMinute,
    ...(rateLimitStore ? { store: rateLimitStore() } : {}),
  });
  // The turn service's final saves are retried past a storage fault, so an answer is never left
  // `streaming` (blocking its conversation) just because the database was locked at its end.
  const settling = settleFinishedTurns(store, { logger });
  const turns = new TurnService({
    store: settling,
    model,
    projects,
    runs,
    logger,
    onTurnEnd: options.onTurnEnd,
    limits: config.limits,
    timeouts: config.timeouts,
    instructions: config.instructions,
  });

  const ready = runs.start({ store, logger, replayTtlMs: config.timeouts.replayTtlMs }).then(
    (count) => {
      if (count > 0)
        logger.warn({ count }, 'marked turns left streaming by a previous process as interrupted');
    },
    (error: unknown) => {
      logger.error({ err: error }, 'recovering interrupted turns failed');
    },
  );

  let closing: Promise<void> | undefined;
  const guard: RequestHandler[] = [
    (_req, res, next) => {
      // Every answer of the API names the protocol version, JSON and errors included.
      res.setHeader(PROTOCOL_HEADER, String(PROTOCOL_VERSION));
      next();
    },
    createCorsHandler(config.cors),
    async (req, res, next) => {
      await ready;
      if (closing) {
        // Shutting down: tell clients to retry (elsewhere, or here after the restart).
        throw new ChatError('SERVER_BUSY', 'The server is restarting; try again shortly.', {
          retryable: true,
          retryAfter: 2,
        });
      }
      setUser(res, await authenticate(req));
      markTurnStep(req, 'authenticated');
      await requestLimit(req, res);
      markTurnStep(req, 'request-limited');
      next();
    },
  ];
  const json: RequestHandler[] = [
    (req, _res, next) => {
      if (!req.is('application/json')) {
        throw new ChatError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json.');
      }
      next();
    },
    express.json({ limit: config.limits.maxBodyBytes, strict: true }),
  ];

  const router = express.Router() as ChatRouter;
  const compress: RequestHandler[] = config.compression ? [compression()] : [];
  const ctx: RouterContext = {
    config,
    turns,
    store,
    projects,
    heartbeat,
    guard,
    compress,
    json,
    logger,
    onFeedback: options.onFeedback,
  };
  addTurnRoutes(router, ctx);
  addConversationRoutes(router, ctx);
  addAnswerRoutes(router, ctx);
  // Preflights, for the API routes only (other paths under the mount point belong to the host,
  // and the widget bundle is a plain GET that never needs one).
  router.options(listRoutePaths(router), createCorsHandler(config.cors), (_req, res) => {
    res.status(204).end();
  });
  if (options.widget !== false) {
    router.get(
      '/widget.js',
      createWidgetHandler(typeof options.widget === 'string' ? options.widget : undefined),
    );
  }
  router.use((error: unknown, req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(error);
    const chatError = fromRequestError(error);
    if (chatError.code === 'INTERNAL_ERROR') {
      logger.error({ err: error, method: req.method, path: req.path }, 'request failed');
    }
    sendError(res, chatError);
  });

  Object.defineProperties(router, {
    ready: { value: ready },
    stats: { value: () => turns.stats() },
    close: {
      value: () => {
        closing ??= (async () => {
          await ready;
          await turns.shutdown();
          await settling.flush();
          if (ownsStore) await store.close();
        })();
        return closing;
      },
    },
  });
  return router;
}

/**
 * A registry shared by several instances needs a store they share too: with one SQLite file per
 * process, a run claimed on one instance would be saved where the others cannot see it.
 */
function checkInstancesAgree(runs: RunRegistry, store: ChatStore, logger: ChatLogger): void {
  if (runs.relay && store.sharedAcrossInstances !== true) {
    throw new TypeError(
      'schema-chat: options.runs is shared by several instances, but options.store belongs to one ' +
        'process (SQLite or memory). Give every instance one shared store: ' +
        "new PostgresChatStore({ connectionString }) from 'schema-chat/postgres'.",
    );
  }
  if (!runs.relay && store.sharedAcrossInstances === true) {
    logger.info(
      {},
      'schema-chat: a shared store with the in-memory run registry serves one instance only; for several, use RedisRunRegistry (schema-chat/redis)',
    );
  }
}

/** The model of a router given none, said once so nobody wonders what it calls. */
function defaultModel(logger: ChatLogger): OpenAIChatModel {
  const model = new OpenAIChatModel();
  logger.info(
    { model: model.id, baseURL: model.baseURL },
    `schema-chat: no model option given: answers come from ${model.id} at ${model.baseURL} (OpenAI-compatible; set VLLM_QWEN_7B_URL or OPENAI_BASE_URL, or pass model: new OfflineChatModel() to try it without one)`,
  );
  return model;
}

function openDefaultStore(): ChatStore {
  const path = defaultDatabasePath();
  mkdirSync(dirname(path), { recursive: true });
  return new SqliteChatStore({ path });
}

/** Maps body-parser failures to their coded errors; everything else through `toChatError`. */
function fromRequestError(error: unknown): ChatError {
  const type = (error as { type?: unknown } | null)?.type;
  switch (type) {
    case 'entity.parse.failed':
      return new ChatError('VALIDATION_FAILED', 'The body is not valid JSON.');
    case 'entity.too.large':
      return new ChatError('PAYLOAD_TOO_LARGE', 'The body is too large.');
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new ChatError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as UTF-8 JSON.');
    case 'request.aborted':
    case 'request.size.invalid':
    case 'stream.encoding.set':
      return new ChatError('VALIDATION_FAILED', 'The body could not be read.');
    default:
      // Other failures the HTTP layer blames on the request itself are the client's, not a 500:
      // a path segment with broken percent-encoding (the router's URIError), a gzip or deflate
      // body that does not inflate (body-parser passes zlib's error on with status 400).
      if (!isChatError(error) && isClientErrorStatus(error)) {
        return new ChatError(
          'VALIDATION_FAILED',
          error instanceof URIError
            ? 'The path is not valid percent-encoding.'
            : 'The body could not be read.',
          { cause: error },
        );
      }
      return toChatError(error);
  }
}

function isClientErrorStatus(error: unknown): boolean {
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}
