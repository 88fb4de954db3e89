// Inline SVG icons of <schema-chat> (Lucide-style strokes); static templates, decorative only.

import { html, type SVGTemplateResult, svg } from 'lit';

// The shapes are `svg` templates: inside an `html` template they would be created as HTML
// elements and never drawn.
const icon = (paths: SVGTemplateResult) =>
  html`<svg class="icon" viewBox="0 0 24 24" width="18" height="18" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">${paths}</svg>`;

/** The lightning bolt on the "Stream responses" toggle. */
export const lightningIcon = icon(svg`<path d="M13 2 3 14h9l-1 8 10-12h-9l1-8z"/>`);
/** Paper plane, on the send button. */
export const sendIcon = icon(svg`<path d="m22 2-7 20-4-9-9-4z"/><path d="M22 2 11 13"/>`);
/** Filled square, on the stop button. */
export const stopIcon = icon(
  svg`<rect x="6" y="6" width="12" height="12" rx="1" fill="currentColor"/>`,
);
/** Two sheets, on code blocks' copy button. */
export const copyIcon = icon(
  svg`<rect x="9" y="9" width="13" height="13" rx="2"/><path d="M5 15H4a2 2 0 0 1-2-2V4a2 2 0 0 1 2-2h9a2 2 0 0 1 2 2v1"/>`,
);
/** Cross, on the launcher panel's close button. */
export const closeIcon = icon(svg`<path d="M18 6 6 18M6 6l12 12"/>`);
/** Speech bubble, on the launcher button. */
export const chatIcon = icon(
  svg`<path d="M21 15a2 2 0 0 1-2 2H7l-4 4V5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2z"/>`,
);
/** Pencil on a square, on the new-conversation button. */
export const newIcon = icon(
  svg`<path d="M12 20h9"/><path d="M16.5 3.5a2.12 2.12 0 0 1 3 3L7 19l-4 1 1-4z"/>`,
);
/** Circular arrow, on the retry button. */
export const retryIcon = icon(svg`<path d="M21 12a9 9 0 1 1-3-6.7L21 8"/><path d="M21 3v5h-5"/>`);
/** Triangle with an exclamation mark, beside a SQL block's unknown names. */
export const warningIcon = icon(
  svg`<path d="m21.7 18-8-14a2 2 0 0 0-3.4 0l-8 14A2 2 0 0 0 4 21h16a2 2 0 0 0 1.7-3z"/><path d="M12 9v4M12 17h.01"/>`,
);
/** Tick, beside a SQL block that matches the schema. */
export const checkIcon = icon(svg`<path d="M20 6 9 17l-5-5"/>`);
/** Circled i, beside a SQL block the checker could not read. */
export const infoIcon = icon(svg`<circle cx="12" cy="12" r="10"/><path d="M12 16v-4M12 8h.01"/>`);
/** Three lines, on the conversations button. */
export const listIcon = icon(svg`<path d="M8 6h13M8 12h13M8 18h13M3 6h.01M3 12h.01M3 18h.01"/>`);
/** Arrow to the right, on the continue button. */
export const continueIcon = icon(svg`<path d="M5 12h14M13 6l6 6-6 6"/>`);
/** Raised thumb, on the good-answer button. */
export const thumbUpIcon = icon(
  svg`<path d="M7 10v11M15 5.9 14 10h5.8a2 2 0 0 1 2 2.3l-1.4 7A2 2 0 0 1 18.4 21H4V10h3l4-8a3 3 0 0 1 4 3.9z"/>`,
);
/** Lowered thumb, on the bad-answer button. */
export const thumbDownIcon = icon(
  svg`<path d="M17 14V3M9 18.1 10 14H4.2a2 2 0 0 1-2-2.3l1.4-7A2 2 0 0 1 5.6 3H20v11h-3l-4 8a3 3 0 0 1-4-3.9z"/>`,
);
/** Bin, on a conversation's delete button. */
export const trashIcon = icon(svg`<path d="M3 6h18M8 6V4h8v2M6 6l1 15h10l1-15"/>`);
