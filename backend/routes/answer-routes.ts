// Answer routes: the user's feedback on an answer (`POST /messages/:id/feedback`), stored with the
// message and offered to the host's `onFeedback` hook.

import type { Request, Response, Router } from 'express';
import type { FeedbackRating, FeedbackResponse } from '../../sdk/protocol.js';
import { ChatError } from '../errors.js';
import { parseMessageId } from '../http/parse-chat-request.js';
import { parseFeedbackRequest } from '../http/parse-feedback-request.js';
import { userOf } from '../http/request-user.js';
import { toMessageFeedback } from './conversation-routes.js';
import type { RouterContext } from './router-context.js';

/** What the host's `onFeedback` hook gets, once per feedback stored (a change of mind included). */
export interface FeedbackRecord {
  userId: string;
  projectId: string;
  conversationId: string;
  /** The answer rated. */
  messageId: string;
  /** `null` when the user took the feedback back. */
  rating: FeedbackRating | null;
  /** What the user wrote, if anything. */
  comment?: string;
  /** The model that wrote the answer. */
  model?: string;
  /** How the answer ended (`stop`, `length`, `stopped`…), when it has. */
  finishReason?: string;
  /** ISO 8601 time of the feedback. */
  at: string;
}

/** Mounts the answer routes. */
export function addAnswerRoutes(router: Router, ctx: RouterContext): void {
  const { store } = ctx;
  router.post(
    '/messages/:id/feedback',
    ...ctx.guard,
    ...ctx.compress,
    ...ctx.json,
    async (req: Request, res: Response) => {
      const user = userOf(res);
      const messageId = parseMessageId(req.params.id);
      const feedback = parseFeedbackRequest(req.body);
      const now = new Date();
      const message = await store.setFeedback(user.id, messageId, feedback, now);
      if (!message) throw new ChatError('MESSAGE_NOT_FOUND', 'No such answer.');
      const body: FeedbackResponse = { messageId: message.id };
      if (message.feedback) body.feedback = toMessageFeedback(message.feedback);
      res.setHeader('Cache-Control', 'no-store').json(body);
      if (ctx.onFeedback) {
        const conversation = await store
          .getConversation(user.id, message.conversationId)
          .catch(() => undefined);
        const record: FeedbackRecord = {
          userId: user.id,
          projectId: conversation?.projectId ?? '',
          conversationId: message.conversationId,
          messageId: message.id,
          rating: feedback?.rating ?? null,
          at: now.toISOString(),
        };
        if (feedback?.comment !== undefined) record.comment = feedback.comment;
        if (message.model !== undefined) record.model = message.model;
        if (message.finishReason !== undefined) record.finishReason = message.finishReason;
        try {
          ctx.onFeedback(record);
        } catch (error) {
          ctx.logger.warn({ err: error }, 'onFeedback threw');
        }
      }
    },
  );
}
