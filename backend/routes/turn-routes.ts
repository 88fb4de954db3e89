// The turn routes: `POST /chat` (REST), `GET /chat/stream` (query fields, as native EventSource clients send them) and `POST /chat/stream`
// (JSON body). Each validates, opens the turn and attaches its response as a sink.

import type { Request, Response, Router } from 'express';
import { LAST_EVENT_ID_HEADER } from '../../sdk/protocol.js';
import { invalid, parseChatRequest, parseIdempotencyKey } from '../http/parse-chat-request.js';
import { userOf } from '../http/request-user.js';
import { RestSink } from '../http/rest-sink.js';
import { appendHeaders } from '../http/send-error.js';
import { formatRateLimitHeaders } from '../limits/format-rate-limit-headers.js';
import type { RunFeed, RunSink } from '../runs/chat-run.js';
import { parseEventId } from '../runs/event-id.js';
import { SseSink } from '../sse/sse-sink.js';
import { turnBudgetRateLimit } from '../turns/turn-service.js';
import { toChatMessage } from './conversation-routes.js';
import type { RouterContext } from './router-context.js';

/** Mounts the turn routes. */
export function addTurnRoutes(router: Router, ctx: RouterContext): void {
  const turn = (transport: 'sse' | 'rest', from: 'body' | 'query') =>
    async function handleTurn(req: Request, res: Response): Promise<void> {
      const requestedAt = performance.now();
      const request = parseChatRequest(from === 'body' ? req.body : req.query, ctx.config.limits);
      const idempotencyKey = parseIdempotencyKey(req.headers['idempotency-key']);
      const lastEventIdHeader = req.get(LAST_EVENT_ID_HEADER);
      const lastEventId = parseEventId(lastEventIdHeader);
      // A resume whose id is garbled would otherwise become a second, new turn: without a key to
      // name the turn, refuse it. With a key, the key names the turn and the id only a position.
      if (lastEventIdHeader && !lastEventId && idempotencyKey === undefined) {
        throw invalid('Last-Event-ID is not an event id this server sent.');
      }
      const opened = await ctx.turns.open({
        user: userOf(res),
        request,
        idempotencyKey,
        lastEventId,
        transport,
        requestedAt,
        trace: req,
      });
      if (opened.budget) {
        appendHeaders(res, formatRateLimitHeaders(turnBudgetRateLimit(opened.budget)));
      }
      const sink =
        transport === 'sse'
          ? new SseSink(res, {
              retryHintMs: ctx.config.timeouts.retryHintMs,
              heartbeat: ctx.heartbeat,
              gzip: ctx.config.compression && req.acceptsEncodings('gzip', 'identity') === 'gzip',
              trace: req,
            })
          : new RestSink(res, {
              readAnswer: async (messageId) => {
                const stored = await ctx.store.getMessage(userOf(res).id, messageId);
                return stored && toChatMessage(stored);
              },
            });
      watch(res, opened.run, sink, opened.lastSeq);
    };

  router.post('/chat', ...ctx.guard, ...ctx.compress, ...ctx.json, turn('rest', 'body'));
  // Express answers HEAD with the GET handler, which would start (and pay for) an answer nobody
  // can read: a HEAD of the stream route does no work.
  router.head('/chat/stream', (_req: Request, res: Response) => {
    res.setHeader('Allow', 'GET, POST');
    res.status(405).end();
  });
  router.get('/chat/stream', ...ctx.guard, turn('sse', 'query'));
  router.post('/chat/stream', ...ctx.guard, ...ctx.json, turn('sse', 'body'));
}

/**
 * Attaches a response to a run until the response closes. Disconnects are detected on the
 * response's `close`, never the request's (which fires once the body is read).
 */
function watch(res: Response, run: RunFeed, sink: RunSink, lastSeq: number | undefined): void {
  const subscription = run.subscribe(sink, lastSeq);
  const detach = () => {
    subscription.unsubscribe();
    if (sink instanceof SseSink) sink.close();
  };
  if (res.destroyed) {
    detach(); // gone while the turn was being opened: the run's grace period starts now
    return;
  }
  res.once('close', detach);
  if (sink instanceof SseSink) sink.onDrain(() => subscription.resume());
}
