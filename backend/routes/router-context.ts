// What the route modules share: the resolved config, the turn service and the request steps
// (CORS, auth, limits, body parsing) in the order every API route runs them.

import type { RequestHandler } from 'express';
import type { ChatRouterConfig } from '../config/resolve-chat-router-config.js';
import type { ChatLogger } from '../logging/chat-logger.js';
import type { ProjectResolver } from '../projects/project-resolver.js';
import type { ChatStore } from '../stores/chat-store.js';
import type { SharedInterval } from '../timers/shared-interval.js';
import type { TurnService } from '../turns/turn-service.js';
import type { FeedbackRecord } from './answer-routes.js';

/** Shared by the route modules. */
export interface RouterContext {
  config: ChatRouterConfig;
  turns: TurnService;
  store: ChatStore;
  projects: ProjectResolver;
  /** The keep-alive pings of every open stream. */
  heartbeat: SharedInterval;
  /** CORS, readiness, auth and the per-user request limit: the start of every API route. */
  guard: RequestHandler[];
  /** gzip for JSON responses when the `compression` option is on (streams gzip themselves). */
  compress: RequestHandler[];
  /** JSON body parsing with the size limit and a content-type check. */
  json: RequestHandler[];
  logger: ChatLogger;
  /** The host's hook for feedback on answers. */
  onFeedback: ((record: FeedbackRecord) => void) | undefined;
}
