// The page of the widget benchmark (S8), bundled by esbuild and run in Chromium: the real
// <schema-chat> element fed by a client the benchmark drives event by event, the frame probe, and
// one render of the final text on the same styles and markdown code (to check that the streamed
// answer renders the same). It exposes `window.widgetBench`; the timing itself is read from
// outside (Chrome DevTools Protocol), this page only paces the work one event per frame.

import { html, render } from 'lit';
import type {
  ChatClient,
  ChatStream,
  ChatTurnResult,
  StreamOptions,
} from '../../sdk/chat-client.js';
import type { ChatEvent } from '../../sdk/protocol.js';
import '../../widget/schema-chat.js';
import { lexMarkdown } from '../../widget/markdown/lex-markdown.js';
import { renderBlockTokens } from '../../widget/markdown/render-markdown-tokens.js';
import { schemaChatStyles } from '../../widget/schema-chat.styles.js';
import { defaultStrings } from '../../widget/schema-chat-strings.js';

const CONVERSATION_ID = '0b6f3a52-1c2d-4e5f-8a9b-0c1d2e3f4a5b';

/** Waits for the next animation frame (after it, the browser styles, lays out and paints). */
const nextFrame = () => new Promise<void>((resolve) => requestAnimationFrame(() => resolve()));

/** A ChatClient whose single stream receives the events the benchmark pushes. */
class DrivenClient {
  #onEvent: ((event: ChatEvent) => void) | undefined;
  #finish: ((result: ChatTurnResult) => void) | undefined;
  #text = '';
  readonly opened: Promise<void>;
  #opened!: () => void;

  constructor() {
    this.opened = new Promise((resolve) => {
      this.#opened = resolve;
    });
  }

  stream(_request: unknown, options: StreamOptions = {}): ChatStream {
    this.#onEvent = options.onEvent;
    const result = new Promise<ChatTurnResult>((resolve) => {
      this.#finish = resolve;
    });
    this.#opened();
    return {
      idempotencyKey: options.idempotencyKey ?? 'bench',
      result,
      abort: () => {},
      async *[Symbol.asyncIterator]() {},
    };
  }

  push(event: ChatEvent): void {
    if (event.type === 'token') this.#text += event.content;
    this.#onEvent?.(event);
  }

  finish(): void {
    const event: ChatEvent = {
      type: 'complete',
      timestamp: new Date().toISOString(),
      metadata: {
        model: 'bench',
        conversationId: CONVERSATION_ID,
        messageId: 'bench-answer',
        finishReason: 'stop',
        status: 'complete',
        usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 },
      },
    };
    this.#onEvent?.(event);
    this.#finish?.({
      conversationId: CONVERSATION_ID,
      messageId: 'bench-answer',
      content: this.#text,
      status: 'complete',
      finishReason: 'stop',
      usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 },
      model: 'bench',
      transport: 'sse',
    });
  }
}

/** A host with the widget's styles and the markup around an answer, for the references. */
function referenceHost(): HTMLElement {
  const host = document.createElement('div');
  host.style.cssText = 'display:block;width:420px;height:640px';
  const root = host.attachShadow({ mode: 'open' });
  root.adoptedStyleSheets = [schemaChatStyles.styleSheet as CSSStyleSheet];
  document.body.replaceChildren(host);
  const shell = document.createElement('section');
  shell.className = 'panel';
  shell.innerHTML =
    '<div class="log" role="log"><article class="message assistant"><div class="bubble markdown"></div></article></div>';
  root.append(shell);
  return shell.querySelector('.bubble') as HTMLElement;
}

const markdownContext = { strings: defaultStrings };
let longTasks: number[] = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) longTasks.push(entry.duration);
}).observe({ type: 'longtask', buffered: false });

let client: DrivenClient | undefined;
let sending: Promise<unknown> | undefined;

const bench = {
  /** Mounts a fresh <schema-chat> and starts a turn whose answer the benchmark streams. */
  async mountOurs(): Promise<void> {
    client = new DrivenClient();
    const element = document.createElement('schema-chat') as HTMLElement & {
      client: ChatClient;
      send(text: string): Promise<boolean>;
      updateComplete: Promise<unknown>;
    };
    element.setAttribute('project-id', 'bench');
    element.style.cssText = 'display:block;width:420px;height:640px';
    element.client = client as unknown as ChatClient;
    document.body.replaceChildren(element);
    localStorage.clear();
    await element.updateComplete;
    sending = element.send('Describe every table');
    await client.opened;
    client.push({ type: 'conversationId', conversationId: CONVERSATION_ID });
    await nextFrame();
    await nextFrame();
  },
  /** Delivers token events, one per frame (as a stream delivers them, a frame or more apart). */
  async streamOurs(events: string[]): Promise<void> {
    for (const content of events) {
      client?.push({ type: 'token', content });
      await nextFrame();
    }
  },
  /** Ends the turn and waits for the last render. */
  async finishOurs(): Promise<void> {
    client?.finish();
    await sending;
    await nextFrame();
    await nextFrame();
  },
  /** One render of the final text into a fresh answer, and the frame that lays it out. */
  async renderFinal(text: string): Promise<void> {
    const target = referenceHost();
    await nextFrame();
    render(html`${renderBlockTokens(lexMarkdown(text), markdownContext)}`, target);
    await nextFrame();
    await nextFrame();
  },
  /**
   * The cost of a frame itself: `frames` frames that each append one character to a text node of
   * a small page (nothing else changes), for the notes of the results.
   */
  async frameProbe(frames: number): Promise<void> {
    const target = document.createElement('p');
    target.textContent = 'x';
    document.body.replaceChildren(target);
    await nextFrame();
    const text = target.firstChild as Text;
    for (let i = 0; i < frames; i++) {
      text.appendData('x');
      await nextFrame();
    }
  },
  /** Text of the rendered answer (to check that each variant rendered the same thing). */
  renderedText(): string {
    const element = document.body.firstElementChild as HTMLElement | null;
    const root = element?.shadowRoot;
    const bubble = (root?.querySelector('.bubble.markdown') ??
      root?.querySelector('.bubble')) as HTMLElement | null;
    return bubble?.textContent ?? '';
  },
  /** Long tasks (> 50 ms) since the last call, ms. */
  takeLongTasks(): number[] {
    const taken = longTasks;
    longTasks = [];
    return taken;
  },
};

(window as unknown as { widgetBench: typeof bench }).widgetBench = bench;
