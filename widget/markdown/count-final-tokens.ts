// Decides which leading blocks of a streamed markdown answer can no longer change, so that only the
// unfinished tail is lexed and rendered again when more tokens arrive.

/** The part of a lexer token this decision needs. */
export interface RawToken {
  type: string;
  raw: string;
}

/**
 * How many leading tokens of `tokens` (the top-level tokens of a source of `sourceLength`
 * characters) are final. A block is final once two more blocks have started after it: the block
 * right after it may still be a partial line that joins it (`1. a` + `2` → `2. b` continues the
 * list; `foo` + `-` is a setext heading; indented code resumes after a blank line), but once that
 * block is itself followed by another, the line that could have joined is complete. Unclosed
 * fences and HTML blocks run to the end of the source, so they are always last and never final.
 * Returns 0 when the tokens' raw text does not add up to the source (nothing is finalised then).
 */
export function countFinalTokens(tokens: readonly RawToken[], sourceLength: number): number {
  let total = 0;
  for (const token of tokens) total += token.raw.length;
  if (total !== sourceLength) return 0;
  const content: number[] = [];
  tokens.forEach((token, index) => {
    if (token.type !== 'space') content.push(index);
  });
  if (content.length < 3) return 0;
  // Everything before the second-to-last block (including the blank lines after the last final one).
  return content[content.length - 2] ?? 0;
}
