// Opens a turn for a request: attaches it to the run it continues (same Idempotency-Key, or
// Last-Event-ID), replays a finished turn from the store, or checks the limits, claims a new
// run and starts its generation. Also stops runs. The HTTP routes stay thin around this.

import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import type { ChatRequest, StopResponse } from '../../sdk/protocol.js';
import type { LimitsConfig, TimeoutsConfig } from '../config/resolve-chat-router-config.js';
import { buildChatContext } from '../context/build-chat-context.js';
import { ChatError, toChatError } from '../errors.js';
import type { UserRateLimit } from '../limits/create-user-rate-limit.js';
import type { ChatLogger } from '../logging/chat-logger.js';
import type { ChatModel } from '../models/chat-model.js';
import type { ChatUser, Project, ProjectResolver } from '../projects/project-resolver.js';
import { ChatRun } from '../runs/chat-run.js';
import type { EventId } from '../runs/event-id.js';
import { runIdFor } from '../runs/run-id.js';
import type { RunRegistry } from '../runs/run-registry.js';
import type { ChatStore, StoredTurn } from '../stores/chat-store.js';
import { SharedInterval } from '../timers/shared-interval.js';
import { type GenerationInput, runGeneration } from './run-generation.js';
import type { TurnRecord } from './turn-record.js';

/** What the turn service works with. */
export interface TurnServiceDeps {
  store: ChatStore;
  model: ChatModel;
  projects: ProjectResolver;
  runs: RunRegistry;
  logger: ChatLogger;
  onTurnEnd: ((record: TurnRecord) => void) | undefined;
  limits: LimitsConfig;
  timeouts: TimeoutsConfig;
  instructions: string | undefined;
  /** Counts new streamed turns (`streamsPerMinute`). */
  streamLimit: UserRateLimit;
}

/** One turn request, validated. */
export interface TurnRequest {
  user: ChatUser;
  request: ChatRequest;
  idempotencyKey: string | undefined;
  lastEventId: EventId | undefined;
  transport: 'sse' | 'rest';
  /** `performance.now()` at arrival. */
  requestedAt: number;
}

/** The run a request watches, and where in it the client resumes. */
export interface OpenedTurn {
  run: ChatRun;
  /** Seq of the last event the client has; undefined for the whole stream. */
  lastSeq: number | undefined;
}

/** Turn orchestration (see the file comment). */
export class TurnService {
  readonly #deps: TurnServiceDeps;
  readonly #checkpoints: SharedInterval;

  constructor(deps: TurnServiceDeps) {
    this.#deps = deps;
    this.#checkpoints = new SharedInterval(deps.timeouts.checkpointMs);
  }

  /** Finds or starts the run for a turn request. Throws a ChatError for an HTTP error. */
  async open(turn: TurnRequest, req: Request, res: Response): Promise<OpenedTurn> {
    const { runs, store } = this.#deps;
    const { user, idempotencyKey: key, lastEventId } = turn;
    if (key !== undefined) {
      const live = await runs.findByKey(user.id, key);
      if (live) return attach(live, turn);
      const stored = await store.findTurn(user.id, key);
      if (stored) return attach(this.#replay(stored, turn), turn);
    } else if (lastEventId) {
      const live = await runs.findById(user.id, lastEventId.runId);
      if (live) return attach(live, turn);
      throw new ChatError(
        'RESUME_UNAVAILABLE',
        'That answer can no longer be resumed; send the question again.',
      );
    }
    return this.#start(turn, key ?? randomUUID(), req, res);
  }

  /** Stops the running answer of a conversation and waits until its partial text is saved. */
  async stop(user: ChatUser, conversationId: string): Promise<StopResponse> {
    const run = await this.#deps.runs.findActiveByConversation(user.id, conversationId);
    if (run) {
      await stopAndWait(run);
      return { stopped: true, messageId: run.messageId };
    }
    const conversation = await this.#deps.store.getConversation(user.id, conversationId);
    if (!conversation) throw conversationNotFound();
    return { stopped: false };
  }

  /** Stops any running answer, then deletes the conversation. */
  async deleteConversation(user: ChatUser, conversationId: string): Promise<void> {
    const run = await this.#deps.runs.findActiveByConversation(user.id, conversationId);
    if (run) await stopAndWait(run);
    if (!(await this.#deps.store.deleteConversation(user.id, conversationId))) {
      throw conversationNotFound();
    }
  }

  /** Ends every run of this instance as interrupted (server shutdown) and waits for their saves. */
  async shutdown(): Promise<void> {
    await Promise.all(
      this.#deps.runs.list().map((run) => {
        if (!run.active) return undefined;
        run.abort({ kind: 'interrupted', why: 'shutdown' });
        return new Promise<void>((resolve) => run.onEnd(() => resolve()));
      }),
    );
  }

  async #start(turn: TurnRequest, key: string, req: Request, res: Response): Promise<OpenedTurn> {
    const deps = this.#deps;
    const { user, request } = turn;
    if (turn.transport === 'sse') await deps.streamLimit(req, res);
    await this.#checkQuota(user);
    const project = await deps.projects.get(request.projectId, user);
    if (!project) {
      throw new ChatError('PROJECT_NOT_FOUND', 'No such project, or no access to it.');
    }
    const messageId = randomUUID();
    const now = new Date();
    const claim = await deps.runs.claim(
      user.id,
      key,
      deps.limits.maxConcurrentStreams,
      () =>
        new ChatRun({
          id: runIdFor(messageId),
          userId: user.id,
          idempotencyKey: key,
          projectId: project.id,
          conversationId: request.conversationId ?? randomUUID(),
          messageId,
          createdAt: now.toISOString(),
          question: request.message,
          transport: turn.transport,
          disconnectGraceMs: deps.timeouts.disconnectGraceMs,
          flushMs: deps.timeouts.flushMs,
          flushTokens: deps.timeouts.flushTokens,
        }),
    );
    if (claim.kind === 'existing') return attach(claim.run, turn);
    if (claim.kind === 'limit') {
      throw new ChatError(
        'CONCURRENT_STREAM_LIMIT',
        `At most ${deps.limits.maxConcurrentStreams} answers can be generated at once; wait for one to finish.`,
        { retryable: true, retryAfter: 1 },
      );
    }
    void this.#generate(claim.run, project, turn, now);
    return { run: claim.run, lastSeq: undefined };
  }

  /** Saves the question, builds the context and starts the model; every failure ends the run. */
  async #generate(run: ChatRun, project: Project, turn: TurnRequest, now: Date): Promise<void> {
    const { store, model, limits } = this.#deps;
    const userMessageId = randomUUID();
    let saved = false;
    let input: GenerationInput;
    try {
      const begin = await store.beginTurn(run.userId, {
        conversationId: run.conversationId,
        projectId: project.id,
        userMessage: { id: userMessageId, content: run.question },
        assistantMessage: { id: run.messageId, model: model.id },
        idempotencyKey: run.idempotencyKey,
        now,
      });
      if (begin.kind === 'busy') {
        throw new ChatError(
          'TURN_IN_PROGRESS',
          'An answer is still being generated in this conversation; stop it or wait.',
          { retryable: true, retryAfter: 1 },
        );
      }
      if (begin.kind === 'not-found') throw conversationNotFound();
      if (begin.kind === 'duplicate') {
        // Another instance saved this key between our lookup and now: the retry will replay it.
        throw new ChatError('TURN_IN_PROGRESS', 'This turn is already being answered.', {
          retryable: true,
          retryAfter: 1,
        });
      }
      saved = true;
      // A conversation this turn created has no history before the question: skip the query.
      const history = begin.conversationCreated
        ? []
        : await store.getHistory(run.userId, run.conversationId, userMessageId, limits.historySize);
      const context = buildChatContext({
        project,
        history: history.map(({ role, content }) => ({ role, content })),
        question: run.question,
        schemaTokenBudget: limits.schemaTokenBudget,
        ...(this.#deps.instructions === undefined ? {} : { instructions: this.#deps.instructions }),
      });
      input = {
        run,
        request: { messages: context.messages, project },
        promptTokens: context.promptTokens,
        schemaTrimmed: context.schemaTrimmed,
        requestedAt: turn.requestedAt,
      };
    } catch (error) {
      await this.#failTurn(run, error, saved);
      return;
    }
    // Not awaited: the generation ends the run itself and never throws. This frame, which built
    // the prompt (schema, history), ends here instead of keeping it alive for the whole answer
    // (memory per open stream, bench S4). runGeneration opens the stream (run.start()) once the
    // model request is on its way.
    runGeneration(input, {
      store,
      model,
      logger: this.#deps.logger,
      onTurnEnd: this.#deps.onTurnEnd,
      firstTokenMs: this.#deps.timeouts.firstTokenMs,
      idleMs: this.#deps.timeouts.idleMs,
      checkpoints: this.#checkpoints,
    }).catch((error: unknown) => this.#failTurn(run, error, true));
  }

  /** Ends a turn that failed outside the model's stream: placeholder marked failed, run ended. */
  async #failTurn(run: ChatRun, error: unknown, saved: boolean): Promise<void> {
    const { store, logger } = this.#deps;
    const chatError = toChatError(error);
    if (chatError.code === 'INTERNAL_ERROR') {
      logger.error({ err: error, runId: run.id }, 'a turn failed before streaming');
    }
    if (saved) {
      // The placeholder must not stay `streaming` (that would block the conversation).
      await store
        .finishTurn(run.userId, run.messageId, {
          content: '',
          status: 'failed',
          finishReason: 'error',
          usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 },
        })
        .catch((saveError: unknown) =>
          logger.error({ err: saveError, runId: run.id }, 'marking a failed turn failed'),
        );
    }
    if (run.phase === 'pending') run.fail(chatError);
    else run.end({ type: 'error', error: chatError.toDetail() });
  }

  async #checkQuota(user: ChatUser): Promise<void> {
    const { tokensPerDay } = this.#deps.limits;
    if (tokensPerDay === undefined) return;
    const now = new Date();
    const dayStart = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
    const used = await this.#deps.store.tokensUsedSince(user.id, dayStart);
    if (used < tokensPerDay) return;
    const nextDay = dayStart.getTime() + 86_400_000;
    throw new ChatError(
      'QUOTA_EXCEEDED',
      `The daily allowance of ${tokensPerDay} tokens is used up; it renews at 00:00 UTC.`,
      { retryable: true, retryAfter: Math.ceil((nextDay - now.getTime()) / 1000) },
    );
  }

  /** A finished run rebuilt from the store, so a late retry gets the same answer. */
  #replay(stored: StoredTurn, turn: TurnRequest): ChatRun {
    const { conversation, userMessage, assistantMessage: answer } = stored;
    if (answer.status === 'streaming') {
      throw new ChatError('TURN_IN_PROGRESS', 'This turn is still being answered elsewhere.', {
        retryable: true,
        retryAfter: 1,
      });
    }
    const run = new ChatRun({
      id: runIdFor(answer.id),
      userId: turn.user.id,
      idempotencyKey: answer.idempotencyKey ?? turn.idempotencyKey ?? '',
      projectId: conversation.projectId,
      conversationId: conversation.id,
      messageId: answer.id,
      createdAt: answer.createdAt,
      question: userMessage.content,
      transport: turn.transport,
      disconnectGraceMs: 0,
      flushMs: 0,
      flushTokens: 1,
    });
    run.start();
    run.append(answer.content);
    if (answer.status === 'complete' || answer.status === 'stopped') {
      const usage = answer.usage ?? { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
      run.end({
        type: 'complete',
        timestamp: answer.createdAt,
        metadata: {
          model: answer.model ?? this.#deps.model.id,
          conversationId: conversation.id,
          messageId: answer.id,
          finishReason: answer.finishReason ?? (answer.status === 'stopped' ? 'stopped' : 'stop'),
          status: answer.status,
          usage,
        },
      });
    } else {
      run.end({
        type: 'error',
        error: new ChatError('GENERATION_INTERRUPTED', 'This answer was interrupted.').toDetail(),
      });
    }
    return run;
  }
}

/** Attaches to an existing run after checking the request is the same turn. */
function attach(run: ChatRun, turn: TurnRequest): OpenedTurn {
  const { request, lastEventId } = turn;
  if (
    run.projectId !== request.projectId ||
    run.question !== request.message ||
    (request.conversationId !== undefined && request.conversationId !== run.conversationId)
  ) {
    throw new ChatError(
      'IDEMPOTENCY_KEY_REUSED',
      'This Idempotency-Key belongs to another question; use a new key for a new turn.',
    );
  }
  return { run, lastSeq: lastEventId?.runId === run.id ? lastEventId.seq : undefined };
}

async function stopAndWait(run: ChatRun): Promise<void> {
  const ended = new Promise<void>((resolve) => run.onEnd(() => resolve()));
  run.abort({ kind: 'stopped' });
  await ended;
}

function conversationNotFound(): ChatError {
  return new ChatError('CONVERSATION_NOT_FOUND', 'No such conversation.');
}
