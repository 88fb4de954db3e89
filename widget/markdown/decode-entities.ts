// Decodes HTML character references in markdown text, so that text bindings show `&amp;` as `&`.
// The result only ever reaches Lit text or attribute bindings, so decoding `&lt;` to `<` is safe.

/** Named references a model plausibly writes; others stay as typed (the full table costs ~8 KB). */
const NAMED: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  copy: '©',
  reg: '®',
  trade: '™',
  hellip: '…',
  mdash: '—',
  ndash: '–',
  laquo: '«',
  raquo: '»',
  ldquo: '“',
  rdquo: '”',
  lsquo: '‘',
  rsquo: '’',
  times: '×',
  middot: '·',
  deg: '°',
  rarr: '→',
  larr: '←',
  harr: '↔',
  le: '≤',
  ge: '≥',
  ne: '≠',
};

const REFERENCE = /&(?:#[xX]([0-9a-fA-F]{1,6})|#([0-9]{1,7})|([a-zA-Z][a-zA-Z0-9]{1,31}));/g;

/** Replaces numeric and common named character references with the characters they stand for. */
export function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(REFERENCE, (match, hex?: string, dec?: string, name?: string) => {
    if (name !== undefined) return NAMED[name] ?? match;
    const code = hex !== undefined ? Number.parseInt(hex, 16) : Number(dec);
    // CommonMark: NUL, surrogates and out-of-range code points become U+FFFD.
    if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\ufffd';
    return String.fromCodePoint(code);
  });
}
