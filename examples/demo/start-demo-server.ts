// Starts the demo: opens its storage (SQLite, or Postgres + Redis), seeds the demo projects, picks
// the model, listens, and knows how to shut everything down in order.

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChatLogger, ChatRouter } from 'schema-chat/express';
import { createHttpServer } from '../lib/create-http-server.ts';
import { createDemoApp } from './create-demo-app.ts';
import { createDemoLogger } from './create-demo-logger.ts';
import { createDemoModel, type DemoModelInfo } from './create-demo-model.ts';
import { openDemoStorage } from './open-demo-storage.ts';
import type { DemoConfig } from './resolve-demo-config.ts';
import { seedDemoProjects } from './seed-demo-projects.ts';

/** A running demo server. */
export interface DemoServer {
  /** The page, e.g. `http://localhost:3001/`. */
  url: string;
  port: number;
  model: DemoModelInfo;
  /** One line about the model, for the console. */
  modelDescription: string;
  /** Where the data lives, for the console. */
  storageDescription: string;
  router: ChatRouter;
  /**
   * Ends running answers (saved as interrupted), closes every connection, then the database.
   * Safe to call twice.
   */
  close(): Promise<void>;
}

/** Options of {@link startDemoServer}. */
export interface StartDemoServerOptions {
  /** Defaults to {@link createDemoLogger} (readable turn lines on stdout). */
  logger?: ChatLogger;
}

/** Starts the demo on `config.host:config.port`; rejects with a clear message when it cannot. */
export async function startDemoServer(
  config: DemoConfig,
  options: StartDemoServerOptions = {},
): Promise<DemoServer> {
  const storage = await openDemoStorage(config);
  const { store, projects } = storage;
  let router: ChatRouter | undefined;
  try {
    await seedDemoProjects(projects);
    const model = createDemoModel(config.model);
    const demo = createDemoApp({
      jwtSecret: config.jwtSecret,
      store,
      projects,
      model: model.model,
      modelInfo: model.info,
      corsOrigins: config.corsOrigins,
      allowedHosts: config.allowedHosts,
      logger: options.logger ?? createDemoLogger(),
      ...(storage.runs ? { runs: storage.runs } : {}),
      ...(storage.rateLimitStore ? { rateLimitStore: storage.rateLimitStore } : {}),
    });
    router = demo.router;
    await router.ready;
    const server = await listen(demo.app, config);
    const { port } = server.address() as AddressInfo;
    const activeRouter = router;
    let closing: Promise<void> | undefined;
    return {
      url: `http://${displayHost(config.host)}:${port}/`,
      port,
      model: model.info,
      modelDescription: model.description,
      storageDescription: storage.description,
      router: activeRouter,
      close() {
        closing ??= (async () => {
          const closed = new Promise<void>((resolve) => server.close(() => resolve()));
          server.closeIdleConnections();
          // Running answers get their terminal event and are saved before the sockets go.
          await activeRouter.close();
          server.closeAllConnections();
          await closed;
          await storage.close();
        })();
        return closing;
      },
    };
  } catch (error) {
    await router?.close().catch(() => undefined);
    await storage.close();
    throw error;
  }
}

function listen(app: ReturnType<typeof createDemoApp>['app'], config: DemoConfig): Promise<Server> {
  return new Promise((resolve, reject) => {
    // Slow senders are closed after 10 s (headers) and 30 s (whole request), on time; answers
    // still stream for as long as they take (README "Scaling notes").
    const server = createHttpServer(app).listen(config.port, config.host);
    server.once('listening', () => {
      server.off('error', reject);
      resolve(server);
    });
    server.once('error', (error: NodeJS.ErrnoException) => {
      server.close();
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(
              `Port ${config.port} on ${config.host} is in use: stop what runs there, or start with another PORT (e.g. PORT=3005 npm start).`,
            )
          : error,
      );
    });
  });
}

/** `localhost` for the loopback addresses, so the printed URL is the one people expect. */
function displayHost(host: string): string {
  if (host === '127.0.0.1' || host === '::1' || host === 'localhost') return 'localhost';
  if (host === '0.0.0.0' || host === '::') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}
