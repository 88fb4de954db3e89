// Pure: how a generation ended → the stored status, the finish reason and the terminal error.

import type { FinishReason, MessageStatus } from '../../sdk/protocol.js';
import { ChatError } from '../errors.js';
import type { FinishPart } from '../models/chat-model.js';
import type { RunAbortReason } from '../runs/chat-run.js';

/** What happened during the generation. */
export interface TurnEnding {
  textLength: number;
  /** The model's finish part, if it sent one. */
  finish: FinishPart | undefined;
  /** The model's failure, if it threw. */
  failure: ChatError | undefined;
  /** Why the run was aborted, if it was (wins over a late finish or failure). */
  abortReason: RunAbortReason | undefined;
}

/** How the turn is saved and reported. */
export interface TurnOutcome {
  status: Exclude<MessageStatus, 'streaming'>;
  finishReason: FinishReason;
  /** Set when the stream ends with an `error` event instead of `complete`. */
  error: ChatError | undefined;
}

/** What the user reads for each reason an answer was cut. */
const INTERRUPTED_BECAUSE = {
  shutdown: 'The server restarted during the answer.',
  'client-gone': 'The answer stopped because no client stayed connected.',
  'lease-lost': 'The server generating this answer stalled; the text so far is saved.',
} as const;

/** Decides the outcome. A failure keeps its partial text as `interrupted` (`failed` when empty). */
export function decideTurnOutcome(ending: TurnEnding): TurnOutcome {
  const { abortReason } = ending;
  if (abortReason?.kind === 'stopped') {
    return { status: 'stopped', finishReason: 'stopped', error: undefined };
  }
  const failedStatus = ending.textLength > 0 ? 'interrupted' : 'failed';
  if (abortReason?.kind === 'interrupted') {
    const message = INTERRUPTED_BECAUSE[abortReason.why];
    return {
      status: failedStatus,
      finishReason: 'interrupted',
      error: new ChatError('GENERATION_INTERRUPTED', message, { retryable: false }),
    };
  }
  const failure =
    abortReason?.kind === 'error'
      ? abortReason.error
      : (ending.failure ??
        (ending.finish
          ? undefined
          : new ChatError('UPSTREAM_BAD_RESPONSE', 'The model ended its answer unexpectedly.', {
              retryable: true,
            })));
  if (failure) return { status: failedStatus, finishReason: 'error', error: failure };
  return {
    status: 'complete',
    finishReason: ending.finish?.finishReason ?? 'stop',
    error: undefined,
  };
}
