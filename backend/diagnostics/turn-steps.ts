// Where the time before a turn's first token goes: each step of a streamed turn (authentication,
// limits, storage, the prompt, the model request, the first token written) is published on the
// `schema-chat:turn-step` diagnostics channel, so an operator or a benchmark can see which step
// is slow without a profiler. Nothing is built or published while nobody subscribes.

import { channel } from 'node:diagnostics_channel';

/** Name of the diagnostics channel the steps are published on. */
export const TURN_STEP_CHANNEL = 'schema-chat:turn-step';

/**
 * The steps of a turn, in the order they happen: `authenticated` (bearer token checked),
 * `request-limited` (per-user request limit counted), `quota-checked` (daily token allowance),
 * `project-resolved`, `run-claimed` (idempotency key, concurrent cap and per-minute budget),
 * `turn-saved` (the question and the answer placeholder in one transaction), `history-loaded`,
 * `prompt-built`, `upstream-request-sent` (the model request handed to the socket),
 * `upstream-first-byte` (the model's response headers arrived), `first-token-sent` (the first
 * answer text written to the client's response).
 */
export type TurnStep =
  | 'authenticated'
  | 'request-limited'
  | 'quota-checked'
  | 'project-resolved'
  | 'run-claimed'
  | 'turn-saved'
  | 'history-loaded'
  | 'prompt-built'
  | 'upstream-request-sent'
  | 'upstream-first-byte'
  | 'first-token-sent';

/** One message of the channel. */
export interface TurnStepMessage {
  /**
   * The turn's HTTP request (a Node `IncomingMessage`): the same object Node's own
   * `http.server.request.start` channel publishes, so both can be put on one timeline.
   */
  request: object;
  step: TurnStep;
  /** `performance.now()` when the step ended. */
  at: number;
}

const steps = channel(TURN_STEP_CHANNEL);

/** Publishes that `step` of the turn of `request` just ended (nothing when nobody listens). */
export function markTurnStep(request: object | undefined, step: TurnStep): void {
  if (request === undefined || !steps.hasSubscribers) return;
  steps.publish({ request, step, at: performance.now() } satisfies TurnStepMessage);
}
