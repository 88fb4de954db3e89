// The <schema-chat> element: a thin Lit view over ChatController (state) and the markdown renderer.

import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { guard } from 'lit/directives/guard.js';
import { repeat } from 'lit/directives/repeat.js';
import type { ChatClient } from '../sdk/chat-client.js';
import { createChatClient } from '../sdk/create-chat-client.js';
import { ChatController, type ViewMessage } from './chat-controller.js';
import { readJwtSubject } from './conversation-memory.js';
import {
  chatIcon,
  closeIcon,
  continueIcon,
  lightningIcon,
  listIcon,
  newIcon,
  retryIcon,
  sendIcon,
  stopIcon,
  thumbDownIcon,
  thumbUpIcon,
  trashIcon,
} from './icons.js';
import { IncrementalMarkdown, type MarkdownBlock } from './markdown/incremental-markdown.js';
import type { MarkdownContext } from './markdown/render-markdown-tokens.js';
import { schemaChatStyles } from './schema-chat.styles.js';
import { schemaChatDefaults } from './schema-chat-defaults.js';
import { formatString, resolveStrings, type SchemaChatStrings } from './schema-chat-strings.js';
import { shownVersionOf } from './view-message.js';

/** `inline` (a panel in the page flow) or `launcher` (a bubble that opens a floating panel). */
export type SchemaChatMode = 'inline' | 'launcher';
/** `auto` follows the visitor's `prefers-color-scheme`. */
export type SchemaChatTheme = 'light' | 'dark' | 'auto';
/** `sse` streams tokens; `rest` waits for the whole answer. */
export type SchemaChatTransport = 'sse' | 'rest';

/**
 * An AI assistant that answers questions about a project's database schema, streamed token by
 * token. One element, one shadow root; works under a strict CSP with Trusted Types.
 *
 * @summary Embeddable chat about a project's database schema.
 * @tag schema-chat
 *
 * @attr {string} api-url - Where the schema-chat router is mounted, e.g. `https://api.example.com/api/v1/ai`. Defaults to none (required unless `client` is set).
 * @attr {string} project-id - The project whose schema the assistant answers about. Defaults to none (required).
 * @attr {string} conversation-id - Open this conversation (with its history) instead of the remembered one; it stays open through changes of project or user until a new conversation starts. Defaults to the conversation remembered for this user and project (another `api-url`, `project-id` or user opens theirs, or a new one).
 * @attr {string} token - The user's JWT, sent as `Authorization: Bearer`. Kept in memory; never stored. Defaults to none (use `getToken`).
 * @attr {'inline' | 'launcher'} mode - `inline` panel, or `launcher` bubble that opens a floating panel. Defaults to `inline`.
 * @attr {boolean} open - Whether the launcher panel is open. Defaults to false.
 * @attr {'light' | 'dark' | 'auto'} theme - Colour theme; `auto` follows `prefers-color-scheme`. Defaults to `auto`.
 * @attr {string} heading - Title in the header. Defaults to `strings.heading` ("Schema assistant").
 * @attr {string} placeholder - Placeholder of the message box. Defaults to `strings.placeholder`.
 * @attr {'sse' | 'rest'} transport - Stream answers over SSE, or fetch them whole over REST; the "Stream responses" toggle switches it. Defaults to `sse`.
 * @attr {string} nonce - CSP nonce for browsers without constructable stylesheets (Lit then writes a `<style>`). Defaults to none.
 * @attr {boolean} show-usage - Show the last answer's tokens and, when the server has a daily allowance, what is left today and when it renews (part `usage`). Defaults to false.
 *
 * @prop {ChatClient | undefined} client - A client from `createChatClient()` (or any `ChatClient`); when set, requests go through it, and the remembered conversation belongs to the user of its `currentToken()` (or of `token`/`getToken` when set). Defaults to one created from `api-url`.
 * @prop {(() => string | Promise<string>) | undefined} getToken - Returns a fresh JWT; called when no `token` is set and once after a 401. Defaults to none.
 * @prop {Partial<SchemaChatStrings> | undefined} strings - Overrides of any user-visible text (merged over the English defaults). Defaults to none.
 *
 * @fires {SchemaChatSendEvent} schema-chat-send - A message is about to be sent; cancelable.
 * @fires {SchemaChatResponseEvent} schema-chat-response - An answer finished or was stopped (a stopped one once the server has answered the stop, with its model and usage).
 * @fires {SchemaChatErrorEvent} schema-chat-error - Something the user asked for failed: a turn, the history, the conversation list or a deletion, or a rating (`operation` says which).
 * @fires {SchemaChatConversationChangeEvent} schema-chat-conversation-change - The current conversation changed.
 * @fires {SchemaChatFeedbackEvent} schema-chat-feedback - The user rated an answer (or took the rating back) and the server stored it: `conversationId`, `messageId`, `rating`.
 *
 * @slot empty - Shown before the first message. Defaults to `strings.empty`.
 * @slot launcher-icon - Icon of the launcher bubble. Defaults to a speech bubble.
 *
 * @csspart launcher - The launcher bubble button.
 * @csspart panel - The chat panel.
 * @csspart header - The header bar.
 * @csspart toggle - The "Stream responses" toggle.
 * @csspart log - The scrolling conversation log.
 * @csspart message - Every message.
 * @csspart user-message - The user's messages.
 * @csspart assistant-message - The assistant's messages.
 * @csspart code-block - A code block in an answer.
 * @csspart sql-check - Under a SQL block of an answer: how it fits the project's schema (`data-status` is `ok`, `unknown-identifiers` or `unparsed`).
 * @csspart link - A link in an answer.
 * @csspart notice - The REST-fallback notice.
 * @csspart error - The error display.
 * @csspart composer - The form at the bottom.
 * @csspart input - The message box.
 * @csspart button - Every button.
 * @csspart send-button - The send button.
 * @csspart stop-button - The stop button.
 * @csspart new-button - The new-conversation button.
 * @csspart close-button - The launcher panel's close button.
 * @csspart retry-button - The error display's retry button.
 * @csspart older-button - Above the oldest message shown: loads the earlier ones.
 * @csspart copy-button - A code block's copy button.
 * @csspart actions - The row of buttons under an answer.
 * @csspart regenerate-button - On the last answer once it has ended: asks its question again (the new answer becomes its latest version).
 * @csspart continue-button - On a stopped or interrupted last answer: the model goes on where it ended.
 * @csspart version-switcher - On an answer with earlier versions: ‹ n/N › to page between them.
 * @csspart version-previous - The switcher's button to the earlier version.
 * @csspart version-next - The switcher's button to the later version.
 * @csspart feedback-up - On every finished answer: rates it good (a pressed toggle, `aria-pressed`).
 * @csspart feedback-down - On every finished answer: rates it bad (a pressed toggle, `aria-pressed`).
 * @csspart conversations-button - In the header: shows the user's conversations in this project.
 * @csspart conversation-list - The list of the user's conversations, newest first, in place of the log.
 * @csspart conversation-item - A conversation of the list (its title and date): opens it.
 * @csspart conversation-delete - Deletes a conversation of the list, once pressed again to confirm.
 * @csspart conversations-more - Below the list: loads older conversations.
 * @csspart usage - With `show-usage`: the last answer's tokens and what is left of the daily allowance.
 *
 * @cssprop [--schema-chat-accent=#2563eb] - Buttons, links, focus rings (dark: #60a5fa).
 * @cssprop [--schema-chat-accent-contrast=#ffffff] - Text on the accent colour.
 * @cssprop [--schema-chat-background=#ffffff] - Panel background (dark: #0f172a).
 * @cssprop [--schema-chat-surface=#f1f5f9] - Header and answer bubbles (dark: #1e293b).
 * @cssprop [--schema-chat-foreground=#0f172a] - Text (dark: #e2e8f0).
 * @cssprop [--schema-chat-muted=#64748b] - Secondary text (dark: #94a3b8).
 * @cssprop [--schema-chat-border=#e2e8f0] - Borders (dark: #334155).
 * @cssprop [--schema-chat-user-background=#2563eb] - The user's bubbles.
 * @cssprop [--schema-chat-user-foreground=#ffffff] - Text of the user's bubbles.
 * @cssprop [--schema-chat-code-background=#0f172a] - Code blocks.
 * @cssprop [--schema-chat-error=#b91c1c] - The error display (dark: #fca5a5).
 * @cssprop [--schema-chat-warning=#d97706] - Names a SQL block uses that the schema lacks.
 * @cssprop [--schema-chat-ok=#16a34a] - The tick of a SQL block that matches the schema.
 * @cssprop [--schema-chat-sql-keyword=#93c5fd] - SQL keywords in code blocks.
 * @cssprop [--schema-chat-sql-identifier=#e2e8f0] - SQL identifiers (tables, columns, quoted names).
 * @cssprop [--schema-chat-sql-string=#86efac] - SQL string literals.
 * @cssprop [--schema-chat-sql-number=#fdba74] - SQL numbers.
 * @cssprop [--schema-chat-sql-comment=#94a3b8] - SQL comments.
 * @cssprop [--schema-chat-radius=12px] - Corner radius.
 * @cssprop [--schema-chat-font-family=system-ui] - Font.
 * @cssprop [--schema-chat-font-size=15px] - Base font size.
 * @cssprop [--schema-chat-height=32rem] - Height inline (launcher panel: 36rem).
 * @cssprop [--schema-chat-width=24rem] - Width of the launcher panel.
 * @cssprop [--schema-chat-z-index=2147483000] - Stacking of the launcher.
 */
export class SchemaChat extends LitElement {
  static override styles = schemaChatStyles;

  static override properties = {
    apiUrl: { type: String, attribute: 'api-url' },
    projectId: { type: String, attribute: 'project-id' },
    conversationId: { type: String, attribute: 'conversation-id' },
    token: { type: String },
    mode: { type: String, reflect: true },
    isOpen: { type: Boolean, reflect: true, attribute: 'open' },
    theme: { type: String, reflect: true },
    heading: { type: String },
    placeholder: { type: String },
    transport: { type: String, reflect: true },
    showUsage: { type: Boolean, attribute: 'show-usage' },
    client: { attribute: false },
    getToken: { attribute: false },
    strings: { attribute: false },
  };

  /** Where the schema-chat router is mounted. Defaults to none. */
  declare apiUrl: string | undefined;
  /** The project the assistant answers about. Defaults to none. */
  declare projectId: string | undefined;
  /** The current conversation: set it to open one; it follows the conversation shown. Defaults to the remembered one. */
  declare conversationId: string | undefined;
  /** The user's JWT (memory only). Defaults to none. */
  declare token: string | undefined;
  /** Inline panel or launcher bubble. Defaults to `inline`. */
  declare mode: SchemaChatMode;
  /** Whether the launcher panel is open (attribute `open`). Defaults to false. */
  declare isOpen: boolean;
  /** Colour theme. Defaults to `auto`. */
  declare theme: SchemaChatTheme;
  /** Header title. Defaults to `strings.heading`. */
  declare heading: string | undefined;
  /** Message box placeholder. Defaults to `strings.placeholder`. */
  declare placeholder: string | undefined;
  /** `sse` (streamed) or `rest` (whole answers). Defaults to `sse`. */
  declare transport: SchemaChatTransport;
  /** Whether the usage line is shown (attribute `show-usage`). Defaults to false. */
  declare showUsage: boolean;
  /** An injected client; wins over `api-url`/`token`/`getToken`. Defaults to one created from `api-url`. */
  declare client: ChatClient | undefined;
  /** Returns a fresh JWT (for refresh). Defaults to none. */
  declare getToken: (() => string | Promise<string>) | undefined;
  /** Overrides of the user-visible texts. Defaults to none (English). */
  declare strings: Partial<SchemaChatStrings> | undefined;

  readonly #controller: ChatController;
  #resolvedStrings: SchemaChatStrings = resolveStrings();
  #markdownContext: MarkdownContext = { strings: this.#resolvedStrings };
  #markdown = new WeakMap<ViewMessage, IncrementalMarkdown>();
  #ownClient: ChatClient | undefined;
  #rejectedApiUrl: string | undefined;
  #identity: string | undefined;
  /** The API, user and client part of `#identity`. */
  #user: string | undefined;
  /**
   * The conversation the host asked for (`conversation-id`), until the element moves away from it
   * (a new conversation, say). One the element picked itself is not pinned: another API, project
   * or user then opens that user's remembered conversation for that project, or a new one.
   */
  #pinnedConversationId: string | undefined;
  /** Whether the log follows its newest message (until the reader scrolls up). */
  #stickToBottom = true;
  /** Where the element itself last scrolled the log: a scroll above it is the reader's. */
  #autoScrollTop = 0;
  /** Whether the next scroll event is the element's own scroll to the bottom. */
  #scrolledItself = false;
  /**
   * Sizes in the log settle after a render (markdown blocks off screen are only estimated until
   * shown, a launcher panel has none while closed): while following, each change scrolls again.
   */
  readonly #resizes =
    typeof ResizeObserver === 'function'
      ? new ResizeObserver(() => this.#followBottom())
      : undefined;
  /** The log and its messages' container being observed (both are new after the list closes). */
  #observed: Element[] = [];
  #viewportListener = () => this.#trackViewport();
  /** The conversation whose delete button was pressed once (a second press deletes it). */
  #confirmingDelete: string | undefined;

  constructor() {
    super();
    this.mode = schemaChatDefaults.mode;
    this.isOpen = schemaChatDefaults.open;
    this.theme = schemaChatDefaults.theme;
    this.transport = schemaChatDefaults.transport;
    this.showUsage = false;
    this.#controller = new ChatController(this, {
      getConfig: () => ({
        client: this.#client(),
        projectId: this.projectId || undefined,
        apiUrl: this.apiUrl,
        token: this.token || undefined,
        getToken: this.getToken,
        conversationId: this.#pinnedConversationId,
        transport: this.transport === 'rest' ? 'rest' : schemaChatDefaults.transport,
        strings: this.#resolvedStrings,
        showUsage: this.showUsage,
      }),
      onConversationChange: (id) => {
        if (id !== this.#pinnedConversationId) this.#pinnedConversationId = undefined;
        this.conversationId = id;
      },
    });
  }

  /**
   * Sends a message (by default the composer's text, which is then cleared). Resolves when the
   * answer has finished: true if it arrived (or was stopped), false if nothing was sent or it
   * failed (whatever else, a rating or the list, failed meanwhile).
   */
  async send(message?: string): Promise<boolean> {
    const input = this.#input();
    const text = message ?? input?.value ?? '';
    if (!this.#controller.send(text)) return false;
    if (message === undefined && input) input.value = '';
    this.#stickToBottom = true;
    return this.#controller.turnEnded();
  }

  /** Stops the answer being written; the partial answer stays, marked stopped. */
  stop(): void {
    this.#controller.stop();
  }

  /**
   * Asks the last answer's question again; the new answer takes its place (the old one stays as
   * an earlier version). Resolves like {@link send}; false when there is nothing to regenerate.
   */
  async regenerate(): Promise<boolean> {
    if (!this.#controller.regenerate()) return false;
    this.#stickToBottom = true;
    return this.#controller.turnEnded();
  }

  /**
   * Lets the model go on with the last answer when it was stopped or interrupted. Resolves like
   * {@link send}; false when the last answer is not cut.
   */
  async continueAnswer(): Promise<boolean> {
    if (!this.#controller.continueAnswer()) return false;
    this.#stickToBottom = true;
    return this.#controller.turnEnded();
  }

  /** Clears the view and starts a new conversation (the next message creates it). */
  newConversation(): void {
    this.#controller.newConversation();
    this.#input()?.focus();
  }

  /** Logout: drops the running answer, the messages and the remembered conversation. */
  reset(): void {
    this.#controller.reset();
    const input = this.#input();
    if (input) input.value = '';
  }

  /** Opens the launcher panel and focuses the message box. */
  async open(): Promise<void> {
    this.isOpen = true;
    await this.updateComplete;
    this.#input()?.focus();
  }

  /** Closes the launcher panel and returns focus to the bubble. */
  async close(): Promise<void> {
    const hadFocus = this.shadowRoot?.activeElement != null;
    this.isOpen = false;
    await this.updateComplete;
    if (hadFocus) this.renderRoot.querySelector<HTMLButtonElement>('.launcher')?.focus();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    globalThis.visualViewport?.addEventListener('resize', this.#viewportListener);
    globalThis.visualViewport?.addEventListener('scroll', this.#viewportListener);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    globalThis.visualViewport?.removeEventListener('resize', this.#viewportListener);
    globalThis.visualViewport?.removeEventListener('scroll', this.#viewportListener);
    this.#resizes?.disconnect();
    this.#observed = [];
  }

  protected override createRenderRoot(): HTMLElement | DocumentFragment {
    // Lit adopts constructable stylesheets (CSP-neutral); only where they are missing does it write
    // a <style>, which then needs the page's nonce. `this.nonce` survives the browser's nonce hiding.
    const nonce = this.nonce || this.getAttribute('nonce');
    const lit = globalThis as { litNonce?: string };
    if (nonce && !lit.litNonce) lit.litNonce = nonce;
    return super.createRenderRoot();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('strings')) {
      this.#resolvedStrings = resolveStrings(this.strings);
      this.#markdownContext = { strings: this.#resolvedStrings };
      this.#markdown = new WeakMap();
    }
    if (changed.has('apiUrl') || changed.has('getToken')) this.#ownClient = undefined;
    if (changed.has('token')) this.#ownClient?.setToken(this.token || undefined);
    if (changed.has('mode') && this.mode !== 'inline' && this.mode !== 'launcher') {
      console.warn(
        `<schema-chat>: mode="${this.mode}" is neither "inline" nor "launcher"; using "${schemaChatDefaults.mode}".`,
      );
      this.mode = schemaChatDefaults.mode;
    }
    // Another API, project, user or client is another conversation: start over. A conversation-id
    // the controller itself moved to is not a change.
    const user = JSON.stringify([
      this.apiUrl ?? '',
      readJwtSubject(this.token) ?? '',
      Boolean(this.#client()),
    ]);
    const identity = `${user}${JSON.stringify(this.projectId ?? '')}`;
    const conversationMoved =
      changed.has('conversationId') &&
      (this.conversationId || undefined) !== this.#controller.conversationId;
    if (conversationMoved) this.#pinnedConversationId = this.conversationId || undefined;
    else if (this.#user !== undefined && user !== this.#user) {
      // A conversation the host pinned for one user is not the next user's (the server would
      // answer 404): the new user opens their own remembered conversation, unless the host pins
      // another with the change. The same user keeps a pinned conversation across projects.
      this.#pinnedConversationId = undefined;
    }
    this.#user = user;
    if (identity !== this.#identity || changed.has('client') || conversationMoved) {
      this.#identity = identity;
      void this.#controller.load();
    } else if (changed.has('getToken')) {
      // A new getToken may sign in someone else: their conversation, if the key says so.
      void this.#controller.checkOwner();
    }
    // Turned on after the first render: the allowance is asked for now, not at the next load.
    if (changed.get('showUsage') === false && this.showUsage) void this.#controller.loadQuota();
  }

  protected override updated(): void {
    const log = this.renderRoot.querySelector<HTMLElement>('.log');
    if (!log) return;
    if (!this.#resizes) {
      this.#followBottom();
      return;
    }
    // The log follows its newest message from the ResizeObserver, which runs after layout: a
    // scroll here would read the log's height in the middle of an update and force a layout of
    // its own every frame of a streamed answer (bench S8). The log (its own size) and the
    // container of its messages (which grows with every new message and every new line) are
    // observed once each.
    const messages = log.querySelector('.messages');
    const targets = messages ? [log, messages] : [log];
    if (targets.every((element, i) => this.#observed[i] === element)) return;
    for (const element of this.#observed) this.#resizes.unobserve(element);
    for (const element of targets) this.#resizes.observe(element);
    this.#observed = targets;
  }

  /** Scrolls the log to its newest message while it follows it. */
  #followBottom(): void {
    if (!this.#stickToBottom) return;
    const log = this.renderRoot.querySelector<HTMLElement>('.log');
    if (!log) return;
    const previous = log.scrollTop;
    log.scrollTop = log.scrollHeight;
    this.#autoScrollTop = log.scrollTop;
    if (this.#autoScrollTop !== previous) this.#scrolledItself = true;
  }

  protected override render() {
    const launcher = this.mode === 'launcher';
    return html`
      ${launcher ? this.#renderLauncher() : nothing}
      <section
        id="panel"
        class="panel"
        part="panel"
        role=${launcher ? 'dialog' : 'region'}
        aria-labelledby="title"
        ?hidden=${launcher && !this.isOpen}
        @keydown=${this.#onPanelKeydown}
      >
        ${this.#renderHeader()}
        ${this.#controller.list.open ? this.#renderConversations() : this.#renderLog()}
        ${this.#renderNotice()} ${this.#renderError()} ${this.#renderUsage()}
        ${this.#renderComposer()}
        <p class="sr-only" role="status">${this.#controller.announcement}</p>
      </section>
    `;
  }

  /** The launcher bubble that opens and closes the panel. */
  #renderLauncher() {
    const s = this.#resolvedStrings;
    return html`<button
      type="button"
      class="launcher"
      part="launcher button"
      aria-label=${this.isOpen ? s.close : s.open}
      aria-expanded=${this.isOpen ? 'true' : 'false'}
      aria-controls="panel"
      @click=${() => (this.isOpen ? this.close() : this.open())}
    ><slot name="launcher-icon">${chatIcon}</slot></button>`;
  }

  /** Title, the "Stream responses" toggle, new conversation, and the launcher's close button. */
  #renderHeader() {
    const s = this.#resolvedStrings;
    return html`<header part="header">
      <span class="title" id="title">${this.heading || s.heading}</span>
      <label class="toggle" part="toggle" title=${s.streamToggle}>
        <input
          type="checkbox"
          role="switch"
          .checked=${this.transport !== 'rest'}
          @change=${this.#onToggle}
        />${lightningIcon}<span class="toggle-text">${s.streamToggle}</span>
      </label>
      <button
        type="button"
        part="button conversations-button"
        aria-label=${s.conversations}
        title=${s.conversations}
        aria-expanded=${this.#controller.list.open ? 'true' : 'false'}
        aria-controls="conversations"
        @click=${() => this.#controller.toggleConversations()}
      >${listIcon}</button>
      <button
        type="button"
        part="button new-button"
        aria-label=${s.newConversation}
        title=${s.newConversation}
        @click=${() => this.newConversation()}
      >${newIcon}</button>
      ${
        this.mode === 'launcher'
          ? html`<button
            type="button"
            part="button close-button"
            aria-label=${s.close}
            title=${s.close}
            @click=${() => this.close()}
          >${closeIcon}</button>`
          : nothing
      }
    </header>`;
  }

  /** The conversation: loading or empty state, the earlier-messages button, the messages. */
  #renderLog() {
    const s = this.#resolvedStrings;
    const controller = this.#controller;
    const loading = controller.phase === 'loading';
    const busy = controller.streaming || loading || controller.loadingOlder;
    let placeholder: unknown = nothing;
    if (loading) placeholder = html`<p class="loading">${s.loading}</p>`;
    else if (controller.messages.length === 0) {
      placeholder = html`<slot name="empty"><p class="empty">${s.empty}</p></slot>`;
    }
    return html`<div
      class="log"
      part="log"
      role="log"
      aria-live="polite"
      aria-relevant="additions"
      aria-label=${s.logLabel}
      aria-busy=${busy ? 'true' : 'false'}
      tabindex="0"
      @scroll=${this.#onScroll}
    >
      ${placeholder}
      ${
        controller.olderCursor && !loading
          ? html`<button
            type="button"
            class="older"
            part="button older-button"
            ?disabled=${controller.loadingOlder}
            @click=${this.#loadOlder}
          >${controller.loadingOlder ? s.loading : s.loadOlder}</button>`
          : nothing
      }
      <div class="messages">${repeat(
        controller.messages,
        (message) => message.id,
        (message) => {
          const shown = shownVersionOf(message);
          // Only the last answer, once nothing runs, offers Regenerate and Continue.
          const last = message === controller.lastAnswer && controller.phase === 'idle';
          return guard(
            [
              message.content,
              message.status,
              message.sqlCheck,
              this.#markdownContext,
              shown,
              shown.feedback,
              shown.answerId,
              last,
            ],
            () => this.#renderMessage(message, last),
          );
        },
      )}</div>
    </div>`;
  }

  /** The REST-fallback notice. */
  #renderNotice() {
    const { notice } = this.#controller;
    return notice ? html`<p class="notice" part="notice" role="status">${notice}</p>` : nothing;
  }

  /** The error on display: its text, its code, and a retry (counting a server's wait down). */
  #renderError() {
    const s = this.#resolvedStrings;
    const { error, canRetry, retryWait } = this.#controller;
    if (!error) return nothing;
    const retry = canRetry
      ? html`<button
          type="button"
          part="button retry-button"
          ?disabled=${retryWait > 0}
          @click=${() => this.#retry()}
        >
          ${retryIcon}${retryWait > 0 ? formatString(s.retryIn, { seconds: retryWait }) : s.retry}
        </button>`
      : nothing;
    return html`<div class="error" part="error" role="alert">
      <span class="error-text">${error.message}</span>
      <code>${error.status ? `${error.status} ${error.code}` : error.code}</code>
      ${retry}
    </div>`;
  }

  /** The message box with send, or stop while an answer is written. */
  #renderComposer() {
    const s = this.#resolvedStrings;
    const controller = this.#controller;
    const button = controller.streaming
      ? html`<button
          type="button"
          class="stop"
          part="button stop-button"
          aria-label=${s.stop}
          title=${s.stop}
          @click=${this.#onStop}
        >${stopIcon}</button>`
      : html`<button
          type="submit"
          class="send"
          part="button send-button"
          aria-label=${s.send}
          title=${s.send}
          ?disabled=${controller.phase === 'loading'}
        >${sendIcon}</button>`;
    return html`<form class="composer" part="composer" @submit=${this.#onSubmit}>
      <textarea
        part="input"
        dir="auto"
        rows="1"
        enterkeyhint="send"
        aria-label=${s.inputLabel}
        placeholder=${this.placeholder || s.placeholder}
        @keydown=${this.#onInputKeydown}
      ></textarea>
      ${button}
    </form>`;
  }

  #renderMessage(message: ViewMessage, last: boolean) {
    const s = this.#resolvedStrings;
    const user = message.role === 'user';
    const shown = shownVersionOf(message);
    const mark =
      shown.status === 'stopped' ? s.stopped : shown.status === 'interrupted' ? s.interrupted : '';
    return html`<article class="message ${message.role}" part="message ${message.role}-message">
      <span class="sr-only">${user ? s.you : s.assistant}:</span>
      ${user ? html`<div class="bubble" dir="auto">${message.content}</div>` : this.#renderAnswer(shown)}
      ${mark ? html`<p class="mark">${mark}</p>` : nothing}
      ${user ? nothing : this.#renderActions(message, shown, last)}
    </article>`;
  }

  /** Under an answer: its versions, its rating, and on the last one Continue and Regenerate. */
  #renderActions(message: ViewMessage, shown: ViewMessage, last: boolean) {
    const s = this.#resolvedStrings;
    const controller = this.#controller;
    const count = (message.versions?.length ?? 0) + 1;
    const index = message.shownVersion ?? count - 1;
    const ended = shown.status !== 'pending' && shown.status !== 'streaming';
    const button = (
      part: string,
      label: string,
      icon: unknown,
      onClick: () => void,
      pressed?: boolean,
    ) =>
      html`<button type="button" part="button ${part}" aria-label=${label} title=${label} aria-pressed=${pressed === undefined ? nothing : pressed ? 'true' : 'false'} @click=${onClick}>${icon}</button>`;
    const page = (to: number) => async (event: Event) => {
      const pressed = event.currentTarget as HTMLButtonElement;
      controller.showVersion(message, to);
      this.requestUpdate();
      await this.updateComplete;
      // The first or last version reached disables its button: the focus moves to the other one.
      if (pressed.disabled) {
        pressed.parentElement?.querySelector<HTMLButtonElement>('button:not([disabled])')?.focus();
      }
    };
    const items = [
      count > 1
        ? html`<div class="versions" part="version-switcher" role="group" aria-label=${s.versions}><button type="button" part="button version-previous" aria-label=${s.previousVersion} title=${s.previousVersion} ?disabled=${index === 0} @click=${page(index - 1)}>‹</button><span>${index + 1}/${count}</span><button type="button" part="button version-next" aria-label=${s.nextVersion} title=${s.nextVersion} ?disabled=${index === count - 1} @click=${page(index + 1)}>›</button></div>`
        : nothing,
      ended && shown.answerId && shown.content
        ? [
            button(
              'feedback-up',
              s.feedbackUp,
              thumbUpIcon,
              () => void controller.rate(message, 'up'),
              shown.feedback === 'up',
            ),
            button(
              'feedback-down',
              s.feedbackDown,
              thumbDownIcon,
              () => void controller.rate(message, 'down'),
              shown.feedback === 'down',
            ),
          ]
        : nothing,
      last && index === count - 1 && (shown.status === 'stopped' || shown.status === 'interrupted')
        ? button('continue-button', s.continue, continueIcon, () => {
            void this.continueAnswer();
            this.#keepFocusInComposer();
          })
        : nothing,
      last
        ? button('regenerate-button', s.regenerate, retryIcon, () => {
            void this.regenerate();
            this.#keepFocusInComposer();
          })
        : nothing,
    ];
    return items.every((item) => item === nothing)
      ? nothing
      : html`<div class="actions" part="actions">${items}</div>`;
  }

  /** The user's conversations in the project, newest first, in place of the log. */
  #renderConversations() {
    const s = this.#resolvedStrings;
    const { list } = this.#controller;
    const date = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
    return html`<nav id="conversations" class="conversations" part="conversation-list" aria-label=${s.conversations} aria-busy=${list.loading ? 'true' : 'false'}>
      ${
        list.items.length === 0
          ? html`<p class="empty">${list.loading ? s.loading : s.conversationsEmpty}</p>`
          : html`<ul>${repeat(
              list.items,
              (item) => item.id,
              (item) => {
                const confirming = this.#confirmingDelete === item.id;
                const label = formatString(confirming ? s.confirmDelete : s.deleteConversation, {
                  title: item.title,
                });
                return html`<li>
                  <button type="button" class="conversation" part="button conversation-item" aria-current=${item.id === this.#controller.conversationId ? 'true' : nothing} @click=${() => this.#openConversation(item.id)}><span dir="auto">${item.title}</span><time datetime=${item.updatedAt}>${date.format(new Date(item.updatedAt))}</time></button>
                  <button type="button" part="button conversation-delete" aria-label=${label} title=${label} data-confirm=${confirming ? 'true' : nothing} @click=${() => this.#deleteConversation(item.id)} @blur=${() => this.#cancelDelete(item.id)}>${trashIcon}</button>
                </li>`;
              },
            )}</ul>`
      }
      ${
        list.nextCursor
          ? html`<button type="button" class="older" part="button conversations-more" ?disabled=${list.loading} @click=${() => this.#controller.loadConversations(true)}>${s.conversationsMore}</button>`
          : nothing
      }
    </nav>`;
  }

  /** With `show-usage`: the last answer's tokens, and what is left of the daily allowance. */
  #renderUsage() {
    if (!this.showUsage) return nothing;
    const s = this.#resolvedStrings;
    const { messages, quota } = this.#controller;
    const usage = messages.findLast((message) => message.usage)?.usage;
    const parts: string[] = [];
    const count = (n: number) => n.toLocaleString();
    if (usage) parts.push(formatString(s.usageLast, { tokens: count(usage.totalTokens) }));
    if (quota?.limit !== undefined) {
      const time = new Date(quota.resetsAt).toLocaleTimeString([], { timeStyle: 'short' });
      const left = Math.max(0, quota.limit - quota.used);
      parts.push(formatString(s.usageLeft, { left: count(left), limit: count(quota.limit), time }));
    }
    return parts.length === 0
      ? nothing
      : html`<p class="usage" part="usage">${parts.join(' · ')}</p>`;
  }

  #renderAnswer(message: ViewMessage) {
    if (message.status === 'pending') {
      return html`<div class="bubble" dir="auto"><span class="typing" role="img" aria-label=${this.#resolvedStrings.typing}
        ><i></i><i></i><i></i></span></div>`;
    }
    if (!message.content) return nothing;
    let markdown = this.#markdown.get(message);
    if (!markdown) {
      markdown = new IncrementalMarkdown(this.#markdownContext);
      this.#markdown.set(message, markdown);
    }
    markdown.setSqlCheck(message.sqlCheck);
    markdown.update(message.content);
    // Full chunks of finished blocks are rendered once; the open chunk (its finished blocks and
    // the unfinished tail) each time, keyed by where each block starts, so a block that turns
    // final keeps its elements (no new elements to style and lay out) and an update costs the
    // same at the 5,000th token as at the first. The open chunk becomes a closed one in place.
    const closed = markdown.closed;
    const open = markdown.open;
    return html`<div class="bubble markdown ${message.status === 'streaming' ? 'streaming' : ''}" dir="auto">${[
      ...closed.map((chunk) =>
        guard([chunk.key, chunk.blocks.length], () => renderChunk(chunk.blocks)),
      ),
      ...(open.length > 0 ? [renderChunk(open)] : []),
    ]}</div>`;
  }

  #client(): ChatClient | undefined {
    if (this.client) return this.client;
    if (!this.apiUrl) return undefined;
    if (!this.#ownClient && this.#rejectedApiUrl !== this.apiUrl) {
      try {
        this.#ownClient = createChatClient({
          baseUrl: this.apiUrl,
          token: this.token || undefined,
          getToken: this.getToken,
        });
      } catch (error) {
        // A bad api-url must not break rendering: say why once; sending shows NOT_CONFIGURED.
        this.#rejectedApiUrl = this.apiUrl;
        console.error(`<schema-chat>: api-url="${this.apiUrl}" is not usable:`, error);
      }
    }
    return this.#ownClient;
  }

  #input(): HTMLTextAreaElement | null {
    return this.renderRoot?.querySelector('textarea') ?? null;
  }

  /**
   * Loads earlier messages above the ones shown, then scrolls so that the message that was first
   * sits at the top of the log: the reader goes on from where they were, with the earlier ones
   * above (and it is the browser's scroll anchor while their sizes settle).
   */
  readonly #loadOlder = async (): Promise<void> => {
    const first = this.renderRoot.querySelector<HTMLElement>('.message');
    // The reader is reading up: the log stops following the newest message.
    this.#stickToBottom = false;
    await this.#controller.loadOlder();
    await this.updateComplete;
    const log = this.renderRoot.querySelector<HTMLElement>('.log');
    if (!log || !first?.isConnected) return;
    const padding = Number.parseFloat(getComputedStyle(log).paddingTop) || 0;
    log.scrollTop += first.getBoundingClientRect().top - log.getBoundingClientRect().top - padding;
  };

  #retry(): void {
    this.#stickToBottom = true;
    this.#controller.retry();
    this.#input()?.focus();
  }

  #onSubmit = (event: Event) => {
    event.preventDefault();
    void this.send();
    // A click on the send button moved focus there; the composer keeps it.
    this.#input()?.focus();
  };

  #onStop = () => {
    this.stop();
    this.#input()?.focus();
  };

  #onToggle = (event: Event) => {
    this.transport = (event.target as HTMLInputElement).checked ? 'sse' : 'rest';
  };

  #onInputKeydown = (event: KeyboardEvent) => {
    // Enter sends, Shift+Enter adds a line; never while an IME is composing (Japanese, Chinese…).
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing || event.keyCode === 229)
      return;
    event.preventDefault();
    void this.send();
  };

  #openConversation(id: string): void {
    this.#stickToBottom = true;
    this.#controller.openConversation(id);
    this.#input()?.focus();
  }

  async #deleteConversation(id: string): Promise<void> {
    if (this.#confirmingDelete !== id) {
      this.#confirmingDelete = id;
      this.requestUpdate();
      return;
    }
    this.#confirmingDelete = undefined;
    await this.#controller.deleteConversation(id);
    await this.updateComplete;
    // The button pressed is gone: the list keeps the focus, on its button in the header.
    this.renderRoot.querySelector<HTMLElement>('[part~="conversations-button"]')?.focus();
  }

  /** After Regenerate or Continue, whose button goes away: the focus goes to the composer. */
  #keepFocusInComposer(): void {
    void this.updateComplete.then(() => this.#input()?.focus());
  }

  #cancelDelete(id: string): void {
    if (this.#confirmingDelete !== id) return;
    this.#confirmingDelete = undefined;
    this.requestUpdate();
  }

  #onPanelKeydown = async (event: KeyboardEvent) => {
    if (event.key === 'Escape' && this.#controller.list.open) {
      event.preventDefault();
      void this.#controller.toggleConversations();
      // The list and the focus in it are gone: the focus goes back to the button that opened it.
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>('[part~="conversations-button"]')?.focus();
      return;
    }
    if (event.key === 'Escape' && this.mode === 'launcher' && this.isOpen) {
      event.preventDefault();
      void this.close();
    }
  };

  #onScroll = (event: Event) => {
    // The element's own scroll to the bottom changes nothing (and reading the log's sizes here,
    // at the start of a frame whose content already changed, would force a layout each frame).
    if (this.#scrolledItself) {
      this.#scrolledItself = false;
      return;
    }
    const log = event.currentTarget as HTMLElement;
    // Follow new text only while the reader is at the bottom; scrolling up to read stops it. Text
    // that grew below where the element scrolled to is not the reader leaving the bottom.
    if (log.scrollHeight - log.scrollTop - log.clientHeight < 32) this.#stickToBottom = true;
    else if (log.scrollTop < this.#autoScrollTop - 1) this.#stickToBottom = false;
  };

  #trackViewport(): void {
    const viewport = globalThis.visualViewport;
    if (!viewport) return;
    // The on-screen keyboard shrinks the visual viewport; the full-screen phone panel follows it
    // so that the composer stays above the keyboard (also where `interactive-widget` is unsupported).
    this.style.setProperty('--_vvh', `${Math.round(viewport.height)}px`);
    this.style.setProperty('--_vvt', `${Math.round(viewport.offsetTop)}px`);
  }
}

/** A run of blocks in its chunk element, keyed by where each block starts (final ones rendered once). */
function renderChunk(blocks: readonly MarkdownBlock[]) {
  return html`<div class="chunk">${repeat(
    blocks,
    (block) => block.key,
    (block) => (block.final ? guard([block.key], () => block.template) : block.template),
  )}</div>`;
}
