// Wraps untrusted text (the schema) between marker lines that the text itself cannot contain, so
// nothing inside can pretend the data section has ended.

/** The marker lines around a fenced block and the block itself. */
export interface FencedData {
  /** The line that opens the data, e.g. `<<<SCHEMA-DATA 5f3a09c1>>>`. */
  open: string;
  /** The line that closes it, e.g. `<<<END-SCHEMA-DATA 5f3a09c1>>>`. */
  close: string;
  /** `open`, the text, `close`, joined by line breaks. */
  block: string;
}

/**
 * Fences `text` as data. The marker id is derived from the text (FNV-1a, so the same schema gives
 * the same prompt and caches well) and re-derived until the text does not contain it: text that
 * spells out a closing marker can never match the one actually used.
 */
export function fenceData(text: string, label = 'SCHEMA-DATA'): FencedData {
  let id = fnv1a(text);
  while (text.includes(id)) id = fnv1a(`${id}:${text.length}:${id}`);
  const open = `<<<${label} ${id}>>>`;
  const close = `<<<END-${label} ${id}>>>`;
  return { open, close, block: `${open}\n${text}\n${close}` };
}

/** 32-bit FNV-1a of a string's UTF-16 code units, as 8 hex digits. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, '0');
}
