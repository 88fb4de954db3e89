// Finds the fenced code blocks of a Markdown text (CommonMark fences, also inside block quotes
// and list items), in document order.

/** One fenced code block. */
export interface FencedCodeBlock {
  /** Position among all fenced code blocks of the text, from 0. */
  index: number;
  /** The info string after the opening fence, trimmed. */
  info: string;
  /** The info string's first word in lower case (`sql`, `postgresql`), `''` when none. */
  language: string;
  /** The block's content lines, without the container's indentation. */
  text: string;
}

const OPENING =
  /^((?:[ \t]{0,3}>[ \t]?)*)([ \t]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)?[ \t]*)(`{3,}|~{3,})(.*)$/;

/**
 * Lists the fenced code blocks of `markdown`: a line of three or more backticks or tildes opens one
 * (after block-quote markers `>` and a list marker, indented by any amount), its info string is
 * the rest of the line (which may not contain a backtick after a backtick fence), and a line of at
 * least as many of the same character closes it. An unclosed fence runs to the end of the text,
 * or to the end of its block quote. Content lines lose the fence's indentation, as CommonMark
 * says. Indented (four-space) code blocks are not fenced blocks and are not listed.
 */
export function findFencedCodeBlocks(markdown: string): FencedCodeBlock[] {
  const lines = markdown.split(/\r\n|\n|\r/);
  const blocks: FencedCodeBlock[] = [];
  let i = 0;
  while (i < lines.length) {
    const match = OPENING.exec(lines[i] as string);
    if (!match) {
      i++;
      continue;
    }
    const quotes = ((match[1] ?? '').match(/>/g) ?? []).length;
    const indent = width(match[2] ?? '');
    const fence = match[3] as string;
    const info = (match[4] ?? '').trim();
    if (fence[0] === '`' && info.includes('`')) {
      i++; // an inline code span such as ```a```, not a fence
      continue;
    }
    const closing = new RegExp(`^[ \\t]*${fence[0] === '`' ? '`' : '~'}{${fence.length},}[ \\t]*$`);
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const inner = stripQuotes(lines[j] as string, quotes);
      if (inner === undefined) break; // the block quote ended, and the fence with it
      if (closing.test(inner)) {
        j++;
        break;
      }
      body.push(dedent(inner, indent));
    }
    const language = (info.split(/\s+/)[0] ?? '').toLowerCase().replace(/^\{?\.?|\}$/g, '');
    blocks.push({ index: blocks.length, info, language, text: body.join('\n') });
    i = j;
  }
  return blocks;
}

/** `line` without `count` block-quote markers, or `undefined` when it has fewer. */
function stripQuotes(line: string, count: number): string | undefined {
  let rest = line;
  for (let k = 0; k < count; k++) {
    const match = /^[ \t]{0,3}>[ \t]?/.exec(rest);
    if (!match) return rest.trim() === '' ? undefined : undefined;
    rest = rest.slice(match[0].length);
  }
  return rest;
}

function width(text: string): number {
  let columns = 0;
  for (const char of text) columns += char === '\t' ? 4 - (columns % 4) : 1;
  return columns;
}

/** Removes up to `columns` of leading spaces. */
function dedent(line: string, columns: number): string {
  let removed = 0;
  let index = 0;
  while (index < line.length && removed < columns) {
    const char = line[index];
    if (char === ' ') removed++;
    else if (char === '\t') removed += 4 - (removed % 4);
    else break;
    index++;
  }
  return line.slice(index);
}
