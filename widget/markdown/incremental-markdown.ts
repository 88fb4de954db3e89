// Renders a growing markdown answer: finished blocks are lexed and rendered once and cached, and
// each update re-lexes only the unfinished tail, so only the unfinished block re-renders.

import type { SqlCheck } from '../../sdk/protocol.js';
import { countFinalTokens } from './count-final-tokens.js';
import { type LinkDefinitions, lexMarkdown } from './lex-markdown.js';
import {
  type MarkdownContext,
  type Renderable,
  renderBlockToken,
} from './render-markdown-tokens.js';

/** One rendered top-level block. */
export interface MarkdownBlock {
  /**
   * Where the block starts in the text (made unique across restarts): the same while the block
   * is live and once it is final, so a keyed rendering keeps its elements through that change.
   */
  key: number;
  /** Whether the block is final (its template never changes again). */
  final: boolean;
  template: Renderable;
}

/** A run of consecutive final blocks, rendered together and never changed once full. */
export interface MarkdownChunk {
  /** Unique per chunk. */
  key: number;
  /** Its blocks; only the last chunk still grows (up to {@link CHUNK_SIZE}). */
  blocks: readonly MarkdownBlock[];
}

/** Final blocks per chunk: a long answer re-checks one guard per chunk per update, not per block. */
export const CHUNK_SIZE = 16;

/** Markdown line endings: CRLF and CR are LF, so that raw lengths count LF only. */
function normalizeNewlines(text: string): string {
  return text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text;
}

/** An answer's markdown, rendered incrementally as it grows (or at once, for a finished one). */
export class IncrementalMarkdown {
  /** Characters handed to the lexer so far: the work done, for tests and benchmarks. */
  lexedChars = 0;
  #context: MarkdownContext;
  /** Fenced code blocks among the final blocks: where the tail's numbering starts. */
  #finalFences = 0;
  #finalText = '';
  #chunks: Array<{ key: number; blocks: MarkdownBlock[] }> = [];
  #live: MarkdownBlock[] = [];
  #links: LinkDefinitions = {};
  /** Added to every key, moved on at each restart: a new rendering never reuses an old key. */
  #keyBase = 0;

  constructor(context: MarkdownContext) {
    this.#context = { ...context, fences: { next: 0 } };
  }

  /** The check shown under the SQL blocks (undefined: none). */
  get sqlCheck(): SqlCheck | undefined {
    return this.#context.sqlCheck;
  }

  /**
   * Shows `check` under the answer's SQL blocks from the next update on: every block is rendered
   * again once, with its verdict (the check comes when the answer ends).
   */
  setSqlCheck(check: SqlCheck | undefined): void {
    if (check === this.#context.sqlCheck) return;
    const { sqlCheck: _previous, ...rest } = this.#context;
    this.#context = check === undefined ? rest : { ...rest, sqlCheck: check };
    this.#reset();
  }

  /**
   * Renders `source`, reusing the blocks of the previous call that `source` still starts with; the
   * result is in {@link IncrementalMarkdown.chunks} and {@link IncrementalMarkdown.live}.
   */
  update(source: string): void {
    const text = normalizeNewlines(source);
    // A replaced text (a retry, a reloaded history) starts over.
    if (!text.startsWith(this.#finalText)) this.#reset();
    const tail = text.slice(this.#finalText.length);
    // Reference definitions of finished blocks still resolve links in the tail (a copy: the
    // tail's own definitions may be incomplete until they are final).
    const tokens = lexMarkdown(tail, { ...this.#links });
    this.lexedChars += tail.length;

    const finalCount = countFinalTokens(tokens, tail.length);
    let finalLength = this.#finalText.length;
    const fences = this.#context.fences as { next: number };
    fences.next = this.#finalFences;
    for (const token of tokens.slice(0, finalCount)) {
      const start = finalLength;
      finalLength += token.raw.length;
      if (token.type === 'def') {
        this.#links[token.label] ??= { href: token.href, title: token.title };
      } else if (token.type !== 'space') {
        const block: MarkdownBlock = {
          key: this.#keyBase + start,
          final: true,
          template: renderBlockToken(token, this.#context),
        };
        let chunk = this.#chunks.at(-1);
        if (!chunk || chunk.blocks.length >= CHUNK_SIZE) {
          chunk = { key: block.key, blocks: [] };
          this.#chunks.push(chunk);
        }
        chunk.blocks.push(block);
      }
    }
    this.#finalText = text.slice(0, finalLength);
    this.#finalFences = fences.next;

    const live: MarkdownBlock[] = [];
    let start = finalLength;
    for (const token of tokens.slice(finalCount)) {
      if (token.type !== 'space' && token.type !== 'def') {
        live.push({
          key: this.#keyBase + start,
          final: false,
          template: renderBlockToken(token, this.#context),
        });
      }
      start += token.raw.length;
    }
    this.#live = live;
  }

  /**
   * The blocks still to come in the last chunk: its final blocks (when it is not full) and the
   * live ones, which are rendered together so that a block turning final keeps its place.
   */
  get open(): readonly MarkdownBlock[] {
    const last = this.#chunks.at(-1);
    return last && last.blocks.length < CHUNK_SIZE ? [...last.blocks, ...this.#live] : this.#live;
  }

  /** The chunks that are full (they never change again). */
  get closed(): readonly MarkdownChunk[] {
    const last = this.#chunks.at(-1);
    return last && last.blocks.length < CHUNK_SIZE ? this.#chunks.slice(0, -1) : this.#chunks;
  }

  /** Every block of the last update, final ones first (a new array: for tests and one-off renders). */
  get blocks(): MarkdownBlock[] {
    return [...this.#chunks.flatMap((chunk) => chunk.blocks), ...this.#live];
  }

  /** The final blocks of the last {@link IncrementalMarkdown.update}, in chunks. */
  get chunks(): readonly MarkdownChunk[] {
    return this.#chunks;
  }

  /** The blocks of the last update that may still change (the unfinished tail). */
  get live(): readonly MarkdownBlock[] {
    return this.#live;
  }

  #reset(): void {
    this.#keyBase += 2 ** 32;
    this.#finalText = '';
    this.#finalFences = 0;
    this.#chunks = [];
    this.#links = {};
  }
}
