// Pure helper: the title of a new conversation, derived from its first question.

/** Longest title, in UTF-16 code units (what `String.length` counts). */
export const MAX_TITLE_LENGTH = 80;

/** Title used when the first question has no visible text. */
export const FALLBACK_TITLE = 'New conversation';

// Only the start of the question can end up in the title: segmenting all of a long message is waste.
const SCAN_LENGTH = 4 * MAX_TITLE_LENGTH;
const ELLIPSIS = '…';
const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/**
 * The title of a conversation: the start of its first question with runs of whitespace (line
 * breaks included) collapsed to one space, at most {@link MAX_TITLE_LENGTH} characters. A longer
 * question is cut on a word boundary when one falls in the second half of the allowed length
 * (otherwise mid-word) and ends with `…`. Never splits an emoji or other grapheme cluster, so the
 * title is always well-formed Unicode. Every `ChatStore` uses it, so titles look the same whatever
 * the storage.
 */
export function deriveConversationTitle(question: string): string {
  const text = question.replace(/\s+/g, ' ').trim();
  if (text === '') return FALLBACK_TITLE;
  if (text.length <= MAX_TITLE_LENGTH) return text;

  const budget = MAX_TITLE_LENGTH - ELLIPSIS.length;
  let head = '';
  for (const { segment } of graphemes.segment(text.slice(0, SCAN_LENGTH))) {
    if (head.length + segment.length > budget) break;
    head += segment;
  }
  // One grapheme longer than the budget (pathological stacks of combining marks): cut by code point.
  if (head === '') {
    for (const char of text) {
      if (head.length + char.length > budget) break;
      head += char;
    }
  }
  // Whether the cut already falls between two words: the next character is a space.
  const cutOnBoundary = text.charAt(head.length) === ' ';
  const lastSpace = head.lastIndexOf(' ');
  if (!cutOnBoundary && lastSpace >= budget / 2) head = head.slice(0, lastSpace);
  return `${head.trimEnd()}${ELLIPSIS}`;
}
