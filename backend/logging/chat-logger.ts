// The logger plug point (pino-compatible: an object first, then a message) and the default
// console logger that writes one JSON line per record.

/** Structured fields of a log record. */
export type LogFields = Record<string, unknown>;

/**
 * Where the router logs: per-turn records at `info`, recoverable faults at `warn`, bugs and
 * storage faults at `error`. A pino or bunyan logger fits as is.
 */
export interface ChatLogger {
  info(fields: LogFields, message?: string): void;
  warn(fields: LogFields, message?: string): void;
  error(fields: LogFields, message?: string): void;
}

/** A logger that drops everything (tests, or hosts that only use `onTurnEnd`). */
export const silentLogger: ChatLogger = {
  info() {},
  warn() {},
  error() {},
};

/** Writes each record as one JSON line: `info` to stdout, `warn`/`error` to stderr. */
export function createConsoleLogger(): ChatLogger {
  const write = (level: string, fields: LogFields, message?: string) => {
    const line = JSON.stringify({
      time: new Date().toISOString(),
      level,
      name: 'schema-chat',
      msg: message,
      ...serializeErrors(fields),
    });
    (level === 'info' ? process.stdout : process.stderr).write(`${line}\n`);
  };
  return {
    info: (fields, message) => write('info', fields, message),
    warn: (fields, message) => write('warn', fields, message),
    error: (fields, message) => write('error', fields, message),
  };
}

/** Errors stringify to `{}`; keep their name, message, code and stack for operators. */
function serializeErrors(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] =
      value instanceof Error
        ? {
            name: value.name,
            message: value.message,
            code: (value as { code?: unknown }).code,
            stack: value.stack,
          }
        : value;
  }
  return out;
}
