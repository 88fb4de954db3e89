// Styles of <schema-chat>, adopted into its shadow root (no inline <style>, so strict CSP works).
// Public knobs are the --schema-chat-* custom properties, read through private --_* ones.

import { css } from 'lit';

const darkDefaults = css`
  --_bg: var(--schema-chat-background, #0f172a);
  --_surface: var(--schema-chat-surface, #1e293b);
  --_fg: var(--schema-chat-foreground, #e2e8f0);
  --_muted: var(--schema-chat-muted, #94a3b8);
  --_border: var(--schema-chat-border, #334155);
  --_accent: var(--schema-chat-accent, #60a5fa);
  --_accent-fg: var(--schema-chat-accent-contrast, #0b1220);
  --_user-bg: var(--schema-chat-user-background, #1d4ed8);
  --_user-fg: var(--schema-chat-user-foreground, #f8fafc);
  --_code-bg: var(--schema-chat-code-background, #020617);
  --_error: var(--schema-chat-error, #fca5a5);
  color-scheme: dark;
`;

/** The element's stylesheet. */
export const schemaChatStyles = css`
  :host {
    --_bg: var(--schema-chat-background, #ffffff);
    --_surface: var(--schema-chat-surface, #f1f5f9);
    --_fg: var(--schema-chat-foreground, #0f172a);
    --_muted: var(--schema-chat-muted, #64748b);
    --_border: var(--schema-chat-border, #e2e8f0);
    --_accent: var(--schema-chat-accent, #2563eb);
    --_accent-fg: var(--schema-chat-accent-contrast, #ffffff);
    --_user-bg: var(--schema-chat-user-background, #2563eb);
    --_user-fg: var(--schema-chat-user-foreground, #ffffff);
    --_code-bg: var(--schema-chat-code-background, #0f172a);
    --_error: var(--schema-chat-error, #b91c1c);
    --_radius: var(--schema-chat-radius, 12px);
    color-scheme: light;
    display: block;
    height: var(--schema-chat-height, 32rem);
    font-family: var(--schema-chat-font-family, system-ui, -apple-system, 'Segoe UI', sans-serif);
    font-size: var(--schema-chat-font-size, 15px);
    line-height: 1.5;
    color: var(--_fg);
  }
  :host([theme='dark']) {
    ${darkDefaults}
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([theme='light'])) {
      ${darkDefaults}
    }
  }
  :host([mode='launcher']) {
    position: fixed;
    inset-inline-end: 1rem;
    bottom: 1rem;
    z-index: var(--schema-chat-z-index, 2147483000);
    height: auto;
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  [hidden] {
    display: none !important;
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  button {
    font: inherit;
    color: inherit;
    background: none;
    border: 0;
    border-radius: 8px;
    padding: 0.4rem;
    display: inline-flex;
    align-items: center;
    gap: 0.3rem;
    cursor: pointer;
  }
  button:hover {
    background: color-mix(in srgb, var(--_fg) 8%, transparent);
  }
  :focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
  .icon {
    flex: none;
  }
  .panel {
    display: flex;
    flex-direction: column;
    height: 100%;
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    overflow: hidden;
  }
  :host([mode='launcher']) .panel {
    position: fixed;
    inset-inline-end: 1rem;
    bottom: 5rem;
    width: min(var(--schema-chat-width, 24rem), calc(100vw - 2rem));
    height: min(var(--schema-chat-height, 36rem), calc(100dvh - 7rem));
    box-shadow: 0 12px 40px rgb(0 0 0 / 0.25);
  }
  .launcher {
    /* Fixed itself, so that a host page sizing the element cannot move the bubble. */
    position: fixed;
    inset-inline-end: 1rem;
    bottom: 1rem;
    width: 3.5rem;
    height: 3.5rem;
    border-radius: 50%;
    justify-content: center;
    background: var(--_accent);
    color: var(--_accent-fg);
    box-shadow: 0 6px 20px rgb(0 0 0 / 0.25);
  }
  .launcher:hover {
    background: var(--_accent);
    filter: brightness(1.1);
  }
  header {
    /* The toggle's label yields to the heading when the panel is narrow (launcher, phone). */
    container-type: inline-size;
    display: flex;
    align-items: center;
    gap: 0.25rem;
    padding: 0.5rem;
    padding-inline-start: 0.9rem;
    border-bottom: 1px solid var(--_border);
    background: var(--_surface);
  }
  .title {
    flex: 1;
    font-weight: 600;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .toggle {
    display: inline-flex;
    align-items: center;
    gap: 0.3rem;
    font-size: 0.85em;
    color: var(--_muted);
    cursor: pointer;
    padding: 0.25rem 0.4rem;
    border-radius: 8px;
  }
  @container (max-width: 26rem) {
    header button {
      padding: 0.25rem;
    }
    /* Visually hidden, still the switch's accessible name; the lightning icon stays. */
    .toggle-text {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip-path: inset(50%);
      white-space: nowrap;
    }
  }
  .toggle input {
    accent-color: var(--_accent);
    margin: 0;
  }
  .toggle:has(input:checked) {
    color: var(--_accent);
  }
  .log,
  .conversations {
    /* The containing block of what is positioned in it (the screen-reader labels of messages):
       scrolled out of view, they must not give the panel or the page a scroll area of their own. */
    position: relative;
    flex: 1;
    overflow-y: auto;
    overscroll-behavior: contain;
    padding: 0.75rem;
    display: flex;
    flex-direction: column;
    gap: 0.75rem;
  }
  .messages {
    display: flex;
    flex-direction: column;
    gap: 0.75rem;
  }
  .empty,
  .loading {
    margin: auto;
    text-align: center;
    color: var(--_muted);
    max-width: 22rem;
  }
  .older {
    align-self: center;
    border: 1px solid var(--_border);
    padding: 0.2rem 0.75rem;
    color: var(--_muted);
  }
  .message {
    display: flex;
    flex-direction: column;
    max-width: 92%;
  }
  .message.user {
    align-self: flex-end;
    align-items: flex-end;
  }
  .bubble {
    padding: 0.5rem 0.8rem;
    border-radius: var(--_radius);
    background: var(--_surface);
    overflow-wrap: anywhere;
    min-width: 0;
    max-width: 100%;
  }
  .user .bubble {
    background: var(--_user-bg);
    color: var(--_user-fg);
    white-space: pre-wrap;
  }
  .mark {
    font-size: 0.8em;
    color: var(--_muted);
    margin: 0.2rem 0.4rem 0;
  }
  .actions,
  .versions {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.1rem;
    color: var(--_muted);
    font-size: 0.85em;
  }
  .actions {
    margin-top: 0.15rem;
  }
  .actions button {
    padding: 0.25rem;
    min-width: 26px;
    min-height: 26px;
    justify-content: center;
  }
  .actions [aria-pressed='true'] {
    color: var(--_accent);
    background: color-mix(in srgb, var(--_accent) 14%, transparent);
  }
  .versions span {
    font-variant-numeric: tabular-nums;
  }
  .versions button {
    font-size: 1.3em;
    line-height: 1;
  }
  header [aria-expanded='true'] {
    color: var(--_accent);
  }
  .versions button:disabled {
    opacity: 0.45;
    cursor: default;
  }
  .conversations ul {
    margin: 0;
    padding: 0;
    list-style: none;
    display: grid;
    gap: 0.25rem;
  }
  .conversations li {
    display: flex;
    align-items: center;
  }
  .conversation {
    flex: 1;
    min-width: 0;
    flex-direction: column;
    align-items: flex-start;
    gap: 0;
    text-align: start;
    padding: 0.4rem 0.6rem;
  }
  .conversation span {
    max-width: 100%;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .conversation time {
    font-size: 0.8em;
    color: var(--_muted);
  }
  .conversation[aria-current='true'] {
    background: var(--_surface);
  }
  [data-confirm] {
    color: var(--_error);
    outline: 1px solid currentColor;
  }
  .usage {
    margin: 0 0.75rem 0.4rem;
    font-size: 0.8em;
    color: var(--_muted);
  }
  /* A long answer's finished blocks, in chunks of 16: scrolled out of view, a full chunk skips
     style, layout and paint (keeping its last size), so an update costs the same at the 5,000th
     token as at the first. Per chunk rather than per block: each such element is checked for
     visibility every frame, and a long answer has hundreds of blocks (bench S8). The last chunk,
     where text arrives, is always rendered. Its margins stand in for its first and last blocks'
     (which cannot collapse through it). */
  .markdown > .chunk {
    margin: 0.5em 0;
  }
  .markdown > .chunk:not(:last-child) {
    content-visibility: auto;
    contain-intrinsic-size: auto 24em;
  }
  .chunk > :first-child {
    margin-top: 0;
  }
  .chunk > :last-child {
    margin-bottom: 0;
  }
  .bubble > :first-child {
    margin-top: 0;
  }
  .bubble > :last-child {
    margin-bottom: 0;
  }
  .streaming > .chunk:last-child > :last-child::after {
    content: '';
    display: inline-block;
    width: 0.5em;
    height: 1.1em;
    margin-inline-start: 0.1em;
    vertical-align: text-bottom;
    background: currentColor;
    /* Solid, not blinking: it moves with every update anyway, and a blinking one is a layer of its
       own that each frame of a streamed answer must move and commit again (bench S8). */
  }
  .typing {
    display: inline-flex;
    gap: 0.25rem;
    padding: 0.35rem 0;
  }
  .typing i {
    width: 0.45rem;
    height: 0.45rem;
    border-radius: 50%;
    background: var(--_muted);
    animation: bounce 1.2s infinite ease-in-out;
  }
  .typing i:nth-child(2) {
    animation-delay: 0.15s;
  }
  .typing i:nth-child(3) {
    animation-delay: 0.3s;
  }
  @keyframes bounce {
    0%,
    80%,
    100% {
      opacity: 0.3;
      transform: translateY(0);
    }
    40% {
      opacity: 1;
      transform: translateY(-3px);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .typing i {
      animation: none;
    }
  }
  .bubble p,
  .bubble ul,
  .bubble ol,
  .bubble blockquote,
  .table-wrap,
  .code-block {
    margin: 0.5em 0;
  }
  .bubble ul,
  .bubble ol {
    padding-inline-start: 1.4em;
  }
  .heading {
    font-weight: 700;
    font-size: 1.05em;
  }
  .h1 {
    font-size: 1.25em;
  }
  .h2 {
    font-size: 1.15em;
  }
  .raw {
    white-space: pre-wrap;
    font-family: ui-monospace, monospace;
    font-size: 0.9em;
  }
  blockquote {
    padding-inline-start: 0.8em;
    border-inline-start: 3px solid var(--_border);
    color: var(--_muted);
  }
  a {
    color: var(--_accent);
  }
  code {
    font-family: ui-monospace, 'SFMono-Regular', Menlo, Consolas, monospace;
    font-size: 0.9em;
  }
  :not(pre) > code {
    padding: 0.1em 0.3em;
    border-radius: 4px;
    background: color-mix(in srgb, var(--_fg) 10%, transparent);
  }
  .code-block {
    /* SQL reads left to right, also in a right-to-left answer. */
    direction: ltr;
    border-radius: 8px;
    background: var(--_code-bg);
    color: #e2e8f0;
    overflow: hidden;
  }
  .code-bar {
    display: flex;
    align-items: center;
    justify-content: space-between;
    padding: 0.1rem 0.2rem;
    padding-inline-start: 0.7rem;
    font-size: 0.8em;
    color: #94a3b8;
  }
  .sql-check {
    margin: 0.3rem 0 0;
    font-size: 0.85em;
  }
  .sql-check[data-status='ok'] .icon {
    color: var(--schema-chat-ok, #16a34a);
  }
  .sql-check[data-status='unparsed'] .icon {
    color: var(--_muted);
  }
  p.sql-check {
    display: flex;
    gap: 0.4rem;
    align-items: center;
  }
  .sql-check[data-status='unknown-identifiers'] {
    padding: 0.4rem 0.6rem;
    border-radius: 6px;
    border-inline-start: 3px solid var(--schema-chat-warning, #d97706);
    background: color-mix(in srgb, var(--schema-chat-warning, #d97706) 12%, transparent);
  }
  .sql-check ul {
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .sql-check li {
    display: flex;
    gap: 0.4rem;
    align-items: baseline;
  }
  .sql-check .icon {
    flex: none;
    width: 1em;
    height: 1em;
    color: var(--schema-chat-warning, #d97706);
    align-self: center;
  }
  .copy[data-state='copied'] {
    color: #4ade80;
  }
  .copy[data-state='failed'] {
    color: #f87171;
  }
  /* SQL highlighting: light colours on the dark code background (AA contrast). */
  .sql-keyword {
    color: var(--schema-chat-sql-keyword, #93c5fd);
  }
  .sql-identifier {
    color: var(--schema-chat-sql-identifier, #e2e8f0);
  }
  .sql-string {
    color: var(--schema-chat-sql-string, #86efac);
  }
  .sql-number {
    color: var(--schema-chat-sql-number, #fdba74);
  }
  .sql-comment {
    color: var(--schema-chat-sql-comment, #94a3b8);
    font-style: italic;
  }
  pre {
    margin: 0;
    padding: 0 0.8rem 0.7rem;
    overflow-x: auto;
  }
  .table-wrap {
    overflow-x: auto;
  }
  table {
    border-collapse: collapse;
    font-size: 0.92em;
  }
  th,
  td {
    border: 1px solid var(--_border);
    padding: 0.25rem 0.5rem;
    text-align: start;
    /* Identifiers (organization_id) never break mid-word: a table too wide for the panel scrolls
       sideways in its region instead of squeezing its columns. */
    overflow-wrap: normal;
    word-break: normal;
  }
  .align-center {
    text-align: center;
  }
  .align-right {
    text-align: right;
  }
  .image-alt {
    color: var(--_muted);
    font-style: italic;
  }
  .notice,
  .error {
    margin: 0 0.75rem 0.5rem;
    padding: 0.45rem 0.7rem;
    border-radius: 8px;
    font-size: 0.88em;
  }
  .notice {
    background: var(--_surface);
    color: var(--_muted);
  }
  .error {
    display: flex;
    align-items: center;
    flex-wrap: wrap;
    gap: 0.4rem;
    color: var(--_error);
    border: 1px solid currentColor;
  }
  .error-text {
    flex: 1;
    min-width: 10rem;
  }
  .error code {
    background: none;
  }
  .error button {
    border: 1px solid currentColor;
    padding: 0.2rem 0.6rem;
    font-variant-numeric: tabular-nums;
  }
  .error button:disabled {
    opacity: 0.6;
    cursor: default;
  }
  .composer {
    position: sticky;
    bottom: 0;
    display: flex;
    align-items: flex-end;
    gap: 0.4rem;
    padding: 0.6rem;
    border-top: 1px solid var(--_border);
    background: var(--_bg);
  }
  textarea {
    flex: 1;
    resize: none;
    field-sizing: content;
    min-height: 2.5rem;
    max-height: 9rem;
    padding: 0.5rem 0.7rem;
    border: 1px solid var(--_border);
    border-radius: 10px;
    background: var(--_bg);
    color: inherit;
    /* At least 16px so that iOS Safari does not zoom into the page on focus. */
    font: inherit;
    font-size: max(16px, 1em);
  }
  textarea:focus-visible {
    outline-offset: 0;
  }
  .send,
  .stop {
    height: 2.5rem;
    width: 2.5rem;
    justify-content: center;
    background: var(--_accent);
    color: var(--_accent-fg);
  }
  .send:hover,
  .stop:hover {
    background: var(--_accent);
    filter: brightness(1.1);
  }
  @media (max-width: 640px) {
    /* Phones: the launcher panel takes the whole visual viewport, which shrinks with the keyboard. */
    :host([mode='launcher']) .panel {
      inset: var(--_vvt, 0) 0 auto 0;
      width: 100%;
      height: var(--_vvh, 100dvh);
      border-radius: 0;
      border: 0;
    }
  }
`;
