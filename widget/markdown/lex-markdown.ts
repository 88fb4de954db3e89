// A small markdown lexer for answers (CommonMark/GFM subset: paragraphs, ATX and setext headings,
// lists with tasks, fenced and indented code, quotes, tables, rules, links, emphasis, code spans,
// autolinks). It replaces marked's lexer, which alone cost ~15 KB of the 38 KB gzip budget of the
// drop-in bundle. It only produces tokens; rendering them safely is render-markdown-tokens.ts's job,
// so a lexing quirk can misformat an answer but never make it executable.

import { decodeEntities } from './decode-entities.js';

/** Column alignment of a table. */
export type Align = 'left' | 'center' | 'right' | null;

/** Inline content: text is final (character references decoded, escapes resolved). */
export type InlineToken =
  | { type: 'text'; text: string }
  | { type: 'strong' | 'em' | 'del'; tokens: InlineToken[] }
  | { type: 'codespan'; text: string }
  | { type: 'br' }
  | { type: 'link'; href: string; title: string | undefined; tokens: InlineToken[] }
  | { type: 'image'; href: string; alt: string };

/** One item of a list. */
export interface ListItem {
  task: boolean;
  checked: boolean;
  tokens: BlockToken[];
}

/** Block content. `raw` is the exact source slice, so top-level raws add up to the source. */
export type BlockToken =
  | { type: 'space'; raw: string }
  | { type: 'paragraph' | 'text'; raw: string; tokens: InlineToken[] }
  | { type: 'heading'; raw: string; depth: number; tokens: InlineToken[] }
  | {
      type: 'code';
      raw: string;
      lang: string;
      text: string;
      /** A fenced block (``` or ~~~), not an indented one: the server's SQL check counts these. */
      fenced: boolean;
    }
  | { type: 'blockquote'; raw: string; tokens: BlockToken[] }
  | {
      type: 'list';
      raw: string;
      ordered: boolean;
      start: number;
      loose: boolean;
      items: ListItem[];
    }
  | { type: 'table'; raw: string; align: Align[]; header: InlineToken[][]; rows: InlineToken[][][] }
  | { type: 'hr'; raw: string }
  | { type: 'html'; raw: string }
  | { type: 'def'; raw: string; label: string; href: string; title: string | undefined };

/** Link reference definitions by normalised label. */
export type LinkDefinitions = Record<string, { href: string; title: string | undefined }>;

interface LexContext {
  links: LinkDefinitions;
  /** Inline content is lexed after all blocks, so that references may precede definitions. */
  pending: (() => void)[];
}

const BLANK = /^[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})[ \t]*([^\s`]*)[^`]*$/;
const ATX = /^ {0,3}(#{1,6})(?=[ \t]|$)(.*)$/;
const HR = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;
const QUOTE = /^ {0,3}> ?/;
const ITEM = /^( {0,3})(?:([*+-])|(\d{1,9})([.)]))(?:([ \t]+)(.*))?$/;
const HTML_BLOCK = /^ {0,3}<(?:[a-zA-Z][a-zA-Z0-9-]*(?:[\s/>]|$)|\/[a-zA-Z]|!--|\?|![A-Za-z])/;
const INDENTED = /^(?: {4}|\t)/;
const SETEXT = /^ {0,3}(=+|-+)[ \t]*$/;
const DELIMITER_ROW = /^ {0,3}\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$/;
const DEF =
  /^ {0,3}\[((?:[^\\[\]]|\\.){1,999})\]:[ \t]*(?:<([^\n<>]*)>|(\S+))(?:[ \t]+(?:"([^"]*)"|'([^']*)'|\(([^()]*)\)))?[ \t]*$/;

/**
 * Lexes `src` into block tokens with their inline content. Definitions found are added to `links`
 * (which may hold earlier ones) and resolve reference links anywhere in `src`.
 */
export function lexMarkdown(src: string, links: LinkDefinitions = {}): BlockToken[] {
  const context: LexContext = { links, pending: [] };
  const tokens = lexBlocks(src, context);
  for (const lexInlines of context.pending) lexInlines();
  return tokens;
}

/** A list item marker, if `line` starts one. */
function matchItem(line: string) {
  const match = ITEM.exec(line);
  if (!match) return undefined;
  const [, indent = '', bullet, number, delimiter, spacing = '', rest = ''] = match;
  const marker = bullet ?? `${number}${delimiter}`;
  // Five or more spaces after the marker: one belongs to the marker, the rest to indented code.
  const gap = spacing.length > 4 || rest === '' ? 1 : spacing.length;
  const content = spacing.length > 4 ? spacing.slice(1) + rest : rest;
  return {
    ordered: bullet === undefined,
    kind: bullet ?? delimiter ?? '',
    start: number === undefined ? 1 : Number(number),
    contentIndent: indent.length + marker.length + gap,
    content,
  };
}

/** Whether `line` starts a block that ends a paragraph (CommonMark's "can interrupt a paragraph"). */
function interruptsParagraph(line: string): boolean {
  if (FENCE.test(line) || ATX.test(line) || HR.test(line) || QUOTE.test(line)) return true;
  if (HTML_BLOCK.test(line)) return true;
  const item = matchItem(line);
  return item !== undefined && item.content.trim() !== '' && (!item.ordered || item.start === 1);
}

function indentOf(line: string): number {
  let width = 0;
  for (const char of line) {
    if (char === ' ') width++;
    else if (char === '\t') width += 4 - (width % 4);
    else break;
  }
  return width;
}

/** Removes up to `width` columns of leading indentation. */
function dedent(line: string, width: number): string {
  let column = 0;
  let index = 0;
  while (index < line.length && column < width) {
    const char = line[index];
    if (char === ' ') column++;
    else if (char === '\t') column += 4 - (column % 4);
    else break;
    index++;
  }
  return line.slice(index);
}

function splitCells(row: string): string[] {
  let text = row.trim();
  if (text.startsWith('|')) text = text.slice(1);
  if (text.endsWith('|') && !text.endsWith('\\|')) text = text.slice(0, -1);
  return text.split(/(?<!\\)\|/).map((cell) => cell.trim().replace(/\\\|/g, '|'));
}

function normalizeLabel(label: string): string {
  return label.trim().toLowerCase().replace(/\s+/g, ' ');
}

function lexBlocks(src: string, context: LexContext): BlockToken[] {
  const lines = src.split('\n');
  // A final newline ends the last line rather than starting an empty one.
  if (lines.length > 1 && lines.at(-1) === '') lines.pop();
  const starts: number[] = [0];
  for (const line of lines)
    starts.push(Math.min(src.length, (starts.at(-1) ?? 0) + line.length + 1));
  const count = lines.length;
  const line = (index: number) => lines[index] ?? '';
  const raw = (from: number, to: number) => src.slice(starts[from], starts[to]);
  const inline = (text: string) => {
    const tokens: InlineToken[] = [];
    context.pending.push(() => tokens.push(...lexInline(text, context, false)));
    return tokens;
  };
  const tokens: BlockToken[] = [];
  let i = 0;
  while (i < count && src !== '') {
    const current = line(i);
    const fenceMatch = FENCE.exec(current);
    const atxMatch = ATX.exec(current);
    const defMatch = DEF.exec(current);
    let j = i + 1;

    if (BLANK.test(current)) {
      while (j < count && BLANK.test(line(j))) j++;
      tokens.push({ type: 'space', raw: raw(i, j) });
    } else if (fenceMatch) {
      const fence = fenceMatch[1] ?? '```';
      const indent = indentOf(current);
      const close = new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}[ \\t]*$`);
      while (j < count && !close.test(line(j))) j++;
      const body = lines.slice(i + 1, j).map((text) => dedent(text, indent));
      // An unclosed fence runs to the end of the source (and so stays the unfinished block).
      j = Math.min(j + 1, count);
      tokens.push({
        type: 'code',
        raw: raw(i, j),
        lang: fenceMatch[2] ?? '',
        text: body.join('\n'),
        fenced: true,
      });
    } else if (atxMatch) {
      const text = (atxMatch[2] ?? '').replace(/(?:^|[ \t]+)#+[ \t]*$/, '').trim();
      tokens.push({
        type: 'heading',
        raw: raw(i, j),
        depth: atxMatch[1]?.length ?? 1,
        tokens: inline(text),
      });
    } else if (HR.test(current)) {
      tokens.push({ type: 'hr', raw: raw(i, j) });
    } else if (QUOTE.test(current)) {
      const body = [current.replace(QUOTE, '')];
      while (j < count) {
        const next = line(j);
        if (QUOTE.test(next)) body.push(next.replace(QUOTE, ''));
        // Lazy continuation: a plain line right after quoted paragraph text continues it.
        else if (!BLANK.test(next) && !BLANK.test(body.at(-1) ?? '') && !interruptsParagraph(next))
          body.push(next);
        else break;
        j++;
      }
      tokens.push({
        type: 'blockquote',
        raw: raw(i, j),
        tokens: lexBlocks(body.join('\n'), context),
      });
    } else if (matchItem(current) && !HR.test(current)) {
      j = lexList(lines, i, context, tokens, raw);
    } else if (HTML_BLOCK.test(current)) {
      if (/^ {0,3}<!--/.test(current)) {
        j = i;
        while (j < count && !line(j).includes('-->')) j++;
        j = Math.min(j + 1, count);
      } else {
        while (j < count && !BLANK.test(line(j))) j++;
      }
      tokens.push({ type: 'html', raw: raw(i, j) });
    } else if (INDENTED.test(current)) {
      let last = i;
      while (j < count && (INDENTED.test(line(j)) || BLANK.test(line(j)))) {
        if (!BLANK.test(line(j))) last = j;
        j++;
      }
      j = last + 1;
      const text = lines
        .slice(i, j)
        .map((text) => dedent(text, 4))
        .join('\n');
      tokens.push({ type: 'code', raw: raw(i, j), lang: '', text, fenced: false });
    } else if (defMatch) {
      const label = normalizeLabel(defMatch[1] ?? '');
      const href = resolveEscapes(defMatch[2] ?? defMatch[3] ?? '');
      const titleText = defMatch[4] ?? defMatch[5] ?? defMatch[6];
      const title = titleText === undefined ? undefined : resolveEscapes(titleText);
      context.links[label] ??= { href, title };
      tokens.push({ type: 'def', raw: raw(i, j), label, href, title });
    } else if (isTableStart(lines, i)) {
      const header = splitCells(current);
      const align = splitCells(line(i + 1)).map((cell): Align => {
        const left = cell.startsWith(':');
        const right = cell.endsWith(':');
        return left && right ? 'center' : right ? 'right' : left ? 'left' : null;
      });
      j = i + 2;
      const rows: InlineToken[][][] = [];
      while (j < count && !BLANK.test(line(j)) && !interruptsParagraph(line(j))) {
        const cells = splitCells(line(j));
        rows.push(header.map((_, column) => inline(cells[column] ?? '')));
        j++;
      }
      tokens.push({ type: 'table', raw: raw(i, j), align, header: header.map(inline), rows });
    } else {
      let depth = 0;
      while (j < count) {
        const next = line(j);
        if (BLANK.test(next)) break;
        const setext = SETEXT.exec(next);
        if (setext) {
          depth = setext[1]?.startsWith('=') ? 1 : 2;
          break;
        }
        if (interruptsParagraph(next) || isTableStart(lines, j)) break;
        j++;
      }
      const text = lines
        .slice(i, j)
        .map((text) => text.replace(/^[ \t]+/, ''))
        .join('\n');
      if (depth) {
        j++;
        tokens.push({ type: 'heading', raw: raw(i, j), depth, tokens: inline(text.trim()) });
      } else {
        tokens.push({ type: 'paragraph', raw: raw(i, j), tokens: inline(text) });
      }
    }
    i = j;
  }
  return tokens;
}

function isTableStart(lines: string[], index: number): boolean {
  const header = lines[index] ?? '';
  const delimiter = lines[index + 1];
  if (delimiter === undefined || !header.includes('|') || !delimiter.includes('|')) return false;
  if (!DELIMITER_ROW.test(delimiter)) return false;
  return splitCells(header).length === splitCells(delimiter).length;
}

/** Lexes the list starting at line `start`, pushes it to `tokens` and returns the line after it. */
function lexList(
  lines: string[],
  start: number,
  context: LexContext,
  tokens: BlockToken[],
  raw: (from: number, to: number) => string,
): number {
  const first = matchItem(lines[start] ?? '');
  if (!first) return start + 1;
  const bodies: string[][] = [];
  let loose = false;
  let j = start;
  while (j < lines.length) {
    const item = matchItem(lines[j] ?? '');
    if (
      !item ||
      item.ordered !== first.ordered ||
      item.kind !== first.kind ||
      HR.test(lines[j] ?? '')
    )
      break;
    const body = [item.content];
    let last = j;
    let k = j + 1;
    while (k < lines.length) {
      const next = lines[k] ?? '';
      if (BLANK.test(next)) {
        body.push('');
      } else if (indentOf(next) >= item.contentIndent) {
        body.push(dedent(next, item.contentIndent));
        last = k;
      } else if (
        !BLANK.test(lines[k - 1] ?? '') &&
        !interruptsParagraph(next) &&
        !matchItem(next)
      ) {
        body.push(next); // lazy continuation of the item's paragraph
        last = k;
      } else {
        break;
      }
      k++;
    }
    const itemBody = body.slice(0, last - j + 1);
    // A blank line between two blocks of one item makes the list loose.
    if (itemBody.some((text, index) => index > 0 && BLANK.test(text))) loose = true;
    bodies.push(itemBody);
    j = last + 1;
    let after = j;
    while (after < lines.length && BLANK.test(lines[after] ?? '')) after++;
    const following = matchItem(lines[after] ?? '');
    if (
      after === j ||
      !following ||
      following.ordered !== first.ordered ||
      following.kind !== first.kind
    ) {
      if (after !== j) break;
      continue;
    }
    loose = true; // blank lines between items
    j = after;
  }
  const items = bodies.map((body): ListItem => {
    const task = /^\[([ xX])\](?:[ \t]+|$)/.exec(body[0] ?? '');
    if (task) body[0] = (body[0] ?? '').slice(task[0].length);
    let blocks = lexBlocks(body.join('\n'), context);
    if (!loose) {
      // Tight lists show their paragraphs without paragraph spacing.
      blocks = blocks.map((block) =>
        block.type === 'paragraph' ? { ...block, type: 'text' } : block,
      );
    }
    return { task: task !== null, checked: task !== null && task[1] !== ' ', tokens: blocks };
  });
  tokens.push({
    type: 'list',
    raw: raw(start, j),
    ordered: first.ordered,
    start: first.start,
    loose,
    items,
  });
  return j;
}

const PUNCTUATION = /[!-/:-@[-`{-~]/;
/** Where something other than plain text may start. */
const SPECIAL = /[\\`<![*_~\n]|https?:\/\/|www\./g;
const AUTOLINK = /<([a-zA-Z][a-zA-Z0-9+.-]{1,31}:[^\s<>]*)>/y;
const EMAIL =
  /<([a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*)>/y;
const INLINE_HTML = /<\/?[a-zA-Z][a-zA-Z0-9-]*(?:\s[^<>]*)?\/?>|<!--[\s\S]*?-->/y;
const BARE_URL = /(?:https?:\/\/|www\.)[^\s<]+/y;
// Bounded lazy spans keep unclosed delimiters in a long answer from costing quadratic time.
const EMPHASIS: [RegExp, 'strong' | 'em' | 'del' | 'strong-em'][] = [
  [/\*\*\*(?![\s*])([\s\S]{0,4000}?[^\s*\\])\*\*\*(?!\*)/y, 'strong-em'],
  [/\*\*(?![\s*])([\s\S]{0,4000}?[^\s*\\])\*\*(?!\*)/y, 'strong'],
  [/\*(?![\s*])([\s\S]{0,4000}?[^\s*\\])\*(?!\*)/y, 'em'],
  [/__(?![\s_])([\s\S]{0,4000}?[^\s_\\])__(?![_\p{L}\p{N}])/uy, 'strong'],
  [/_(?![\s_])([\s\S]{0,4000}?[^\s_\\])_(?![_\p{L}\p{N}])/uy, 'em'],
  [/~~(?![\s~])([\s\S]{0,4000}?[^\s~\\])~~(?!~)/y, 'del'],
];
const LINK_DESTINATION =
  /\([ \t\n]*(?:<([^\n<>]*)>|((?:[^\s()\\]|\\.|\((?:[^\s()\\]|\\.)*\))*))(?:[ \t\n]+(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)'|\(((?:[^()\\]|\\.)*)\)))?[ \t\n]*\)/y;
const LINK_REFERENCE = /\[((?:[^[\]\\]|\\.){0,999})\]/y;

/** Resolves backslash escapes and character references (link destinations and titles). */
function resolveEscapes(text: string): string {
  return decodeEntities(text.replace(/\\([!-/:-@[-`{-~])/g, '$1'));
}

function matchAt(pattern: RegExp, src: string, index: number): RegExpExecArray | null {
  pattern.lastIndex = index;
  return pattern.exec(src);
}

function lexInline(src: string, context: LexContext, inLink: boolean): InlineToken[] {
  const out: InlineToken[] = [];
  let text = '';
  const flush = () => {
    if (text) out.push({ type: 'text', text: decodeEntities(text) });
    text = '';
  };
  const push = (token: InlineToken) => {
    flush();
    out.push(token);
  };
  // Code-span closers known to be missing, by backtick count: no need to search again.
  const noCloser = new Set<number>();
  let i = 0;
  while (i < src.length) {
    SPECIAL.lastIndex = i;
    const found = SPECIAL.exec(src);
    if (!found) break;
    text += src.slice(i, found.index);
    i = found.index;
    const char = src[i] ?? '';
    const previous = src[i - 1] ?? ' ';
    let match: RegExpExecArray | null;

    if (char === '\\') {
      const next = src[i + 1] ?? '';
      if (next === '\n') {
        push({ type: 'br' });
        i += 2;
      } else if (PUNCTUATION.test(next)) {
        // An escaped character is literal, including `&` (no reference follows).
        flush();
        out.push({ type: 'text', text: next });
        i += 2;
      } else {
        text += char;
        i++;
      }
    } else if (char === '\n') {
      const trimmed = text.replace(/ +$/, '');
      const hard = text.length - trimmed.length >= 2;
      text = trimmed;
      if (hard) push({ type: 'br' });
      else text += '\n';
      i++;
    } else if (char === '`') {
      let run = 1;
      while (src[i + run] === '`') run++;
      const fence = '`'.repeat(run);
      let close = noCloser.has(run) ? -1 : src.indexOf(fence, i + run);
      while (close !== -1 && src[close + run] === '`') {
        let skip = close;
        while (src[skip] === '`') skip++;
        close = src.indexOf(fence, skip);
      }
      if (close === -1) {
        noCloser.add(run);
        text += fence;
        i += run;
      } else {
        let code = src.slice(i + run, close).replace(/\n/g, ' ');
        if (/^ [\s\S]*[^ ][\s\S]* $/.test(code)) code = code.slice(1, -1);
        push({ type: 'codespan', text: code });
        i = close + run;
      }
    } else if (char === '<') {
      const autolink = inLink ? null : matchAt(AUTOLINK, src, i);
      const email = inLink || autolink ? null : matchAt(EMAIL, src, i);
      const tag = autolink || email ? null : matchAt(INLINE_HTML, src, i);
      if (autolink) {
        const url = autolink[1] ?? '';
        push({ type: 'link', href: url, title: undefined, tokens: [{ type: 'text', text: url }] });
      } else if (email) {
        const address = email[1] ?? '';
        push({
          type: 'link',
          href: `mailto:${address}`,
          title: undefined,
          tokens: [{ type: 'text', text: address }],
        });
      } else if (tag) {
        // Raw HTML is shown as the text it is.
        flush();
        out.push({ type: 'text', text: tag[0] });
      } else {
        text += char;
        i++;
        continue;
      }
      i += (autolink ?? email ?? tag)?.[0].length ?? 1;
    } else if (char === '!' || char === '[') {
      const image = char === '!';
      const link = (image ? src[i + 1] === '[' : !inLink)
        ? parseLink(src, image ? i + 1 : i, context)
        : undefined;
      if (!link) {
        text += char;
        i++;
        continue;
      }
      push(
        image
          ? { type: 'image', href: link.href, alt: resolveEscapes(link.label) }
          : {
              type: 'link',
              href: link.href,
              title: link.title,
              tokens: lexInline(link.label, context, true),
            },
      );
      i = link.end;
    } else if (char === '*' || char === '_' || char === '~') {
      // `_` does not open emphasis inside a word (snake_case_names stay as they are).
      let rule: (typeof EMPHASIS)[number] | undefined;
      match = null;
      if (char !== '_' || !/[\p{L}\p{N}]/u.test(previous)) {
        for (const candidate of EMPHASIS) {
          match = matchAt(candidate[0], src, i);
          if (match) {
            rule = candidate;
            break;
          }
        }
      }
      if (!rule || !match) {
        let run = 1;
        while (src[i + run] === char) run++;
        text += src.slice(i, i + run);
        i += run;
        continue;
      }
      const inner = lexInline(match[1] ?? '', context, inLink);
      const kind = rule[1];
      push(
        kind === 'strong-em'
          ? { type: 'em', tokens: [{ type: 'strong', tokens: inner }] }
          : { type: kind, tokens: inner },
      );
      i += match[0].length;
    } else {
      // A bare URL (GFM autolink extension), at a word boundary and outside links.
      const bare = inLink || /[\p{L}\p{N}]/u.test(previous) ? null : matchAt(BARE_URL, src, i);
      if (!bare) {
        text += char;
        i++;
        continue;
      }
      let url = bare[0];
      // Trailing punctuation ends the sentence, not the URL; so does an unbalanced `)`.
      for (;;) {
        const trimmed = url.replace(/[?!.,:*_~'";]+$/, '');
        const opened = (trimmed.match(/\(/g) ?? []).length;
        const closed = (trimmed.match(/\)/g) ?? []).length;
        const balanced = trimmed.endsWith(')') && closed > opened ? trimmed.slice(0, -1) : trimmed;
        if (balanced === url) break;
        url = balanced;
      }
      if (url.length <= 4 || url === 'http://' || url === 'https://') {
        text += url;
        i += url.length || 1;
        continue;
      }
      const href = url.startsWith('www.') ? `http://${url}` : url;
      push({ type: 'link', href, title: undefined, tokens: [{ type: 'text', text: url }] });
      i += url.length;
    }
  }
  text += src.slice(i);
  flush();
  return out;
}

/** Parses `[label](destination "title")`, `[label][ref]`, `[label][]` or `[label]` at `open`. */
function parseLink(src: string, open: number, context: LexContext) {
  let depth = 0;
  let close = -1;
  // Bounded like emphasis: an unclosed `[` in a long answer must not cost quadratic time.
  const limit = Math.min(src.length, open + 4000);
  for (let k = open; k < limit; k++) {
    const char = src[k];
    if (char === '\\') k++;
    else if (char === '[') depth++;
    else if (char === ']' && --depth === 0) {
      close = k;
      break;
    }
  }
  if (close === -1) return undefined;
  const label = src.slice(open + 1, close);
  const inline = matchAt(LINK_DESTINATION, src, close + 1);
  if (inline) {
    const title = inline[3] ?? inline[4] ?? inline[5];
    return {
      end: close + 1 + inline[0].length,
      label,
      href: resolveEscapes(inline[1] ?? inline[2] ?? ''),
      title: title === undefined ? undefined : resolveEscapes(title),
    };
  }
  const reference = matchAt(LINK_REFERENCE, src, close + 1);
  const name = reference?.[1] ? reference[1] : label;
  const definition = context.links[normalizeLabel(name)];
  if (!definition) return undefined;
  return {
    end: reference ? close + 1 + reference[0].length : close + 1,
    label,
    href: definition.href,
    title: definition.title,
  };
}
