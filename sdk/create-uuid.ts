// Random UUID v4s: the `Idempotency-Key` of a turn and the widget's local message keys.

/**
 * A random UUID v4. Uses `crypto.randomUUID` where it exists; falls back to
 * `crypto.getRandomValues`, because `randomUUID` is missing on pages served over plain HTTP
 * (it is secure-context only), where a third-party widget may well be embedded.
 */
export function createUuid(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  // RFC 9562 §5.4: version 4 in the high nibble of byte 6, variant 10 in the top bits of byte 8.
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
