// Opens a turn for a request: attaches it to the run it continues (same Idempotency-Key, or
// Last-Event-ID), replays a finished turn from the store, or checks the quota, claims a new run
// (idempotency key, concurrent cap and per-minute budget in one atomic claim) and starts its
// generation. Also stops runs. No HTTP here: the routes stay thin around this.

import { randomUUID } from 'node:crypto';
import type {
  ChatRequest,
  Quota,
  StopResponse,
  TerminalEvent,
  UsageResponse,
} from '../../sdk/protocol.js';
import type { LimitsConfig, TimeoutsConfig } from '../config/resolve-chat-router-config.js';
import { buildChatContext } from '../context/build-chat-context.js';
import { markTurnStep } from '../diagnostics/turn-steps.js';
import { ChatError, toChatError } from '../errors.js';
import { describeQuota, quotaDay, secondsUntilReset } from '../limits/daily-quota.js';
import type { RateLimitState } from '../limits/format-rate-limit-headers.js';
import type { ChatLogger } from '../logging/chat-logger.js';
import type { ChatModel } from '../models/chat-model.js';
import type { ChatUser, Project, ProjectResolver } from '../projects/project-resolver.js';
import { ChatRun } from '../runs/chat-run.js';
import type { EventId } from '../runs/event-id.js';
import { type LiveRunStats, LiveRuns } from '../runs/live-runs.js';
import { RemoteRun } from '../runs/remote-run.js';
import { runIdFor } from '../runs/run-id.js';
import {
  BUDGET_WINDOW_MS,
  type RunIdentity,
  type RunRecord,
  type RunRegistry,
  type TurnBudget,
} from '../runs/run-registry.js';
import { parseSchema } from '../schema/parse-schema.js';
import type {
  AnswerAction,
  BeginAnswerTurnResult,
  BeginTurnResult,
  ChatStore,
  StoredTurn,
} from '../stores/chat-store.js';
import { SharedInterval } from '../timers/shared-interval.js';
import { CheckpointBudget } from './checkpoint-budget.js';
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
  /** The HTTP request, naming the turn on the `schema-chat:turn-step` channel. Defaults to none. */
  trace?: object;
}

/** What a request can watch: a run of this instance, or one another instance generates. */
export type TurnFeed = ChatRun | RemoteRun;

/** The run a request watches, and where in it the client resumes. */
export interface OpenedTurn {
  run: TurnFeed;
  /** Seq of the last event the client has; undefined for the whole stream. */
  lastSeq: number | undefined;
  /** The per-minute turn budget after this turn, when it started a new one. */
  budget?: TurnBudget;
}

/** The `RateLimit` policy name of the per-minute turn budget. */
export const TURN_BUDGET_POLICY = 'streams';

/** The `RateLimit` header state of the per-minute turn budget. */
export function turnBudgetRateLimit(budget: TurnBudget): RateLimitState {
  return { policy: TURN_BUDGET_POLICY, windowSeconds: BUDGET_WINDOW_MS / 1000, ...budget };
}

/** Turn orchestration (see the file comment). */
export class TurnService {
  readonly #deps: TurnServiceDeps;
  readonly #checkpoints: SharedInterval;
  readonly #checkpointBudget = new CheckpointBudget();
  readonly #live: LiveRuns;
  /** The registry's releases of ended runs still on their way. */
  readonly #releasing = new Set<Promise<unknown>>();
  readonly #stopListening: (() => void) | undefined;

  constructor(deps: TurnServiceDeps) {
    this.#deps = deps;
    // A few ticks per interval, each answer saved when its own time comes: the answers started at
    // different moments are saved in different ticks, not all in one long transaction a second.
    this.#checkpoints = new SharedInterval(Math.max(1, deps.timeouts.checkpointMs / 4));
    this.#live = new LiveRuns(deps.timeouts.replayTtlMs);
    // A stop asked on another instance reaches the run here, its owner; a lease lost to a peer's
    // reaper (this instance stalled) ends the run here too, as the reaper already saved it.
    this.#stopListening = deps.runs.relay?.onStopRequested((runId, reason) =>
      this.#live
        .get(runId)
        ?.abort(
          reason === 'stop' ? { kind: 'stopped' } : { kind: 'interrupted', why: 'lease-lost' },
        ),
    );
  }

  /** Finds or starts the run for a turn request. Throws a ChatError for an HTTP error. */
  async open(turn: TurnRequest): Promise<OpenedTurn> {
    const { runs, store } = this.#deps;
    const { user, idempotencyKey: key, lastEventId } = turn;
    if (key !== undefined) {
      const record = await runs.findByKey(user.id, key);
      const feed = record && this.#feedOf(record, true);
      if (feed) return attach(feed, turn);
      const stored = await store.findTurn(user.id, key);
      if (stored?.assistantMessage.status === 'streaming') {
        // Claimed (which comes before the save) between the two reads, maybe on another
        // instance: the registry knows it now.
        const claimed = await runs.findByKey(user.id, key);
        const claimedFeed = claimed && this.#feedOf(claimed);
        if (claimedFeed) return attach(claimedFeed, turn);
      }
      if (stored) return attach(this.#replay(stored, turn), turn);
    } else if (lastEventId) {
      const live = this.#live.get(lastEventId.runId);
      if (live && live.userId === user.id) return attach(live, turn);
      const record = runs.relay && (await runs.findById(user.id, lastEventId.runId));
      const feed = record && this.#feedOf(record);
      if (feed) return attach(feed, turn);
      throw new ChatError(
        'RESUME_UNAVAILABLE',
        'That answer can no longer be resumed; send the question again.',
      );
    }
    return this.#start(turn, key ?? randomUUID());
  }

  /** The runs this instance holds (see {@link LiveRuns.stats}). */
  stats(): LiveRunStats {
    return this.#live.stats();
  }

  /** Stops the running answer of a conversation and waits until its partial text is saved. */
  async stop(user: ChatUser, conversationId: string): Promise<StopResponse> {
    const record = await this.#deps.runs.findActiveByConversation(user.id, conversationId);
    if (record && (await this.#stopAndWait(record))) {
      return { stopped: true, messageId: record.messageId };
    }
    const conversation = await this.#deps.store.getConversation(user.id, conversationId);
    if (!conversation) throw conversationNotFound();
    return { stopped: false };
  }

  /** Stops any running answer, then deletes the conversation. */
  async deleteConversation(user: ChatUser, conversationId: string): Promise<void> {
    const record = await this.#deps.runs.findActiveByConversation(user.id, conversationId);
    if (record) await this.#stopAndWait(record);
    if (!(await this.#deps.store.deleteConversation(user.id, conversationId))) {
      throw conversationNotFound();
    }
  }

  /** Ends every run of this instance as interrupted (server shutdown) and waits for their saves. */
  async shutdown(): Promise<void> {
    this.#stopListening?.();
    await Promise.all(
      this.#live.active().map((run) => {
        run.abort({ kind: 'interrupted', why: 'shutdown' });
        return new Promise<void>((resolve) => run.onEnd(() => resolve()));
      }),
    );
    await Promise.all(this.#releasing);
  }

  /**
   * The run a request can watch for `record`: held here, or followed from its owner. With
   * `preferStore`, an ended run of another instance is left to the stored turn (a keyed request
   * replays that: the same ids, and no dependence on the relay's copy of the events).
   */
  #feedOf(record: RunRecord, preferStore = false): TurnFeed | undefined {
    const live = this.#live.get(record.id);
    if (live) return live;
    const { relay } = this.#deps.runs;
    if (!relay || record.ownerId === this.#deps.runs.instanceId) return undefined;
    if (preferStore && record.state === 'ended') return undefined;
    return new RemoteRun(record, relay);
  }

  /**
   * Stops a run wherever it generates and waits for its terminal event (its partial text is then
   * saved). False when nobody here or elsewhere could stop it; a 503 when the stop was sent but
   * no terminal event came in time (the shared registry is failing: the stop flag stays, and a
   * repeated stop is harmless).
   */
  async #stopAndWait(record: RunRecord): Promise<boolean> {
    const live = this.#live.get(record.id);
    if (live) {
      const ended = new Promise<void>((resolve) => live.onEnd(() => resolve()));
      live.abort({ kind: 'stopped' });
      await ended;
      return true;
    }
    const { relay } = this.#deps.runs;
    if (!relay) return false;
    await relay.requestStop(record);
    // Followed to its terminal event; a dead owner's run is settled by the reaper meanwhile.
    const signal = AbortSignal.timeout(this.#deps.timeouts.disconnectGraceMs + 10_000);
    try {
      for await (const entry of relay.follow(record, undefined, signal)) {
        if (entry.event.type === 'complete' || entry.event.type === 'error') return true;
      }
    } catch {
      // Its events are gone: it ended long enough ago.
      return true;
    }
    throw new ChatError(
      'STORAGE_ERROR',
      'The stop was sent, but the answer did not confirm it in time. Try again.',
      { retryable: true, retryAfter: 1 },
    );
  }

  async #start(turn: TurnRequest, key: string): Promise<OpenedTurn> {
    const deps = this.#deps;
    const { user, request, trace } = turn;
    await this.#checkQuota(user);
    markTurnStep(trace, 'quota-checked');
    const project = await deps.projects.get(request.projectId, user);
    if (!project) {
      throw new ChatError('PROJECT_NOT_FOUND', 'No such project, or no access to it.');
    }
    markTurnStep(trace, 'project-resolved');
    // The generation's id: its run id derives from it. A question's and a Regenerate's is the
    // new answer's message id; a Continue writes into the answer it names.
    const turnId = randomUUID();
    const action = actionOf(request);
    const now = new Date();
    const record: RunRecord = {
      id: runIdFor(turnId),
      userId: user.id,
      idempotencyKey: key,
      projectId: project.id,
      conversationId: request.conversationId ?? randomUUID(),
      messageId: action?.kind === 'continue' ? action.targetId : turnId,
      createdAt: now.toISOString(),
      question: request.message ?? '',
      ...(action ? { action } : {}),
      transport: turn.transport,
      ownerId: deps.runs.instanceId,
      state: 'running',
    };
    const claim = await deps.runs.claim({
      record,
      maxActive: deps.limits.maxConcurrentStreams,
      turnsPerMinute: deps.limits.streamsPerMinute,
      now: now.getTime(),
    });
    markTurnStep(trace, 'run-claimed');
    switch (claim.kind) {
      case 'existing': {
        const feed = this.#feedOf(claim.record);
        if (feed) return attach(feed, turn);
        throw turnInProgress('This turn is already being answered.');
      }
      case 'limit':
        throw new ChatError(
          'CONCURRENT_STREAM_LIMIT',
          `At most ${deps.limits.maxConcurrentStreams} answers can be generated at once; wait for one to finish.`,
          { retryable: true, retryAfter: 1 },
        );
      case 'rate-limited': {
        const { budget } = claim;
        throw new ChatError(
          'RATE_LIMITED',
          `Too many new questions: at most ${budget.limit} per ${BUDGET_WINDOW_MS / 1000} s. Try again in ${budget.resetSeconds} s.`,
          {
            retryable: true,
            retryAfter: budget.resetSeconds,
            rateLimit: turnBudgetRateLimit(budget),
          },
        );
      }
    }
    const run = this.#createRun(record, turn.transport, 'live');
    this.#live.add(run);
    const { relay } = deps.runs;
    if (relay) {
      // Every flush goes to the relay too (never awaited), so other instances can follow it.
      run.observe({
        send: (event, seq) => relay.publish(record, [{ seq, event }]),
        end: (event, seq) => relay.publish(record, [{ seq, event }]),
        fail: (error) =>
          relay.publishFailure(record, { ...error.toDetail(), status: error.status }),
      });
    }
    run.onEnd(() => {
      const terminal = run.terminal as TerminalEvent;
      const released = deps.runs
        .finish(
          record,
          run.failure
            ? { kind: 'failed' }
            : run.unsaved
              ? { kind: 'unsaved', terminal }
              : { kind: 'ended', terminal },
        )
        .catch((error: unknown) =>
          deps.logger.error({ err: error, runId: run.id }, 'releasing a run failed'),
        )
        .finally(() => this.#releasing.delete(released));
      // Shutdown waits for these, so a host closing its Redis right after loses none.
      this.#releasing.add(released);
    });
    void this.#generate(run, project, turn, now, turnId);
    return { run, lastSeq: undefined, budget: claim.budget };
  }

  /**
   * The one place a ChatRun is built: a live one that generates (grace period and token
   * coalescing from the config), or a replay of a stored turn that only ever holds its text.
   */
  #createRun(
    record: RunIdentity | RunRecord,
    transport: 'sse' | 'rest',
    kind: 'live' | 'replay',
  ): ChatRun {
    const { timeouts, runs } = this.#deps;
    const { relay } = runs;
    return new ChatRun({
      ...record,
      transport,
      disconnectGraceMs: kind === 'live' ? timeouts.disconnectGraceMs : 0,
      flushMs: kind === 'live' ? timeouts.flushMs : 0,
      flushTokens: timeouts.flushTokens,
      ...(relay && 'ownerId' in record
        ? { followedElsewhere: async () => (await relay.followerCount(record)) > 0 }
        : {}),
    });
  }

  /**
   * Saves the turn's start (the question and a placeholder; or, for a Regenerate or Continue, the
   * answer it acts on), builds the context and starts the model; every failure ends the run.
   */
  async #generate(
    run: ChatRun,
    project: Project,
    turn: TurnRequest,
    now: Date,
    turnId: string,
  ): Promise<void> {
    const { store, model, limits } = this.#deps;
    let saved = false;
    let input: GenerationInput;
    try {
      const begun = await this.#saveStart(run, project, now, turnId);
      saved = true;
      markTurnStep(turn.trace, 'turn-saved');
      if (begun.continuation !== undefined) run.continueFrom(begun.continuation);
      const history = begun.firstTurn
        ? []
        : await store.getHistory(
            run.userId,
            run.conversationId,
            begun.question.id,
            limits.historySize,
          );
      markTurnStep(turn.trace, 'history-loaded');
      const context = buildChatContext({
        project,
        history: history.map(({ role, content }) => ({ role, content })),
        question: begun.question.content,
        schemaTokenBudget: limits.schemaTokenBudget,
        ...(this.#deps.instructions === undefined ? {} : { instructions: this.#deps.instructions }),
        ...(begun.continuation === undefined ? {} : { continuation: begun.continuation }),
      });
      markTurnStep(turn.trace, 'prompt-built');
      input = {
        run,
        // Cached per schema text: shared by every turn of the project, not held per stream.
        schema: parseSchema(project.schema),
        request: {
          messages: context.messages,
          project,
          ...(begun.continuation === undefined ? {} : { continues: begun.continuation }),
        },
        promptTokens: context.promptTokens,
        schemaTrimmed: context.schemaTrimmed,
        requestedAt: turn.requestedAt,
        ...(turn.trace === undefined ? {} : { trace: turn.trace }),
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
      quotaOf: this.#quotaAfterTurn,
      checkpoints: this.#checkpoints,
      checkpointMs: this.#deps.timeouts.checkpointMs,
      checkpointBudget: this.#checkpointBudget,
    }).catch((error: unknown) => this.#failTurn(run, error, true));
  }

  /**
   * The store's half of starting a turn: `beginTurn` for a question, `beginAnswerTurn` for a
   * Regenerate or Continue. Returns the question the model answers, whether the conversation has
   * no history before it (created by this turn), and a Continue's text so far. Throws the
   * ChatError of a refusal (nothing was saved then).
   */
  async #saveStart(
    run: ChatRun,
    project: Project,
    now: Date,
    turnId: string,
  ): Promise<{
    question: { id: string; content: string };
    firstTurn: boolean;
    continuation?: string;
  }> {
    const { store, model } = this.#deps;
    const common = {
      conversationId: run.conversationId,
      projectId: project.id,
      idempotencyKey: run.idempotencyKey,
      now,
    };
    if (!run.action) {
      const question = { id: randomUUID(), content: run.question };
      const begin = await store.beginTurn(run.userId, {
        ...common,
        userMessage: question,
        assistantMessage: { id: run.messageId, model: model.id },
      });
      if (begin.kind !== 'started') throw refusalOf(begin.kind);
      // A conversation this turn created has no history before the question: skip the query.
      return { question, firstTurn: begin.conversationCreated };
    }
    const begin = await store.beginAnswerTurn(run.userId, {
      ...common,
      action: run.action.kind,
      targetMessageId: run.action.targetId,
      turnId,
      model: model.id,
    });
    if (begin.kind !== 'started') throw refusalOf(begin.kind);
    return {
      question: { id: begin.userMessage.id, content: begin.userMessage.content },
      firstTurn: false,
      ...(run.action.kind === 'continue' ? { continuation: begin.assistantMessage.content } : {}),
    };
  }

  /** Ends a turn that failed outside the model's stream: placeholder marked failed, run ended. */
  async #failTurn(run: ChatRun, error: unknown, saved: boolean): Promise<void> {
    const { store, logger } = this.#deps;
    const chatError = toChatError(error);
    if (chatError.code === 'INTERNAL_ERROR') {
      logger.error({ err: error, runId: run.id }, 'a turn failed before streaming');
    }
    if (saved) {
      // The placeholder must not stay `streaming` (that would block the conversation). A
      // Continue's answer keeps its text (it is the run's text so far).
      await store
        .finishTurn(run.userId, run.messageId, {
          content: run.text,
          status: run.text === '' ? 'failed' : 'interrupted',
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
    const used = await this.#deps.store.tokensUsedSince(user.id, quotaDay(now).since);
    if (used < tokensPerDay) return;
    throw new ChatError(
      'QUOTA_EXCEEDED',
      `The daily allowance of ${tokensPerDay} tokens is used up; it renews at 00:00 UTC.`,
      { retryable: true, retryAfter: secondsUntilReset(now) },
    );
  }

  /** The user's tokens today and, when the server has a daily allowance, that allowance. */
  async usage(user: ChatUser): Promise<UsageResponse> {
    const now = new Date();
    const { since, resetsAt } = quotaDay(now);
    const used = await this.#deps.store.tokensUsedSince(user.id, since);
    const { tokensPerDay } = this.#deps.limits;
    return {
      used,
      ...(tokensPerDay === undefined ? {} : { limit: tokensPerDay }),
      resetsAt: resetsAt.toISOString(),
    };
  }

  /** The allowance after a turn, for its `complete` event; undefined without a daily allowance. */
  readonly #quotaAfterTurn = async (userId: string): Promise<Quota | undefined> => {
    const { tokensPerDay } = this.#deps.limits;
    if (tokensPerDay === undefined) return undefined;
    const now = new Date();
    const used = await this.#deps.store.tokensUsedSince(userId, quotaDay(now).since);
    return describeQuota(used, tokensPerDay, now);
  };

  /** A finished run rebuilt from the store, so a late retry gets the same answer. */
  #replay(stored: StoredTurn, turn: TurnRequest): ChatRun {
    const { conversation, userMessage, assistantMessage: answer, action } = stored;
    if (answer.status === 'streaming') {
      throw turnInProgress('This turn is still being answered elsewhere.');
    }
    const run = this.#createRun(
      {
        id: runIdFor(action?.turnId ?? answer.id),
        userId: turn.user.id,
        idempotencyKey: turn.idempotencyKey ?? answer.idempotencyKey ?? '',
        projectId: conversation.projectId,
        conversationId: conversation.id,
        messageId: answer.id,
        createdAt: answer.createdAt,
        question: action ? '' : userMessage.content,
        ...(action ? { action: { kind: action.kind, targetId: action.targetId } } : {}),
        transport: turn.transport,
      },
      turn.transport,
      'replay',
    );
    // A Continue replays what it added: the answer as stored now, after its start offset.
    const startOffset = action?.kind === 'continue' ? action.startOffset : 0;
    if (startOffset > 0) run.continueFrom(answer.content.slice(0, startOffset));
    run.start();
    run.append(answer.content.slice(startOffset));
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
          ...(action?.kind === 'continue' ? { continuedFrom: startOffset } : {}),
          ...(answer.sqlCheck ? { sqlCheck: answer.sqlCheck } : {}),
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
function attach(run: TurnFeed, turn: TurnRequest): OpenedTurn {
  const { request, lastEventId } = turn;
  const action = actionOf(request);
  const sameTurn =
    run.projectId === request.projectId &&
    (request.conversationId === undefined || request.conversationId === run.conversationId) &&
    (action || run.action
      ? action?.kind === run.action?.kind && action?.targetId === run.action?.targetId
      : run.question === request.message);
  if (!sameTurn) {
    throw new ChatError(
      'IDEMPOTENCY_KEY_REUSED',
      turn.idempotencyKey === undefined
        ? 'This Last-Event-ID belongs to another question; send a new question without it.'
        : 'This Idempotency-Key belongs to another question; use a new key for a new turn.',
    );
  }
  return { run, lastSeq: lastEventId?.runId === run.id ? lastEventId.seq : undefined };
}

/** What a Regenerate or Continue request names; undefined for a question. */
function actionOf(request: ChatRequest): { kind: AnswerAction; targetId: string } | undefined {
  if (request.regenerate !== undefined) return { kind: 'regenerate', targetId: request.regenerate };
  if (request.continue !== undefined) return { kind: 'continue', targetId: request.continue };
  return undefined;
}

/** The error of a turn the store refused to start (nothing was saved). */
function refusalOf(
  kind: Exclude<BeginAnswerTurnResult['kind'] | BeginTurnResult['kind'], 'started'>,
): ChatError {
  switch (kind) {
    case 'busy':
      return turnInProgress(
        'An answer is still being generated in this conversation; stop it or wait.',
      );
    case 'not-found':
      return conversationNotFound();
    // Another instance saved this key between our lookup and now: the retry will replay it.
    case 'duplicate':
      return turnInProgress('This turn is already being answered.');
    case 'message-not-found':
      return new ChatError('MESSAGE_NOT_FOUND', 'No such answer in this conversation.');
    case 'not-latest':
      return new ChatError(
        'ANSWER_NOT_LATEST',
        'Only the last answer of a conversation can be regenerated or continued.',
      );
    case 'not-continuable':
      return new ChatError(
        'ANSWER_NOT_CONTINUABLE',
        'Only an answer that was stopped or interrupted can be continued.',
      );
  }
}

/** The one 409: an answer is already being generated (in the conversation, or for this key). */
function turnInProgress(message: string): ChatError {
  return new ChatError('TURN_IN_PROGRESS', message, { retryable: true, retryAfter: 1 });
}

function conversationNotFound(): ChatError {
  return new ChatError('CONVERSATION_NOT_FOUND', 'No such conversation.');
}
