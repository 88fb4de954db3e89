// Drives one generation: calls the model, feeds its text into the run, enforces the first-token
// and idle timeouts (for every ChatModel), checkpoints the partial answer (its first text at once,
// then about once a second), saves the final state,
// ends the run with exactly one terminal event, and reports the turn.

import type { Quota, SqlCheck } from '../../sdk/protocol.js';
import { estimateTokens } from '../context/estimate-tokens.js';
import { ChatError, toChatError } from '../errors.js';
import type { ChatLogger } from '../logging/chat-logger.js';
import type {
  ChatModel,
  ChatModelPart,
  ChatModelReceiver,
  ChatModelRequest,
  FinishPart,
} from '../models/chat-model.js';
import type { ChatRun, RunAbortReason } from '../runs/chat-run.js';
import type { ParsedSchema } from '../schema/parsed-schema.js';
import { checkAnswerSql } from '../sql-check/check-answer-sql.js';
import type { ChatStore } from '../stores/chat-store.js';
import type { SharedInterval } from '../timers/shared-interval.js';
import type { CheckpointBudget } from './checkpoint-budget.js';
import { decideTurnOutcome } from './decide-turn-outcome.js';
import { SilenceWatch } from './silence-watch.js';
import type { TurnRecord } from './turn-record.js';

/** What a generation needs from the router. */
export interface GenerationDeps {
  store: ChatStore;
  model: ChatModel;
  logger: ChatLogger;
  onTurnEnd: ((record: TurnRecord) => void) | undefined;
  firstTokenMs: number;
  idleMs: number;
  /** Calls this generation's checkpoint a few times per `checkpointMs`, with every other's. */
  checkpoints: SharedInterval;
  /** Least time between two checkpoints of a short answer, ms (`timeouts.checkpointMs`). */
  checkpointMs: number;
  /** Shared by every generation: how many checkpoints the current tick may still save. */
  checkpointBudget: CheckpointBudget;
  /**
   * The user's daily allowance once the answer is saved, for the `complete` event; undefined
   * when the server has none. Defaults to none.
   */
  quotaOf?: (userId: string) => Promise<Quota | undefined>;
}

/**
 * A checkpoint rewrites the whole partial answer, so a long one is saved less often: every
 * `checkpointMs` up to this many characters, then `checkpointMs` per this many (a 64 K-character
 * answer every 4 s), so no answer costs the store more than this many characters a second.
 */
export const CHECKPOINT_CHARS_PER_INTERVAL = 16_384;

/** One generation's inputs. */
export interface GenerationInput {
  run: ChatRun;
  /** The project's schema, which the answer's SQL blocks are checked against when it ends. */
  schema: ParsedSchema;
  request: ChatModelRequest;
  /** Estimated prompt tokens, used when the upstream reports no usage. */
  promptTokens: number;
  schemaTrimmed: boolean;
  /** `performance.now()` when the request arrived. */
  requestedAt: number;
  /** The HTTP request, naming the turn on the `schema-chat:turn-step` channel. Defaults to none. */
  trace?: object;
}

/**
 * Starts the model, opens the run's stream (`run.start()`) and runs the generation to its end.
 * Never throws: every failure becomes the run's terminal event.
 */
export function runGeneration(input: GenerationInput, deps: GenerationDeps): Promise<void> {
  // The model gets the request here and the rest of the turn only what it still needs, so the
  // prompt (schema, history) is not kept alive for the length of the answer (bench S4). A model
  // with the push form (`streamTo`) hands its text to the receiver as it reads it; the turn sets
  // the receiver's handler before any text can arrive (text comes from I/O, never synchronously).
  const { request, trace, ...turn } = input;
  const options = { signal: input.run.signal, ...(trace === undefined ? {} : { trace }) };
  const receiver: ChatModelReceiver = { text: () => {} };
  let source: ModelSource;
  try {
    source = deps.model.streamTo
      ? { pushed: deps.model.streamTo(request, options, receiver), receiver }
      : { pulled: deps.model.stream(request, options) };
  } catch (error) {
    // A model that throws at once fails the turn like one whose stream throws.
    source = { pushed: Promise.reject(error), receiver };
  }
  return generate(source, turn, deps);
}

/** What the turn keeps once the model has its request. */
type TurnInput = Omit<GenerationInput, 'request' | 'trace'>;

/** The model's answer: pushed to a receiver (`streamTo`), or pulled from `stream`. */
type ModelSource =
  | { pushed: Promise<FinishPart>; receiver: ChatModelReceiver; pulled?: undefined }
  | { pulled: AsyncIterable<ChatModelPart>; pushed?: undefined };

async function generate(
  source: ModelSource,
  input: TurnInput,
  deps: GenerationDeps,
): Promise<void> {
  const { run } = input;
  const { signal } = run;
  let finish: FinishPart | undefined;
  let failure: ChatError | undefined;
  let firstTokenAt: number | undefined;
  let savedLength = 0;
  let savedAt: number | undefined;
  let saving = false;

  // The turn's silence timeouts, whatever the model: a model that sends nothing (or only
  // keep-alives, which never reach here) is aborted with a coded error.
  const silence = new SilenceWatch({
    firstTokenMs: deps.firstTokenMs,
    idleMs: deps.idleMs,
    onSilence: (which) =>
      run.abort({
        kind: 'error',
        error: new ChatError(
          'UPSTREAM_TIMEOUT',
          which === 'first-token'
            ? 'The model sent no first token in time.'
            : 'The model sent nothing for too long.',
          { retryable: true },
        ),
      }),
  });
  const checkpoint = () => {
    const text = run.text;
    if (saving || text.length === savedLength) return;
    const now = performance.now();
    if (savedAt !== undefined) {
      const spacing = deps.checkpointMs * Math.max(1, text.length / CHECKPOINT_CHARS_PER_INTERVAL);
      if (now - savedAt < spacing || !deps.checkpointBudget.take(now)) return;
    }
    savedAt = now;
    saving = true;
    deps.store
      .saveProgress(run.userId, run.messageId, text)
      .then(() => {
        savedLength = text.length;
      })
      .catch((error: unknown) =>
        deps.logger.warn({ err: error, runId: run.id }, 'checkpoint failed'),
      )
      .finally(() => {
        saving = false;
      });
  };
  deps.checkpoints.add(checkpoint);

  // Text that arrives after the abort is dropped.
  const onText = (text: string): void => {
    if (text.length === 0 || signal.aborted) return;
    silence.touch();
    run.append(text);
    if (firstTokenAt === undefined) {
      firstTokenAt = performance.now();
      // The first text is saved at once, not a checkpoint interval later: the store writes it
      // in this event-loop turn, before the run's flush sends it, so a crash right after the
      // client saw its first words still finds them (stored as `interrupted`).
      checkpoint();
    }
  };

  // The turn waits for the model or the abort, whichever comes first, raced once per turn (not
  // once per token): a model that ignores its signal must not hang the turn.
  let consuming: Promise<void>;
  let iterator: AsyncIterator<ChatModelPart> | undefined;
  if (source.pushed) {
    source.receiver.text = onText;
    consuming = source.pushed.then((part) => {
      finish = part;
    });
  } else {
    const pulled = source.pulled[Symbol.asyncIterator]();
    iterator = pulled;
    consuming = signal.aborted
      ? Promise.resolve()
      : (async () => {
          for (;;) {
            const step = await pulled.next();
            if (step.done || signal.aborted) return;
            if (step.value.type === 'finish') finish = step.value;
            else onText(step.value.text);
          }
        })();
  }
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<void>((resolve) => {
    onAbort = resolve;
    signal.addEventListener('abort', onAbort, { once: true });
  });
  // The model request is on its way (node:http writes it on the next tick): now the stream's
  // headers and conversationId event, which the sink writes on a later tick, so they leave just
  // after the request rather than before it (time to first token, bench S3).
  run.start();
  // A model that throws once aborted (its own abort error) is no failure of the turn.
  consuming.catch(() => {});
  try {
    await Promise.race([consuming, aborted]);
  } catch (error) {
    if (!signal.aborted) failure = modelFailure(error, deps.logger, run.id);
  } finally {
    silence.stop();
    deps.checkpoints.delete(checkpoint);
    if (onAbort) signal.removeEventListener('abort', onAbort);
    // Closes the upstream request if the loop left early; its own errors are irrelevant now.
    if (iterator) void Promise.resolve(iterator.return?.()).catch(() => {});
  }

  const abortReason = signal.aborted ? (signal.reason as RunAbortReason) : undefined;
  // The whole answer (a Continue's text so far included) is saved and decides the status; the
  // usage is this generation's own.
  const text = run.text;
  const generated = estimateTokens(text.slice(run.startOffset));
  const outcome = decideTurnOutcome({
    textLength: text.length,
    finish,
    failure,
    abortReason,
  });
  const usage = finish?.usage ?? {
    promptTokens: input.promptTokens,
    completionTokens: generated,
    totalTokens: input.promptTokens + generated,
  };
  let terminalError = outcome.error;
  const sqlCheck = checkSqlOfAnswer(text, input.schema, deps.logger, run.id);
  try {
    const saved = await deps.store.finishTurn(run.userId, run.messageId, {
      content: text,
      status: outcome.status,
      finishReason: outcome.finishReason,
      usage,
      ...(sqlCheck ? { sqlCheck } : {}),
    });
    if (!saved) deps.logger.warn({ runId: run.id }, 'the answer was already finished in the store');
  } catch (error) {
    deps.logger.error({ err: error, runId: run.id }, 'saving the answer failed');
    run.unsaved = true;
    terminalError ??= new ChatError('STORAGE_ERROR', 'The answer could not be saved.', {
      retryable: false,
    });
  }

  const quota = terminalError ? undefined : await quotaAfter(deps, run);
  run.end(
    terminalError
      ? { type: 'error', error: terminalError.toDetail() }
      : {
          type: 'complete',
          timestamp: new Date().toISOString(),
          metadata: {
            model: deps.model.id,
            conversationId: run.conversationId,
            messageId: run.messageId,
            finishReason: outcome.finishReason,
            status: outcome.status === 'stopped' ? 'stopped' : 'complete',
            usage,
            ...(run.action?.kind === 'continue' ? { continuedFrom: run.startOffset } : {}),
            ...(quota ? { quota } : {}),
            ...(sqlCheck ? { sqlCheck } : {}),
          },
        },
  );

  const record: TurnRecord = {
    userId: run.userId,
    projectId: run.projectId,
    conversationId: run.conversationId,
    messageId: run.messageId,
    runId: run.id,
    transport: run.transport,
    model: deps.model.id,
    timeToFirstTokenMs:
      firstTokenAt === undefined ? undefined : Math.round(firstTokenAt - input.requestedAt),
    durationMs: Math.round(performance.now() - input.requestedAt),
    promptTokens: usage.promptTokens,
    completionTokens: usage.completionTokens,
    usageEstimated: finish?.usage === undefined,
    finishReason: outcome.finishReason,
    status: outcome.status,
    schemaTrimmed: input.schemaTrimmed,
  };
  if (run.action) record.action = run.action.kind;
  if (terminalError) record.errorCode = terminalError.code;
  deps.logger.info({ turn: record }, 'turn finished');
  try {
    deps.onTurnEnd?.(record);
  } catch (error) {
    deps.logger.warn({ err: error }, 'onTurnEnd threw');
  }
}

/** The allowance after the turn; a failure to read it only leaves it out of the event. */
async function quotaAfter(deps: GenerationDeps, run: ChatRun): Promise<Quota | undefined> {
  try {
    return await deps.quotaOf?.(run.userId);
  } catch (error) {
    deps.logger.warn({ err: error, runId: run.id }, 'reading the quota after a turn failed');
    return undefined;
  }
}

/**
 * How the answer's SQL code blocks fit the schema (complete, stopped or interrupted alike), or
 * undefined when it has none. Only text with a fence is read; a checker failure never fails the
 * turn.
 */
function checkSqlOfAnswer(
  text: string,
  schema: ParsedSchema,
  logger: ChatLogger,
  runId: string,
): SqlCheck | undefined {
  if (!text.includes('```') && !text.includes('~~~')) return undefined;
  try {
    const check = checkAnswerSql(text, schema);
    return check.blocks.length > 0 ? check : undefined;
  } catch (error) {
    logger.warn({ err: error, runId }, 'checking the SQL of an answer failed');
    return undefined;
  }
}

/** A model must throw ChatErrors; anything else is a bug in it, logged and hidden from clients. */
function modelFailure(error: unknown, logger: ChatLogger, runId: string): ChatError {
  const chatError = toChatError(error);
  if (chatError.code === 'INTERNAL_ERROR') {
    logger.error({ err: error, runId }, 'the model threw an uncoded error');
    return new ChatError('UPSTREAM_ERROR', 'The model failed to answer.', {
      retryable: true,
      cause: error,
    });
  }
  return chatError;
}
