// Renders a growing markdown answer: finished blocks are lexed and rendered once and cached, and
// each update re-lexes only the unfinished tail. DESIGN.md §4 (only the unfinished block re-renders).

import { Lexer, type Links, type MarkedOptions, type Tokens } from 'marked';
import { countFinalTokens } from './count-final-tokens.js';
import {
  type MarkdownContext,
  type Renderable,
  renderBlockToken,
} from './render-markdown-tokens.js';

/** One rendered top-level block. */
export interface MarkdownBlock {
  /** Unique per final block; -1 for blocks of the tail that may still change. */
  key: number;
  /** Whether the block is final (its template never changes again). */
  final: boolean;
  template: Renderable;
}

/** GitHub-flavoured markdown (tables, strikethrough, task lists, www autolinks), no extensions. */
const LEXER_OPTIONS: MarkedOptions = { gfm: true, breaks: false };

/** Markdown line endings: the lexer turns CRLF and CR into LF, so raw lengths count LF only. */
function normalizeNewlines(text: string): string {
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}

/** An answer's markdown, rendered incrementally as it grows (or at once, for a finished one). */
export class IncrementalMarkdown {
  /** Characters handed to the lexer so far: the work done, for tests and benchmarks. */
  lexedChars = 0;
  readonly #context: MarkdownContext;
  #finalText = '';
  #final: MarkdownBlock[] = [];
  #links: Links = {};
  #nextKey = 0;

  constructor(context: MarkdownContext) {
    this.#context = context;
  }

  /** Renders `source`, reusing the blocks of the previous call that `source` still starts with. */
  update(source: string): MarkdownBlock[] {
    const text = normalizeNewlines(source);
    // A replaced text (a retry, a reloaded history) starts over.
    if (!text.startsWith(this.#finalText)) this.#reset();
    const tail = text.slice(this.#finalText.length);
    const lexer = new Lexer(LEXER_OPTIONS);
    // Reference definitions of finished blocks still resolve links in the tail.
    Object.assign(lexer.tokens.links, this.#links);
    const tokens = lexer.lex(tail);
    this.lexedChars += tail.length;

    const finalCount = countFinalTokens(tokens, tail.length);
    let finalLength = this.#finalText.length;
    for (const token of tokens.slice(0, finalCount)) {
      finalLength += token.raw.length;
      if (token.type === 'def') {
        const def = token as Tokens.Def;
        this.#links[def.tag] ??= { href: def.href, title: def.title };
      } else if (token.type !== 'space') {
        this.#final.push({
          key: this.#nextKey++,
          final: true,
          template: renderBlockToken(token, this.#context),
        });
      }
    }
    this.#finalText = text.slice(0, finalLength);

    const live: MarkdownBlock[] = tokens
      .slice(finalCount)
      .filter((token) => token.type !== 'space' && token.type !== 'def')
      .map((token) => ({
        key: -1,
        final: false,
        template: renderBlockToken(token, this.#context),
      }));
    return live.length ? [...this.#final, ...live] : this.#final.slice();
  }

  #reset(): void {
    this.#finalText = '';
    this.#final = [];
    this.#links = {};
  }
}
