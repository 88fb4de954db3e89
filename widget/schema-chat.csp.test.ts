// <schema-chat> on a host page with a strict CSP and Trusted Types (test-helpers/csp-page.html):
// it loads, renders every XSS payload, and causes zero violations, executions and requests — from
// the source modules and from the built drop-in bundle dist/schema-chat.js.
/// <reference types="mocha" />

import { expect } from 'chai';
import type { CspReport } from './test-helpers/csp-harness.js';
import { createXssPayloads } from './test-helpers/xss-payloads.js';

async function runStrictPage(mode: 'source' | 'bundle'): Promise<CspReport> {
  const frame = document.createElement('iframe');
  frame.title = `strict CSP page (${mode})`;
  const report = new Promise<CspReport>((resolve) => {
    window.addEventListener('message', function onMessage(event: MessageEvent) {
      if (event.source !== frame.contentWindow || event.data?.type !== 'schema-chat-csp-report')
        return;
      window.removeEventListener('message', onMessage);
      resolve(event.data.report as CspReport);
    });
  });
  frame.src = `/widget/test-helpers/csp-page.html?mode=${mode}`;
  document.body.append(frame);
  try {
    return await report;
  } finally {
    frame.remove();
  }
}

describe('<schema-chat> under a strict CSP with Trusted Types', function () {
  this.timeout(120_000);
  const payloadCount = createXssPayloads('x').length;

  for (const mode of ['source', 'bundle'] as const) {
    it(`loads and renders every payload with zero violations, executions and requests (${mode})`, async () => {
      if (mode === 'bundle') {
        const response = await fetch('/dist/schema-chat.js', { method: 'HEAD' });
        expect(response.ok, 'dist/schema-chat.js is missing: run npm run build first').to.equal(
          true,
        );
      }
      const report = await runStrictPage(mode);
      expect(report.error).to.equal(null);
      expect(report.loaded).to.equal(true);
      // The page really is strict, and its violations are seen.
      expect(report.controls).to.deep.equal({
        trustedTypesEnforced: true,
        blockedImageReported: true,
        inlineScriptBlocked: true,
      });
      expect(report.violations, 'CSP violations').to.deep.equal([]);
      expect(report.xss, 'a payload executed').to.equal(null);
      expect(report.outbound, 'outbound requests').to.deep.equal([]);
      expect(report.dangers).to.deep.equal([]);
      expect(report.answers).to.equal(payloadCount);
      // Styles come from adopted constructable stylesheets, never a <style> element.
      expect(report.styleElements).to.equal(0);
      expect(report.adoptedStyleSheets).to.be.at.least(1);
    });
  }
});
