// The third-party page's template filling and its Content-Security-Policy.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hostPageCsp, renderHostPage } from './render-host-page.ts';

const template = readFileSync(new URL('./index.html', import.meta.url), 'utf8');
const values = {
  apiOrigin: 'http://localhost:3001',
  apiUrl: 'http://localhost:3001/api/v1/ai',
  pageOrigin: 'http://localhost:3002',
  projectId: 'bookstore',
  token: 'header.payload.signature',
};

describe('renderHostPage', () => {
  it('embeds the widget with one script tag from the API and one element', () => {
    const html = renderHostPage(template, values);
    expect(html.match(/<script\b[^>]*>/g)).toEqual([
      '<script type="module" src="http://localhost:3001/api/v1/ai/widget.js">',
    ]);
    expect(html.match(/<schema-chat\b/g)).toHaveLength(1);
    expect(html).toContain('api-url="http://localhost:3001/api/v1/ai"');
    expect(html).toContain('project-id="bookstore"');
    expect(html).toContain('token="header.payload.signature"');
    expect(html).not.toMatch(/\{\{|\}\}/);
  });

  it('escapes the values it fills in', () => {
    const html = renderHostPage(template, { ...values, projectId: '"><script>alert(1)</script>' });
    expect(html).toContain('project-id="&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"');
    expect(html.match(/<script\b/g)).toHaveLength(1);
  });

  it('throws on a placeholder it does not know', () => {
    expect(() => renderHostPage('<p>{{NOPE}}</p>', values)).toThrow(/\{\{NOPE\}\}/);
  });
});

describe('hostPageCsp', () => {
  it('allows scripts and connections to the API origin only, with Trusted Types', () => {
    expect(hostPageCsp('http://localhost:3001')).toBe(
      "default-src 'none'; script-src http://localhost:3001; connect-src http://localhost:3001; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; require-trusted-types-for 'script'; trusted-types lit-html",
    );
  });
});
