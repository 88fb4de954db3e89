// Finds the fenced code blocks of a Markdown text (CommonMark fences, also inside block quotes
// and list items), in document order, numbered as the widget's lexer (widget/markdown/
// lex-markdown.ts) finds them.

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

// The block starts below are the widget lexer's, so that both see the same blocks.
const BLANK = /^[ \t]*$/;
const FENCE = /^( {0,3})(`{3,}|~{3,})(.*)$/;
const CLOSING = /^ {0,3}(`{3,}|~{3,})[ \t]*$/;
const QUOTE = /^ {0,3}> ?/;
const ITEM = /^( {0,3})(?:([*+-])|(\d{1,9})([.)]))(?:([ \t]+)(.*))?$/;
const HR = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const ATX = /^ {0,3}#{1,6}(?:[ \t]|$)/;
const HTML_BLOCK = /^ {0,3}<(?:[a-zA-Z][a-zA-Z0-9-]*(?:[\s/>]|$)|\/[a-zA-Z]|!--|\?|![A-Za-z])/;
const INDENTED = /^(?: {4}|\t)/;
const TASK = /^\[[ xX]\](?:[ \t]+|$)/;

/**
 * Lists the fenced code blocks of `markdown`, as CommonMark reads them: a line of three or more
 * backticks or tildes indented by at most three columns (within its block quote or list item)
 * opens one, its info string is the rest of the line (which may not contain a backtick after a
 * backtick fence), and a line of at least as many of the same character, indented by at most
 * three columns, closes it. An unclosed fence runs to the end of the text, or of its block quote
 * or list item. Content lines lose the fence's indentation.
 *
 * Indented (four-space) code blocks are not listed, and `index` does not count them: the wire
 * format's `index` is the position among fenced blocks (`SqlCheckBlock` in sdk/protocol.ts), and
 * the widget, whose lexer returns indented blocks as `code` tokens too, numbers only the tokens
 * with `fenced: true` when it shows each block's check. Fences inside raw HTML blocks are not
 * fenced blocks either, as the widget shows such an HTML block as text.
 */
export function findFencedCodeBlocks(markdown: string): FencedCodeBlock[] {
  const found: Array<{ info: string; text: string }> = [];
  readBlocks(markdown.split(/\r\n|\n|\r/), found);
  return found.map(({ info, text }, index) => ({
    index,
    info,
    language: (info.split(/\s+/)[0] ?? '').toLowerCase().replace(/^\{?\.?|\}$/g, ''),
    text,
  }));
}

/** An opening fence: its character and length, how far it is indented, its info string. */
interface Fence {
  char: string;
  length: number;
  indent: number;
  info: string;
}

function openingFence(line: string): Fence | undefined {
  const match = FENCE.exec(line);
  if (!match) return undefined;
  const marker = match[2] as string;
  const info = (match[3] ?? '').trim();
  if (marker[0] === '`' && info.includes('`')) return undefined; // an inline code span: ```a```
  return {
    char: marker[0] as string,
    length: marker.length,
    indent: (match[1] as string).length,
    info,
  };
}

/** Whether `line` closes `fence`: the same character, at least as many, indented at most 3. */
function closes(fence: Fence, line: string): boolean {
  const marker = CLOSING.exec(line)?.[1];
  return marker !== undefined && marker[0] === fence.char && marker.length >= fence.length;
}

/** Reads the blocks of one container's lines (the text, a block quote, a list item). */
function readBlocks(lines: string[], found: Array<{ info: string; text: string }>): void {
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    const fence = openingFence(line);
    if (BLANK.test(line)) i++;
    else if (fence) i = readFence(lines, i, fence, found);
    else if (QUOTE.test(line)) i = readQuote(lines, i, found);
    else if (matchItem(line) && !HR.test(line)) i = readList(lines, i, found);
    else if (HTML_BLOCK.test(line)) i = skipHtml(lines, i);
    else if (INDENTED.test(line))
      i = skipWhile(lines, i + 1, (next) => INDENTED.test(next) || BLANK.test(next));
    // A paragraph (or heading, rule, table): its lines cannot open a fence, as one would end it.
    else i = skipWhile(lines, i + 1, (next) => !BLANK.test(next) && !interruptsParagraph(next));
  }
}

function readFence(
  lines: string[],
  start: number,
  fence: Fence,
  found: Array<{ info: string; text: string }>,
): number {
  const body: string[] = [];
  let j = start + 1;
  for (; j < lines.length; j++) {
    if (closes(fence, lines[j] as string)) {
      j++;
      break;
    }
    body.push(dedent(lines[j] as string, fence.indent));
  }
  found.push({ info: fence.info, text: body.join('\n') });
  return j;
}

/** A block quote: its `>` lines, and lazy continuation lines of a paragraph in it. */
function readQuote(
  lines: string[],
  start: number,
  found: Array<{ info: string; text: string }>,
): number {
  const body = new ContainerBody();
  let j = start;
  for (; j < lines.length; j++) {
    const next = lines[j] as string;
    if (QUOTE.test(next)) body.push(next.replace(QUOTE, ''));
    else if (body.continuesLazily(next)) body.push(next);
    else break;
  }
  readBlocks(body.lines, found);
  return j;
}

/** A list: its items of the same kind, each item's lines read as a container of its own. */
function readList(
  lines: string[],
  start: number,
  found: Array<{ info: string; text: string }>,
): number {
  const first = matchItem(lines[start] as string) as ListItemStart;
  let j = start;
  while (j < lines.length) {
    const item = matchItem(lines[j] as string);
    if (!item || item.kind !== first.kind || HR.test(lines[j] as string)) break;
    const body = new ContainerBody();
    // A task item's `[ ]` is not content (the widget leaves it out too).
    body.push(item.content.replace(TASK, ''));
    let last = j;
    for (let k = j + 1; k < lines.length; k++) {
      const next = lines[k] as string;
      if (BLANK.test(next)) body.push('');
      else if (indentOf(next) >= item.contentIndent) body.push(dedent(next, item.contentIndent));
      else if (!matchItem(next) && body.continuesLazily(next)) body.push(next);
      else break;
      if (!BLANK.test(next)) last = k;
    }
    readBlocks(body.lines.slice(0, last - j + 1), found);
    j = last + 1;
    // Blank lines between items keep the list going; before anything else they end it.
    const after = skipWhile(lines, j, (next) => BLANK.test(next));
    if (after === j) continue;
    if (matchItem(lines[after] ?? '')?.kind !== first.kind) break;
    j = after;
  }
  return j;
}

/**
 * The lines of a block quote or list item as they are gathered, and whether a line that does not
 * continue the container explicitly continues it lazily: only as paragraph text, so never while
 * a fence in it is open (the widget's lexer also lets a fence's content continue lazily; see the
 * README of this folder).
 */
class ContainerBody {
  readonly lines: string[] = [];
  /** The fence open at the end of the lines (at their top level), if one is. */
  #openFence: Fence | undefined;

  push(line: string): void {
    this.lines.push(line);
    if (!this.#openFence) this.#openFence = openingFence(line);
    else if (closes(this.#openFence, line)) this.#openFence = undefined;
  }

  continuesLazily(line: string): boolean {
    return (
      this.#openFence === undefined &&
      !BLANK.test(line) &&
      !BLANK.test(this.lines.at(-1) ?? '') &&
      !interruptsParagraph(line)
    );
  }
}

/** A list item marker: the list kind (`-`, `*`, `+`, `.`, `)`), the content and its column. */
interface ListItemStart {
  kind: string;
  ordered: boolean;
  start: number;
  contentIndent: number;
  content: string;
}

function matchItem(line: string): ListItemStart | undefined {
  const match = ITEM.exec(line);
  if (!match) return undefined;
  const [, indent = '', bullet, number, delimiter, spacing = '', rest = ''] = match;
  const marker = bullet ?? `${number}${delimiter}`;
  // Five or more spaces after the marker: one belongs to the marker, the rest to indented code.
  const gap = spacing.length > 4 || rest === '' ? 1 : spacing.length;
  return {
    kind: bullet ?? delimiter ?? '',
    ordered: bullet === undefined,
    start: number === undefined ? 1 : Number(number),
    contentIndent: indent.length + marker.length + gap,
    content: spacing.length > 4 ? spacing.slice(1) + rest : rest,
  };
}

/** Whether `line` starts a block that ends a paragraph (CommonMark's "can interrupt a paragraph"). */
function interruptsParagraph(line: string): boolean {
  if (openingFence(line) || ATX.test(line) || HR.test(line) || QUOTE.test(line)) return true;
  if (HTML_BLOCK.test(line)) return true;
  const item = matchItem(line);
  return item !== undefined && item.content.trim() !== '' && (!item.ordered || item.start === 1);
}

/** Raw HTML: a comment runs to its `-->`, other HTML to a blank line. */
function skipHtml(lines: string[], start: number): number {
  if (/^ {0,3}<!--/.test(lines[start] as string)) {
    const end = skipWhile(lines, start, (line) => !line.includes('-->'));
    return Math.min(end + 1, lines.length);
  }
  return skipWhile(lines, start + 1, (line) => !BLANK.test(line));
}

/** The first line from `start` on that `test` rejects (or the end). */
function skipWhile(lines: string[], start: number, test: (line: string) => boolean): number {
  let j = start;
  while (j < lines.length && test(lines[j] as string)) j++;
  return j;
}

function indentOf(line: string): number {
  let columns = 0;
  for (const char of line) {
    if (char === ' ') columns++;
    else if (char === '\t') columns += 4 - (columns % 4);
    else break;
  }
  return columns;
}

/** Removes up to `columns` of leading indentation. */
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
