// The per-turn monitoring record (stream duration and token counts, for the host's monitoring): logged
// once per turn and passed to the host's `onTurnEnd` hook.

import type { ErrorCode, FinishReason, MessageStatus } from '../../sdk/protocol.js';
import type { AnswerAction } from '../stores/chat-store.js';

/** What happened in one turn, logged at its end. */
export interface TurnRecord {
  userId: string;
  projectId: string;
  conversationId: string;
  messageId: string;
  runId: string;
  /** How the turn was requested first. */
  transport: 'sse' | 'rest';
  model: string;
  /** Milliseconds from the request to the first answer token; undefined when none came. */
  timeToFirstTokenMs: number | undefined;
  /** Milliseconds from the request to the end of the generation. */
  durationMs: number;
  promptTokens: number;
  completionTokens: number;
  /** True when the token counts are local estimates (the upstream sent no usage). */
  usageEstimated: boolean;
  finishReason: FinishReason;
  status: Exclude<MessageStatus, 'streaming'>;
  /** The error code when the turn failed. */
  errorCode?: ErrorCode;
  /** True when the schema was trimmed to fit the context budget. */
  schemaTrimmed: boolean;
  /** Set for a Regenerate or a Continue (then `messageId` is the answer it wrote into). */
  action?: AnswerAction;
}
