// Pure validation of the body of `PATCH /conversations/:id` (docs/protocol.md, Request fields).

import { invalid } from './parse-chat-request.js';

/** Longest conversation title a user may give, in UTF-16 code units. */
export const MAX_TITLE_CHARS = 200;

// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to refuse control characters.
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Validates `{ title }`: 1–200 characters once trimmed (the trimmed title is returned), well-formed
 * text without control characters (a title is one line). Throws 400 `VALIDATION_FAILED`.
 */
export function parseRenameRequest(input: unknown): string {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw invalid('The request must be a JSON object with title.');
  }
  const title = Object.hasOwn(input, 'title') ? (input as { title: unknown }).title : undefined;
  if (typeof title !== 'string') throw invalid('title is required (a string).');
  const trimmed = title.trim();
  if (trimmed === '') throw invalid('title must not be empty.');
  if (trimmed.length > MAX_TITLE_CHARS) {
    throw invalid(`title must be at most ${MAX_TITLE_CHARS} characters.`);
  }
  if (!trimmed.isWellFormed() || CONTROL.test(trimmed)) {
    throw invalid('title must be one line of well-formed text, without control characters.');
  }
  return trimmed;
}
