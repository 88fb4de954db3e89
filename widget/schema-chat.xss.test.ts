// At least 150 XSS and exfiltration payloads in model output (whole, split at random points, split
// at every position) and in user text: zero executions, nothing dangerous in the shadow DOM at any
// moment, zero outbound requests. Controls prove that each detector does detect.
/// <reference types="mocha" />

import { expect } from 'chai';
import { html, render } from 'lit';
import { IncrementalMarkdown } from './markdown/incremental-markdown.js';
import { defaultStrings } from './schema-chat-strings.js';
import { answerSteps, FakeChatClient } from './test-helpers/fake-chat-client.js';
import { $$, answers, mountChat, unmountAll, waitFor } from './test-helpers/mount-chat.js';
import { createXssPayloads, findDangers } from './test-helpers/xss-payloads.js';

declare global {
  interface Window {
    __xss?: unknown;
    __xssControl?: unknown;
  }
}

const CID = '0b6f3a52-1c2d-4e5f-8a9b-0c1d2e3f4a5b';
/** A path on the test server: a load caused by a payload is a real, observable request. */
const EXFIL = `${location.origin}/__exfil/`;
const payloads = createXssPayloads(EXFIL);

/** Splits `text` at 1–5 seeded random points. */
function randomSplit(text: string, random: () => number): string[] {
  const cuts = new Set<number>();
  const count = 1 + Math.floor(random() * 5);
  for (let i = 0; i < count; i++) cuts.add(1 + Math.floor(random() * Math.max(1, text.length - 1)));
  const points = [0, ...[...cuts].sort((a, b) => a - b), text.length];
  const pieces: string[] = [];
  for (let i = 1; i < points.length; i++) pieces.push(text.slice(points[i - 1], points[i]));
  return pieces.filter(Boolean);
}

function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 48271) % 2147483647;
    return state / 2147483647;
  };
}

/** Lets handlers, loads and timers that a payload might have triggered happen. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 500));

describe('<schema-chat> against XSS and exfiltration', function () {
  this.timeout(120_000);
  const requests: string[] = [];
  const transient: string[] = [];
  let resources: PerformanceObserver;
  const originalAlert = window.alert;

  /** Requests that left for a payload's URL or another origin. */
  const outbound = () =>
    requests.filter(
      (name) => name.includes('/__exfil/') || new URL(name).origin !== location.origin,
    );

  /** Watches a root for dangerous nodes or attributes, even ones that exist for a single frame. */
  function watch(root: Node): MutationObserver {
    const observer = new MutationObserver((mutations) => {
      for (const mutation of mutations) {
        for (const node of mutation.addedNodes) {
          if (node instanceof Element) {
            const holder = document.createElement('div');
            holder.append(node.cloneNode(true));
            transient.push(...findDangers(holder));
          }
        }
        if (mutation.type === 'attributes' && mutation.target instanceof Element) {
          const holder = document.createElement('div');
          holder.append(mutation.target.cloneNode(false));
          transient.push(...findDangers(holder));
        }
      }
    });
    observer.observe(root, { childList: true, subtree: true, attributes: true });
    return observer;
  }

  before(() => {
    window.__xss = undefined;
    // Dialogs would block the page; any call counts as an execution.
    window.alert = () => {
      window.__xss = 'alert';
    };
    resources = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) requests.push(entry.name);
    });
    resources.observe({ type: 'resource', buffered: false });
  });

  after(() => {
    resources.disconnect();
    window.alert = originalAlert;
  });

  beforeEach(() => localStorage.clear());
  afterEach(() => unmountAll());

  it('has at least 150 distinct payloads', () => {
    expect(new Set(payloads).size).to.equal(payloads.length);
    expect(payloads.length).to.be.at.least(150);
  });

  it('detects an execution, a request and a dangerous node when one happens (control)', async () => {
    const control = document.createElement('div');
    const observer = watch(control);
    document.body.append(control);
    const image = document.createElement('img');
    image.setAttribute('onerror', 'window.__xssControl = 1');
    image.src = `${EXFIL}control`;
    control.append(image);
    try {
      await waitFor(() => window.__xssControl === 1, 'the control handler to run');
      await waitFor(
        () => outbound().some((name) => name.endsWith('/__exfil/control')),
        'the control request',
      );
      expect(findDangers(control)).to.include.members(['<img>', 'img[onerror]', 'img[src]']);
      expect(transient).to.include('img[onerror]');
    } finally {
      observer.disconnect();
      control.remove();
      requests.length = 0;
      transient.length = 0;
      window.__xssControl = undefined;
    }
  });

  it('renders every payload as a streamed answer (whole, and inside markdown split at random points) and as user text', async () => {
    const random = seededRandom(20251123);
    const client = new FakeChatClient();
    for (const payload of payloads) {
      client.queueStream(answerSteps(CID, [payload]));
      client.queueStream(
        answerSteps(CID, randomSplit(`Here is the column list:\n\n${payload}\n\nDone.`, random)),
      );
    }
    const chat = await mountChat({ client });
    const observer = watch(chat.shadowRoot as ShadowRoot);
    try {
      for (const payload of payloads) {
        expect(await chat.send(payload), payload).to.equal(true);
        expect(await chat.send(payload), payload).to.equal(true);
      }
      await settle();
    } finally {
      observer.disconnect();
    }
    expect(window.__xss, 'a payload executed').to.equal(undefined);
    expect(transient, 'dangerous nodes appeared while streaming').to.deep.equal([]);
    expect(findDangers(chat.shadowRoot as ShadowRoot)).to.deep.equal([]);
    expect(outbound(), 'outbound requests').to.deep.equal([]);
    // Not vacuous: every turn rendered, and markup shows as the text it is.
    expect($$(chat, '.message.user').length).to.equal(payloads.length * 2);
    expect(answers(chat)).to.have.length(payloads.length * 2);
    expect(answers(chat)).to.include('<script>__xss=1</script>');
    expect($$(chat, '.message.user .bubble').map((bubble) => bubble.textContent)).to.include(
      `<img src="${EXFIL}raw-img">`,
    );
    // Image payloads show their alt text; links stay only where their URL is http(s).
    expect($$(chat, '.image-alt').map((span) => span.textContent)).to.include('[image: secret]');
    for (const link of $$(chat, 'a')) {
      expect(link.getAttribute('href')).to.match(/^https?:|^mailto:/);
      expect(link.getAttribute('rel')).to.equal('noopener noreferrer nofollow');
      expect(link.getAttribute('target')).to.equal('_blank');
    }
  });

  it('renders every payload split at every position (one character per token)', async () => {
    const host = document.createElement('div');
    document.body.append(host);
    const root = host.attachShadow({ mode: 'open' });
    const observer = watch(root);
    let renders = 0;
    try {
      for (const payload of payloads) {
        const markdown = new IncrementalMarkdown({ strings: defaultStrings });
        for (let end = 1; end <= payload.length; end++) {
          markdown.update(payload.slice(0, end));
          render(html`${markdown.blocks.map((block) => block.template)}`, root);
          renders++;
        }
        expect(findDangers(root), payload).to.deep.equal([]);
      }
      await settle();
    } finally {
      observer.disconnect();
      host.remove();
    }
    expect(renders).to.be.greaterThan(payloads.length * 20);
    expect(window.__xss, 'a payload executed').to.equal(undefined);
    expect(transient, 'dangerous nodes appeared in an intermediate state').to.deep.equal([]);
    expect(outbound(), 'outbound requests').to.deep.equal([]);
  });
});
