// Run ids are derived from the assistant message id, so an event id from a finished run can be
// checked against the stored message long after the run left memory.

/** 11 base64url characters from the first 8 bytes of a UUID (60 random bits of a v4). */
export function runIdFor(messageId: string): string {
  return Buffer.from(messageId.replaceAll('-', '').slice(0, 16), 'hex').toString('base64url');
}
