// Reads the `Retry-After` header (RFC 9110 §10.2.3): delay-seconds or an HTTP-date.

/**
 * The wait a `Retry-After` value asks for, in milliseconds (never negative), or `undefined` when
 * the value is missing or is neither a number of seconds nor an HTTP-date. `nowMs` is the current
 * time (`Date.now()`), used for the HTTP-date form.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  nowMs: number,
): number | undefined {
  if (value == null) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  // delay-seconds is 1*DIGIT; fractions are tolerated because some servers send them.
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // Only an HTTP-date has a weekday name or a month name; this keeps `Date.parse` from reading
  // things like "-5" or "2" as dates.
  if (!/[a-z]{3}/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}
