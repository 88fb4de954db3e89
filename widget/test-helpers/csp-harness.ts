// Runs in csp-page.html, which is served with a strict CSP and Trusted Types: loads the widget
// (source modules, or the built drop-in bundle with ?mode=bundle), streams every XSS payload
// through it, and reports violations, requests and executions to the parent test page.

import { answerSteps, FakeChatClient } from './fake-chat-client.js';
import { createXssPayloads, findDangers } from './xss-payloads.js';

/** What the harness reports to the test. */
export interface CspReport {
  loaded: boolean;
  error: string | null;
  violations: string[];
  outbound: string[];
  xss: unknown;
  dangers: string[];
  answers: number;
  styleElements: number;
  adoptedStyleSheets: number;
  controls: {
    trustedTypesEnforced: boolean;
    blockedImageReported: boolean;
    inlineScriptBlocked: boolean;
  };
}

const CID = '0b6f3a52-1c2d-4e5f-8a9b-0c1d2e3f4a5b';
const violations: string[] = [];
const requests: string[] = [];
const state = window as unknown as { __xss?: unknown; alert: (message?: unknown) => void };

document.addEventListener('securitypolicyviolation', (event) => {
  violations.push(
    `${event.effectiveDirective} ${event.blockedURI} ${event.sample} at ${event.sourceFile}:${event.lineNumber}`,
  );
});
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) requests.push(entry.name);
}).observe({ type: 'resource', buffered: false });
state.alert = () => {
  state.__xss = 'alert';
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(predicate: () => boolean, ms: number): Promise<boolean> {
  const deadline = performance.now() + ms;
  while (!predicate() && performance.now() < deadline) await sleep(20);
  return predicate();
}

/** Proves that the page's policy is in force and that its violations are seen. */
async function runControls(): Promise<CspReport['controls']> {
  let trustedTypesEnforced = false;
  try {
    document.createElement('div').innerHTML = '<b>not trusted</b>';
  } catch {
    trustedTypesEnforced = true;
  }
  const image = new Image();
  image.src = 'https://evil.example/control.png';
  const blockedImageReported = await until(
    () => violations.some((violation) => violation.includes('evil.example/control.png')),
    3000,
  );
  let inlineScriptBlocked = false;
  try {
    const script = document.createElement('script');
    script.textContent = "window.__xss = 'control'";
    document.body.append(script);
    inlineScriptBlocked = state.__xss === undefined;
    script.remove();
  } catch {
    inlineScriptBlocked = true;
  }
  return { trustedTypesEnforced, blockedImageReported, inlineScriptBlocked };
}

async function main(): Promise<CspReport> {
  // Same origin as the other test pages: start without a remembered conversation.
  localStorage.clear();
  const controls = await runControls();
  // Violation events are queued tasks: let the controls' own arrive before starting afresh.
  await sleep(200);
  violations.length = 0;
  requests.length = 0;
  state.__xss = undefined;

  const mode = new URLSearchParams(location.search).get('mode');
  const entry = mode === 'bundle' ? '/dist/schema-chat.js' : '/widget/schema-chat.ts';
  await import(/* @vite-ignore */ entry);
  await customElements.whenDefined('schema-chat');

  const payloads = createXssPayloads(`${location.origin}/__exfil/`);
  const client = new FakeChatClient();
  for (const payload of payloads) client.queueStream(answerSteps(CID, [payload]));
  const chat = document.querySelector('schema-chat') as HTMLElement & {
    client: unknown;
    updateComplete: Promise<boolean>;
    send(message: string): Promise<boolean>;
  };
  chat.client = client;
  await chat.updateComplete;
  for (const payload of payloads) await chat.send(payload);
  await sleep(500);

  const root = chat.shadowRoot as ShadowRoot;
  return {
    loaded: true,
    error: null,
    violations: [...violations],
    outbound: requests.filter(
      (name) => name.includes('/__exfil/') || new URL(name).origin !== location.origin,
    ),
    xss: state.__xss ?? null,
    dangers: findDangers(root),
    answers: root.querySelectorAll('.message.assistant').length,
    styleElements: root.querySelectorAll('style').length,
    adoptedStyleSheets: root.adoptedStyleSheets.length,
    controls,
  };
}

main()
  .catch(
    (error: unknown): CspReport => ({
      loaded: false,
      error: String(error),
      violations,
      outbound: [],
      xss: state.__xss ?? null,
      dangers: [],
      answers: 0,
      styleElements: 0,
      adoptedStyleSheets: 0,
      controls: {
        trustedTypesEnforced: false,
        blockedImageReported: false,
        inlineScriptBlocked: false,
      },
    }),
  )
  .then((report) =>
    parent.postMessage({ type: 'schema-chat-csp-report', report }, location.origin),
  );
