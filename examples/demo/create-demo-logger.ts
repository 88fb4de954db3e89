// The demo's console logger: one readable line per finished turn, warnings and errors as JSON
// lines on stderr (what a production host would send to its log pipeline).

import type { ChatLogger, LogFields, TurnRecord } from 'schema-chat/express';

/** Where the lines go. Defaults to stdout (turns) and stderr (warnings, errors). */
export interface DemoLoggerOutput {
  out: (line: string) => void;
  err: (line: string) => void;
}

const STANDARD_OUTPUT: DemoLoggerOutput = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** One line for a finished turn, e.g. `turn alice/bookstore sse complete · 512+87 tokens · …`. */
export function formatTurnLine(turn: TurnRecord): string {
  const parts = [
    `turn ${turn.userId}/${turn.projectId} ${turn.transport} ${turn.status}${turn.errorCode ? ` (${turn.errorCode})` : ''}`,
    `${turn.promptTokens}+${turn.completionTokens} tokens${turn.usageEstimated ? ' (estimated)' : ''}`,
    turn.timeToFirstTokenMs === undefined
      ? 'no tokens'
      : `first token ${Math.round(turn.timeToFirstTokenMs)} ms`,
    `${(turn.durationMs / 1000).toFixed(1)} s`,
    turn.model,
  ];
  return parts.join(' · ');
}

/** A {@link ChatLogger} for people watching the demo's console. */
export function createDemoLogger(output: DemoLoggerOutput = STANDARD_OUTPUT): ChatLogger {
  const json = (level: string, fields: LogFields, message?: string) =>
    JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...plain(fields) });
  return {
    info(fields, message) {
      const turn = fields.turn as TurnRecord | undefined;
      output.out(turn ? formatTurnLine(turn) : json('info', fields, message));
    },
    warn: (fields, message) => output.err(json('warn', fields, message)),
    error: (fields, message) => output.err(json('error', fields, message)),
  };
}

/** Errors do not survive JSON.stringify; keep their name, message and code. */
function plain(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] =
      value instanceof Error
        ? { name: value.name, message: value.message, code: (value as { code?: unknown }).code }
        : value;
  }
  return out;
}
