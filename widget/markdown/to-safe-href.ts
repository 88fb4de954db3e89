// Decides whether a link in model output may become a clickable `href`: only absolute http(s) and
// mailto URLs do, normalised by the URL parser so that what is checked is what the browser follows.

import { decodeEntities } from './decode-entities.js';

const ALLOWED_PROTOCOLS = new Set(['http:', 'https:', 'mailto:']);

/**
 * Returns the normalised URL when `href` is an absolute `http:`, `https:` or `mailto:` URL, else
 * `undefined` (relative URLs, `javascript:`, `data:`, `vbscript:`, `blob:`, `file:`…). Character
 * references are decoded first unless `decode` is false (autolinks are literal).
 */
export function toSafeHref(href: string | null | undefined, decode = true): string | undefined {
  if (!href) return undefined;
  let url: URL;
  try {
    // Markdown decodes character references in link destinations, so `&#106;avascript:` is
    // `javascript:`; decode first, then let the WHATWG parser strip tabs, newlines and controls.
    url = new URL(decode ? decodeEntities(href) : href);
  } catch {
    return undefined;
  }
  if (!ALLOWED_PROTOCOLS.has(url.protocol)) return undefined;
  // Credentials in a link are a phishing device (`https://bank.com@evil.example/`).
  if (url.username || url.password) return undefined;
  return url.href;
}
