// Conversation routes: stop a running answer, list conversations, read history, rename, delete,
// the caller's token usage today, and list the caller's projects (when the resolver can).

import type { Request, Response, Router } from 'express';
import type {
  ChatMessage,
  ConversationSummary,
  MessageFeedback,
  Page,
  ProjectSummary,
  StopResponse,
  UsageResponse,
} from '../../sdk/protocol.js';
import { ChatError } from '../errors.js';
import {
  invalid,
  parseConversationId,
  parsePaging,
  parseProjectId,
} from '../http/parse-chat-request.js';
import { parseRenameRequest } from '../http/parse-rename-request.js';
import { userOf } from '../http/request-user.js';
import type { StoredConversation, StoredFeedback, StoredMessage } from '../stores/chat-store.js';
import type { RouterContext } from './router-context.js';

/** Mounts the conversation and project routes. */
export function addConversationRoutes(router: Router, ctx: RouterContext): void {
  const { json, store, turns, projects } = ctx;
  const guard = [...ctx.guard, ...ctx.compress];

  router.post('/chat/stop', ...guard, ...json, async (req: Request, res: Response) => {
    const body = req.body as Record<string, unknown> | undefined;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw invalid('The request must be a JSON object with conversationId.');
    }
    const conversationId = parseConversationId(
      Object.hasOwn(body, 'conversationId') ? body.conversationId : undefined,
    );
    const result: StopResponse = await turns.stop(userOf(res), conversationId);
    noStore(res).json(result);
  });

  router.get('/conversations', ...guard, async (req: Request, res: Response) => {
    const user = userOf(res);
    const query = req.query as Record<string, unknown>;
    const projectId = parseProjectId(
      Object.hasOwn(query, 'projectId') ? query.projectId : undefined,
    );
    const paging = parsePaging(query, 20);
    // The project check comes first: no listing under a project the caller cannot see.
    if (!(await projects.get(projectId, user))) {
      throw new ChatError('PROJECT_NOT_FOUND', 'No such project, or no access to it.');
    }
    const page = await store.listConversations(user.id, projectId, paging);
    const body: Page<ConversationSummary> = { items: page.items.map(toConversationSummary) };
    if (page.nextCursor !== undefined) body.nextCursor = page.nextCursor;
    noStore(res).json(body);
  });

  router.get('/conversations/:id/messages', ...guard, async (req: Request, res: Response) => {
    const user = userOf(res);
    const conversationId = parseConversationId(req.params.id);
    const page = await store.listMessages(
      user.id,
      conversationId,
      parsePaging(req.query as Record<string, unknown>, 50),
    );
    if (!page) throw new ChatError('CONVERSATION_NOT_FOUND', 'No such conversation.');
    const body: Page<ChatMessage> = { items: page.items.map(toChatMessage) };
    if (page.nextCursor !== undefined) body.nextCursor = page.nextCursor;
    noStore(res).json(body);
  });

  router.patch('/conversations/:id', ...guard, ...json, async (req: Request, res: Response) => {
    const conversationId = parseConversationId(req.params.id);
    const title = parseRenameRequest(req.body);
    const renamed = await store.renameConversation(userOf(res).id, conversationId, title);
    if (!renamed) throw new ChatError('CONVERSATION_NOT_FOUND', 'No such conversation.');
    noStore(res).json(toConversationSummary(renamed));
  });

  router.delete('/conversations/:id', ...guard, async (req: Request, res: Response) => {
    await turns.deleteConversation(userOf(res), parseConversationId(req.params.id));
    res.status(204).end();
  });

  router.get('/usage', ...guard, async (_req: Request, res: Response) => {
    const body: UsageResponse = await turns.usage(userOf(res));
    noStore(res).json(body);
  });

  router.get('/projects', ...guard, async (_req: Request, res: Response) => {
    if (!projects.list) {
      throw new ChatError('NOT_FOUND', 'This server does not list projects.');
    }
    const items: ProjectSummary[] = (await projects.list(userOf(res))).map(({ id, name }) => ({
      id,
      name,
    }));
    noStore(res).json({ items });
  });
}

function noStore(res: Response): Response {
  return res.setHeader('Cache-Control', 'no-store');
}

/** The wire shape of a stored conversation (the user id stays server-side). */
export function toConversationSummary(conversation: StoredConversation): ConversationSummary {
  const { id, projectId, title, createdAt, updatedAt } = conversation;
  return { id, projectId, title, createdAt, updatedAt };
}

/** The wire shape of stored feedback: its time stays server-side. */
export function toMessageFeedback({ rating, comment }: StoredFeedback): MessageFeedback {
  return comment === undefined ? { rating } : { rating, comment };
}

/**
 * The wire shape of a stored message: the idempotency key, the version link and the feedback's
 * time stay server-side; replaced versions come as `previousVersions` of their latest one.
 */
export function toChatMessage(message: StoredMessage): ChatMessage {
  const out: ChatMessage = {
    id: message.id,
    role: message.role,
    content: message.content,
    status: message.status,
    createdAt: message.createdAt,
  };
  if (message.model !== undefined) out.model = message.model;
  if (message.finishReason !== undefined) out.finishReason = message.finishReason;
  if (message.usage !== undefined) out.usage = message.usage;
  if (message.sqlCheck !== undefined) out.sqlCheck = message.sqlCheck;
  if (message.feedback !== undefined) out.feedback = toMessageFeedback(message.feedback);
  if (message.previousVersions !== undefined && message.previousVersions.length > 0) {
    out.previousVersions = message.previousVersions.map(toChatMessage);
  }
  return out;
}
