// The third-party page's HTML and Content-Security-Policy, as pure functions of where the
// schema-chat API lives.

/** The values the page template needs. */
export interface HostPageValues {
  /** Origin of the schema-chat API, e.g. `http://localhost:3001`. */
  apiOrigin: string;
  /** Where its router is mounted, e.g. `http://localhost:3001/api/v1/ai`. */
  apiUrl: string;
  /** This page's own origin (shown on the page). */
  pageOrigin: string;
  projectId: string;
  /** The visitor's JWT, as the site's backend got it for its signed-in user. */
  token: string;
}

/**
 * The strict policy the page is served with: no inline code, its own stylesheet, the widget's
 * script and API calls from the API origin only, and Trusted Types (`lit-html` is the one policy
 * the widget creates).
 */
export function hostPageCsp(apiOrigin: string): string {
  return [
    "default-src 'none'",
    `script-src ${apiOrigin}`,
    `connect-src ${apiOrigin}`,
    "style-src 'self'",
    "img-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
    "require-trusted-types-for 'script'",
    'trusted-types lit-html',
  ].join('; ');
}

/** Fills the `{{NAME}}` placeholders of `template`, HTML-escaped. Throws on an unknown name. */
export function renderHostPage(template: string, values: HostPageValues): string {
  const byName: Record<string, string> = {
    API_ORIGIN: values.apiOrigin,
    API_URL: values.apiUrl,
    PAGE_ORIGIN: values.pageOrigin,
    PROJECT_ID: values.projectId,
    TOKEN: values.token,
  };
  return template.replace(/\{\{([A-Z_]+)\}\}/g, (_match, name: string) => {
    const value = byName[name];
    if (value === undefined) throw new Error(`index.html uses an unknown placeholder {{${name}}}.`);
    return escapeHtml(value);
  });
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}
