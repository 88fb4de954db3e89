// Test helper: a small scripted fake of the schema-chat router on a real loopback `node:http`
// server, speaking protocol v1 (docs/protocol.md): runs keyed by Idempotency-Key, resume after
// Last-Event-ID, `retry:` and `: ping`, the REST routes, and faults injected per request.
// It is not the real router (that one lives in backend/ and has its own integration tests).

import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type {
  ChatEvent,
  ChatMessage,
  ChatResponse,
  ConversationSummary,
  ProjectSummary,
} from '../protocol.js';

/** A request as the fake router saw it. */
export interface FakeRequest {
  method: string;
  /** Path below the mount point, without the query, e.g. `/chat/stream`. */
  route: string;
  query: URLSearchParams;
  authorization: string | undefined;
  idempotencyKey: string | undefined;
  lastEventId: string | undefined;
  /** 0-based count of stream requests for this key (for stream routes). */
  streamIndex: number | undefined;
}

/** A fault the router applies to one stream request. */
export type FakeFault =
  /** Answer this status and body instead (after the run was started, like a proxy in front). */
  | { type: 'status'; status: number; body?: unknown; headers?: Record<string, string> }
  /** Break the connection after n events and `partialBytes` bytes of the next frame. */
  | { type: 'reset'; afterEvents: number; partialBytes?: number }
  /** Close the response cleanly after n events, with no terminal event. */
  | { type: 'end'; afterEvents: number }
  /** Send nothing more after n events, not even pings, and keep the connection open. */
  | { type: 'stall'; afterEvents: number }
  /** Pause for `ms` after n events (pings keep going), then carry on. */
  | { type: 'pause'; afterEvents: number; ms: number }
  /** Answer 200 with another content type (a buffering or rewriting proxy). */
  | { type: 'contentType'; contentType: string; body: string };

/** Options of {@link startFakeChatRouter}. */
export interface FakeChatRouterOptions {
  /** The bearer token it accepts. Defaults to `test-jwt`. */
  token?: string;
  /** The answer tokens for a question. Defaults to a fixed answer with multi-byte text. */
  answer?: (message: string) => string[];
  /** Pause between events. Defaults to 1 ms. */
  eventIntervalMs?: number;
  /** Heartbeat interval. Defaults to 15000. */
  pingIntervalMs?: number;
  /** The `retry:` hint. Defaults to 10. */
  retryMs?: number;
  /** A fault for a stream request, or none. */
  fault?: (request: FakeRequest) => FakeFault | undefined;
  /** What `GET /projects` lists. Defaults to one project. */
  projects?: ProjectSummary[];
}

/** A running fake router. */
export interface FakeChatRouter {
  /** Where it is mounted, e.g. `http://127.0.0.1:4321/api/v1/ai`. */
  baseUrl: string;
  requests: FakeRequest[];
  /** Generations started per Idempotency-Key (1 means never generated twice). */
  generations: Map<string, number>;
  /** Stream responses the client closed before the router finished them. */
  closedByClient: number;
  close(): Promise<void>;
}

interface Run {
  id: string;
  projectId: string;
  question: string;
  conversationId: string;
  messageId: string;
  tokens: string[];
  events: { id: string; event: ChatEvent }[];
}

interface Conversation {
  summary: ConversationSummary;
  messages: ChatMessage[];
}

const MOUNT = '/api/v1/ai';
const DEFAULT_ANSWER = ['The ', '`orders`', ' table 👋', ' references\n', '`users` (שלום).'];

function sendJson(res: ServerResponse, status: number, body: unknown, headers = {}): void {
  if (status === 204) {
    res.writeHead(204).end();
    return;
  }
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', ...headers });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, status: number, code: string, headers = {}): void {
  sendJson(
    res,
    status,
    { error: { code, message: `Fake router: ${code}.`, retryable: false } },
    headers,
  );
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  if (chunks.length === 0) return undefined;
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Starts the fake router on an ephemeral loopback port. */
export async function startFakeChatRouter(
  options: FakeChatRouterOptions = {},
): Promise<FakeChatRouter> {
  const token = options.token ?? 'test-jwt';
  const answer = options.answer ?? (() => DEFAULT_ANSWER);
  const eventIntervalMs = options.eventIntervalMs ?? 1;
  const pingIntervalMs = options.pingIntervalMs ?? 15_000;
  const retryMs = options.retryMs ?? 10;
  const projects = options.projects ?? [{ id: 'p-1', name: 'Shop' }];
  const runs = new Map<string, Run>();
  const streamCounts = new Map<string, number>();
  const conversations = new Map<string, Conversation>();
  const requests: FakeRequest[] = [];
  const generations = new Map<string, number>();
  const state = { closedByClient: 0 };

  function startRun(
    key: string,
    projectId: string,
    question: string,
    conversationId?: string,
  ): Run {
    const existing = runs.get(key);
    if (existing) return existing;
    generations.set(key, (generations.get(key) ?? 0) + 1);
    const id = `r${runs.size + 1}`;
    const tokens = answer(question);
    const conversation = conversationId ?? randomUUID();
    const messageId = randomUUID();
    const events: ChatEvent[] = [
      { type: 'conversationId', conversationId: conversation },
      ...tokens.map((content): ChatEvent => ({ type: 'token', content })),
      {
        type: 'complete',
        timestamp: new Date().toISOString(),
        metadata: {
          model: 'fake-model',
          conversationId: conversation,
          messageId,
          finishReason: 'stop',
          status: 'complete',
          usage: {
            promptTokens: 7,
            completionTokens: tokens.length,
            totalTokens: 7 + tokens.length,
          },
        },
      },
    ];
    const run: Run = {
      id,
      projectId,
      question,
      conversationId: conversation,
      messageId,
      tokens,
      events: events.map((event, seq) => ({ id: `${id}:${seq}`, event })),
    };
    runs.set(key, run);
    const now = new Date().toISOString();
    const entry = conversations.get(conversation) ?? {
      summary: {
        id: conversation,
        projectId,
        title: question.slice(0, 40),
        createdAt: now,
        updatedAt: now,
      },
      messages: [],
    };
    entry.messages.push(
      { id: randomUUID(), role: 'user', content: question, status: 'complete', createdAt: now },
      {
        id: messageId,
        role: 'assistant',
        content: tokens.join(''),
        status: 'complete',
        createdAt: now,
        model: 'fake-model',
      },
    );
    conversations.set(conversation, entry);
    return run;
  }

  function stream(res: ServerResponse, run: Run, info: FakeRequest): void {
    const fault = options.fault?.(info);
    if (fault?.type === 'status') {
      const html = typeof fault.body === 'string' || fault.body === undefined;
      const body = html ? (fault.body ?? '') : JSON.stringify(fault.body);
      const contentType = html ? 'text/html' : 'application/json; charset=utf-8';
      res.writeHead(fault.status, { 'Content-Type': contentType, ...fault.headers }).end(body);
      return;
    }
    if (fault?.type === 'contentType') {
      res.writeHead(200, { 'Content-Type': fault.contentType }).end(fault.body);
      return;
    }
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      'X-Accel-Buffering': 'no',
      'X-Schema-Chat-Protocol': '1',
    });
    res.flushHeaders();
    res.write(`retry: ${retryMs}\n\n`);
    const start =
      info.lastEventId === undefined
        ? 0
        : run.events.findIndex((e) => e.id === info.lastEventId) + 1;
    let next = start;
    let sent = 0;
    let finished = false;
    let stalled = false;
    const ping = setInterval(() => {
      if (!stalled) res.write(': ping\n\n');
    }, pingIntervalMs);
    const timers = new Set<NodeJS.Timeout>();
    const later = (fn: () => void, ms: number) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        fn();
      }, ms);
      timers.add(timer);
    };
    const stop = () => {
      finished = true;
      clearInterval(ping);
      for (const timer of timers) clearTimeout(timer);
    };
    res.on('close', () => {
      if (!finished) state.closedByClient += 1;
      stop();
    });
    let paused = false;
    const step = () => {
      if (finished) return;
      const entry = run.events[next];
      if (fault && 'afterEvents' in fault && sent === fault.afterEvents) {
        if (fault.type === 'end') {
          stop();
          res.end();
          return;
        }
        if (fault.type === 'stall') {
          stalled = true;
          return;
        }
        if (fault.type === 'reset') {
          const frame = entry ? `id: ${entry.id}\ndata: ${JSON.stringify(entry.event)}\n\n` : '';
          const partial = Buffer.from(frame).subarray(0, fault.partialBytes ?? 0);
          stop();
          res.write(partial, () => res.socket?.destroy());
          return;
        }
        if (fault.type === 'pause' && !paused) {
          paused = true;
          later(step, fault.ms);
          return;
        }
      }
      if (!entry) {
        stop();
        res.end();
        return;
      }
      res.write(`id: ${entry.id}\ndata: ${JSON.stringify(entry.event)}\n\n`);
      next += 1;
      sent += 1;
      later(step, eventIntervalMs);
    };
    step();
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (!url.pathname.startsWith(MOUNT)) return sendError(res, 404, 'NOT_FOUND');
    const route = url.pathname.slice(MOUNT.length);
    const header = (name: string) => {
      const value = req.headers[name];
      return Array.isArray(value) ? value[0] : value;
    };
    const key = header('idempotency-key');
    const isStream = route === '/chat/stream';
    const streamIndex = isStream && key ? (streamCounts.get(key) ?? 0) : undefined;
    if (isStream && key) streamCounts.set(key, (streamIndex ?? 0) + 1);
    const info: FakeRequest = {
      method: req.method ?? 'GET',
      route,
      query: url.searchParams,
      authorization: header('authorization'),
      idempotencyKey: key,
      lastEventId: header('last-event-id'),
      streamIndex,
    };
    requests.push(info);
    if (info.authorization !== `Bearer ${token}`) {
      return sendError(res, 401, info.authorization ? 'AUTH_INVALID' : 'AUTH_MISSING', {
        'WWW-Authenticate': 'Bearer',
      });
    }

    if (route === '/chat' || isStream) {
      const body =
        req.method === 'GET'
          ? Object.fromEntries(url.searchParams)
          : ((await readJson(req)) as Record<string, unknown> | undefined);
      const { projectId, message, conversationId } = body ?? {};
      if (typeof projectId !== 'string' || typeof message !== 'string' || message === '') {
        return sendError(res, 400, 'VALIDATION_FAILED');
      }
      const run = startRun(
        key ?? randomUUID(),
        projectId,
        message,
        typeof conversationId === 'string' ? conversationId : undefined,
      );
      if (isStream) return stream(res, run, info);
      const response: ChatResponse = {
        conversationId: run.conversationId,
        message: {
          id: run.messageId,
          role: 'assistant',
          content: run.tokens.join(''),
          status: 'complete',
          createdAt: new Date().toISOString(),
        },
        metadata: {
          model: 'fake-model',
          finishReason: 'stop',
          usage: {
            promptTokens: 7,
            completionTokens: run.tokens.length,
            totalTokens: 7 + run.tokens.length,
          },
        },
      };
      return sendJson(res, 200, response);
    }
    if (route === '/chat/stop' && req.method === 'POST') {
      const body = (await readJson(req)) as { conversationId?: unknown } | undefined;
      if (typeof body?.conversationId !== 'string') return sendError(res, 400, 'VALIDATION_FAILED');
      if (!conversations.has(body.conversationId))
        return sendError(res, 404, 'CONVERSATION_NOT_FOUND');
      return sendJson(res, 200, { stopped: false });
    }
    if (route === '/conversations' && req.method === 'GET') {
      const projectId = url.searchParams.get('projectId');
      const items = [...conversations.values()]
        .map((c) => c.summary)
        .filter((c) => c.projectId === projectId)
        .reverse();
      return sendJson(res, 200, { items });
    }
    if (route === '/projects' && req.method === 'GET')
      return sendJson(res, 200, { items: projects });
    const match = /^\/conversations\/([^/]+)(\/messages)?$/.exec(route);
    const conversation = match ? conversations.get(decodeURIComponent(match[1] ?? '')) : undefined;
    if (match && !conversation) return sendError(res, 404, 'CONVERSATION_NOT_FOUND');
    if (match && conversation && match[2] && req.method === 'GET') {
      return sendJson(res, 200, { items: conversation.messages });
    }
    if (match && conversation && !match[2] && req.method === 'DELETE') {
      conversations.delete(conversation.summary.id);
      return sendJson(res, 204, undefined);
    }
    return sendError(res, 404, 'NOT_FOUND');
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) sendError(res, 500, 'INTERNAL_ERROR');
      else res.destroy();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}${MOUNT}`,
    requests,
    generations,
    get closedByClient() {
      return state.closedByClient;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
