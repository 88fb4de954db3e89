// `createChatClient()`: the schema-chat client over the router's REST and SSE routes
// (docs/protocol.md), for browsers and Node 22 alike (no `window` or `document` needed).

import { encodePathSegment } from './build-url.js';
import type { ChatClient, ChatClientOptions, PageOptions } from './chat-client.js';
import { ChatClientError } from './chat-client-error.js';
import { createChatStream } from './create-chat-stream.js';
import { createTokenSource } from './create-token-source.js';
import { createUuid } from './create-uuid.js';
import { describeIgnoredOption } from './find-unknown-options.js';
import {
  parseChatResponse,
  parseConversationSummary,
  parseFeedbackResponse,
  parsePage,
  parseProjectList,
  parseStopResponse,
  parseUsageResponse,
} from './parse-response-body.js';
import type { ChatMessage, ConversationSummary } from './protocol.js';
import type { ClientContext } from './request-json.js';
import { requestJson } from './request-json.js';
import {
  type ChatClientConfig,
  findUnknownChatClientOptions,
  resolveChatClientConfig,
} from './resolve-chat-client-config.js';
import {
  validateChatRequest,
  validateId,
  validateIdempotencyKey,
} from './validate-chat-request.js';

function pageQuery(options: PageOptions): { limit?: number; cursor?: string } {
  const { limit, cursor } = options;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    throw new ChatClientError('limit must be a positive integer.', {
      status: 0,
      code: 'VALIDATION_FAILED',
      retryable: false,
    });
  }
  if (cursor !== undefined) validateId('cursor', cursor);
  return { ...(limit === undefined ? {} : { limit }), ...(cursor === undefined ? {} : { cursor }) };
}

/**
 * Creates a client from a resolved config. Internal: tests use it to inject a clock, a random
 * source and a sleep; applications call {@link createChatClient}.
 */
export function createChatClientFromConfig(config: ChatClientConfig): ChatClient {
  const ctx: ClientContext = { config, tokens: createTokenSource(config.token, config.getToken) };
  return {
    async send(request, options = {}) {
      const body = await requestJson(
        ctx,
        {
          method: 'POST',
          path: '/chat',
          body: validateChatRequest(request),
          idempotencyKey: validateIdempotencyKey(options.idempotencyKey ?? createUuid()),
        },
        { signal: options.signal },
      );
      return parseChatResponse(body);
    },

    stream(request, options) {
      return createChatStream(ctx, request, options);
    },

    async stop(conversationId, options = {}) {
      const body = await requestJson(
        ctx,
        {
          method: 'POST',
          path: '/chat/stop',
          body: { conversationId: validateId('conversationId', conversationId) },
        },
        { signal: options.signal },
      );
      return parseStopResponse(body);
    },

    async listConversations(projectId, options = {}) {
      const query = { projectId: validateId('projectId', projectId), ...pageQuery(options) };
      const body = await requestJson(
        ctx,
        { method: 'GET', path: '/conversations', query },
        { signal: options.signal },
      );
      return parsePage<ConversationSummary>(body);
    },

    async getMessages(conversationId, options = {}) {
      const id = encodePathSegment(validateId('conversationId', conversationId));
      const body = await requestJson(
        ctx,
        { method: 'GET', path: `/conversations/${id}/messages`, query: pageQuery(options) },
        { signal: options.signal },
      );
      return parsePage<ChatMessage>(body);
    },

    async deleteConversation(conversationId, options = {}) {
      const id = encodePathSegment(validateId('conversationId', conversationId));
      await requestJson(
        ctx,
        { method: 'DELETE', path: `/conversations/${id}` },
        { signal: options.signal },
      );
    },

    async renameConversation(conversationId, title, options = {}) {
      const id = encodePathSegment(validateId('conversationId', conversationId));
      const body = await requestJson(
        ctx,
        {
          method: 'PATCH',
          path: `/conversations/${id}`,
          body: { title: validateId('title', title) },
        },
        { signal: options.signal },
      );
      return parseConversationSummary(body);
    },

    async sendFeedback(messageId, feedback, options = {}) {
      const id = encodePathSegment(validateId('messageId', messageId));
      if (feedback !== null && feedback?.rating !== 'up' && feedback?.rating !== 'down') {
        throw new ChatClientError('feedback.rating must be "up" or "down" (or pass null).', {
          status: 0,
          code: 'VALIDATION_FAILED',
          retryable: false,
        });
      }
      const body = await requestJson(
        ctx,
        {
          method: 'POST',
          path: `/messages/${id}/feedback`,
          body:
            feedback === null
              ? { rating: null }
              : {
                  rating: feedback.rating,
                  ...(feedback.comment === undefined ? {} : { comment: feedback.comment }),
                },
        },
        { signal: options.signal },
      );
      return parseFeedbackResponse(body);
    },

    async getUsage(options = {}) {
      const body = await requestJson(
        ctx,
        { method: 'GET', path: '/usage' },
        { signal: options.signal },
      );
      return parseUsageResponse(body);
    },

    async listProjects(options = {}) {
      const body = await requestJson(
        ctx,
        { method: 'GET', path: '/projects' },
        { signal: options.signal },
      );
      return parseProjectList(body);
    },

    setToken(token) {
      if (token !== undefined && typeof token !== 'string') {
        throw new TypeError('schema-chat client: setToken() takes a string or undefined.');
      }
      ctx.tokens.set(token);
    },

    currentToken() {
      return ctx.tokens.get();
    },
  };
}

/**
 * Creates the schema-chat client. Options are checked here (a bad one throws a `TypeError` naming
 * it; an unknown one is reported once with `console.warn`, naming the option it most likely
 * meant, and ignored); every call then fails only with a `ChatClientError`.
 *
 * ```ts
 * const client = createChatClient({ baseUrl: '/api/v1/ai', getToken: () => auth.jwt() });
 * const turn = client.stream({ projectId, message: 'Which tables reference users?' }, {
 *   onToken: (_delta, text) => render(text),
 * });
 * const { content, transport } = await turn.result;
 * ```
 */
export function createChatClient(options: ChatClientOptions): ChatClient {
  const config = resolveChatClientConfig(options);
  for (const unknown of findUnknownChatClientOptions(options)) {
    console.warn(`schema-chat client: ${describeIgnoredOption(unknown)}`);
  }
  return createChatClientFromConfig(config);
}
