// Test helpers for <schema-chat>: mount with an injected client, reach into the shadow root, wait.

import type { ChatClient } from '../../sdk/chat-client.js';
import type { SchemaChat } from '../schema-chat.component.js';
import '../schema-chat.js';

const mounted: HTMLElement[] = [];

/** Options of {@link mountChat}. */
export interface MountOptions {
  client?: ChatClient;
  /** Attributes set before the element connects (as a host page's HTML would). */
  attributes?: Record<string, string>;
  /** Properties set before the element connects. */
  properties?: Partial<Pick<SchemaChat, 'strings' | 'getToken'>>;
}

/** Creates a <schema-chat project-id="p1">, appends it to the body and waits for its first render. */
export async function mountChat(options: MountOptions = {}): Promise<SchemaChat> {
  const element = document.createElement('schema-chat');
  element.setAttribute('project-id', 'p1');
  for (const [name, value] of Object.entries(options.attributes ?? {}))
    element.setAttribute(name, value);
  if (options.client) element.client = options.client;
  Object.assign(element, options.properties ?? {});
  document.body.append(element);
  mounted.push(element);
  await element.updateComplete;
  return element;
}

/** Removes every element mounted by {@link mountChat} and forgets remembered conversations (call in `afterEach`). */
export function unmountAll(): void {
  for (const element of mounted.splice(0)) element.remove();
  // Every test page shares the origin's storage: one test's conversation must not leak into the next.
  localStorage.clear();
}

/** The first element matching `selector` in the chat's shadow root; throws when absent. */
export function $(chat: SchemaChat, selector: string): HTMLElement {
  const found = chat.shadowRoot?.querySelector<HTMLElement>(selector);
  if (!found) throw new Error(`no ${selector} in <schema-chat>`);
  return found;
}

/**
 * Whether the chat's shadow root has an element matching `selector`. Assert on this boolean rather
 * than on elements: chai's message for a failed assertion on a DOM node can take minutes to build.
 */
export function has(chat: SchemaChat, selector: string): boolean {
  return chat.shadowRoot?.querySelector(selector) != null;
}

/** Every element matching `selector` in the chat's shadow root. */
export function $$(chat: SchemaChat, selector: string): HTMLElement[] {
  return [...(chat.shadowRoot?.querySelectorAll<HTMLElement>(selector) ?? [])];
}

/** The text of the assistant messages, trimmed. */
export function answers(chat: SchemaChat): string[] {
  return $$(chat, '.message.assistant .bubble').map((bubble) => bubble.textContent?.trim() ?? '');
}

/** Resolves on the next animation frame. */
export function nextFrame(): Promise<void> {
  return new Promise((resolve) => requestAnimationFrame(() => resolve()));
}

/** Polls `predicate` every frame until it is truthy; fails after `timeoutMs` with `description`. */
export async function waitFor(
  predicate: () => unknown,
  description: string,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Types into the composer and presses Enter (with the given modifiers) on it. */
export function typeAndPress(
  chat: SchemaChat,
  text: string,
  init: KeyboardEventInit = {},
): KeyboardEvent {
  const input = $(chat, 'textarea') as HTMLTextAreaElement;
  input.focus();
  input.value = text;
  input.dispatchEvent(new Event('input', { bubbles: true }));
  const event = new KeyboardEvent('keydown', {
    key: 'Enter',
    bubbles: true,
    composed: true,
    cancelable: true,
    ...init,
  });
  input.dispatchEvent(event);
  return event;
}
