// The demo page: demo sign-in per user, the user's projects, two <schema-chat> elements (inline and
// launcher) sharing one client, and a panel with the last turn's events and usage.

import { createChatClient } from '/api/v1/ai/widget.js';

const API_PATH = '/api/v1/ai';
/** Where the widget remembers its conversation is keyed by this URL, the user and the project. */
const API_URL = new URL(API_PATH, location.origin).href;
const USER_KEY = 'schema-chat-demo:user';
const projectKey = (user) => `schema-chat-demo:project:${user}`;

const chats = [
  /** @type {HTMLElement & Record<string, unknown>} */ (document.getElementById('inline-chat')),
  /** @type {HTMLElement & Record<string, unknown>} */ (document.getElementById('launcher-chat')),
];
const userSelect = /** @type {HTMLSelectElement} */ (document.getElementById('user-select'));
const projectSelect = /** @type {HTMLSelectElement} */ (document.getElementById('project-select'));
const banner = /** @type {HTMLElement} */ (document.getElementById('model-banner'));
const launcherSample = /** @type {HTMLElement} */ (document.getElementById('launcher-sample'));

// --- demo sign-in -----------------------------------------------------------------------------

/** Cached tokens per user: a real page gets these from its own login. */
const tokens = new Map();

/** Seconds until the JWT expires, read from its (unverified) payload. */
function expiresAt(token) {
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    return JSON.parse(atob(payload)).exp * 1000;
  } catch {
    return 0;
  }
}

/**
 * A `getToken` for `user`: the cached token, or a new one a minute before it expires (or once the
 * API refused the cached one, see `forgetRefusedTokens`).
 */
function tokenSource(user) {
  return async () => {
    const cached = tokens.get(user);
    if (cached && expiresAt(cached) - Date.now() > 60_000) return cached;
    const response = await fetch(`/demo/token?user=${encodeURIComponent(user)}`);
    if (!response.ok) throw new Error(`demo sign-in failed with HTTP ${response.status}`);
    const { token } = await response.json();
    tokens.set(user, token);
    return token;
  };
}

/**
 * A `fetch` that forgets `user`'s cached token when the API answers 401: the client then asks
 * `getToken` once for a new one and retries, which must not hand back the refused token (a demo
 * server restart signs with a new key, and pages left open would stay at 401).
 */
function forgetRefusedTokens(user) {
  return async (input, init) => {
    const response = await fetch(input, init);
    if (response.status === 401) tokens.delete(user);
    return response;
  };
}

// --- the last turn's panel --------------------------------------------------------------------

const panel = {
  transport: document.getElementById('turn-transport'),
  status: document.getElementById('turn-status'),
  model: document.getElementById('turn-model'),
  usage: document.getElementById('turn-usage'),
  events: document.getElementById('turn-events'),
  /** Whether the turn shown has ended (the next client call then starts a new one). */
  ended: true,
  lastToken: /** @type {{ item: HTMLLIElement, count: number, chars: number } | undefined} */ (
    undefined
  ),

  begin(transport) {
    this.ended = false;
    this.lastToken = undefined;
    this.transport.textContent = transport === 'sse' ? 'SSE (streamed)' : 'REST (one piece)';
    this.status.textContent = 'waiting…';
    this.model.textContent = '—';
    this.usage.textContent = '—';
    this.events.replaceChildren();
  },

  add(type, text) {
    const item = document.createElement('li');
    item.dataset.type = type;
    const name = document.createElement('code');
    name.textContent = type;
    item.append(name, ` ${text}`);
    this.events.append(item);
    this.lastToken = undefined;
    return item;
  },

  event(event) {
    if (event.type === 'token') {
      // One line for a run of tokens: there are hundreds of them.
      const run = this.lastToken ?? { item: this.add('token', ''), count: 0, chars: 0 };
      run.count += 1;
      run.chars += event.content.length;
      run.item.lastChild.textContent = ` × ${run.count} · ${run.chars} characters`;
      this.lastToken = run;
      this.status.textContent = 'streaming…';
      return;
    }
    if (event.type === 'conversationId') {
      this.add('conversationId', event.conversationId);
    } else if (event.type === 'complete') {
      const { metadata } = event;
      this.add('complete', `status ${metadata.status} · finishReason ${metadata.finishReason}`);
      this.showUsage(metadata.model, metadata.usage);
    }
  },

  showUsage(model, usage) {
    this.model.textContent = model;
    this.usage.textContent = `prompt ${usage.promptTokens} · completion ${usage.completionTokens} · total ${usage.totalTokens}`;
  },
};

/**
 * Wraps the client so the panel sees every event, retry and fallback of the turns the elements
 * run. Any `ChatClient` works as the element's `client`; this one only listens in.
 */
function observe(client) {
  const beginIfIdle = (transport) => {
    if (panel.ended) panel.begin(transport);
  };
  return {
    ...client,
    stream(request, options = {}) {
      beginIfIdle('sse');
      return client.stream(request, {
        ...options,
        onEvent(event) {
          panel.event(event);
          options.onEvent?.(event);
        },
        onRetry(info) {
          panel.add('retry', `#${info.attempt} in ${info.delayMs} ms (${info.reason})`);
          options.onRetry?.(info);
        },
        onFallback(reason) {
          panel.transport.textContent = `REST fallback (${reason})`;
          panel.add('fallback', `POST ${API_PATH}/chat: ${reason}`);
          options.onFallback?.(reason);
        },
      });
    },
    async send(request, options) {
      beginIfIdle('rest');
      const response = await client.send(request, options);
      panel.add('rest', `POST ${API_PATH}/chat → ${response.message.content.length} characters`);
      panel.showUsage(response.metadata.model, response.metadata.usage);
      return response;
    },
  };
}

for (const chat of chats) {
  chat.addEventListener('schema-chat-send', (event) => {
    panel.begin(event.detail.transport);
  });
  chat.addEventListener('schema-chat-response', (event) => {
    const { detail } = event;
    panel.ended = true;
    if (detail.transport === 'rest' && !panel.transport.textContent.startsWith('REST')) {
      panel.transport.textContent = 'REST fallback';
    }
    // A normal end needs no reason; a cut-off one says why (`length`, `content_filter`).
    panel.status.textContent =
      detail.status === 'stopped'
        ? 'stopped by the user'
        : detail.finishReason === 'stop'
          ? 'complete'
          : `complete (${detail.finishReason})`;
    if (detail.usage) panel.showUsage(detail.model ?? '—', detail.usage);
  });
  chat.addEventListener('schema-chat-error', (event) => {
    const { detail } = event;
    if (detail.operation !== 'send') return;
    panel.ended = true;
    panel.status.textContent = `failed: ${detail.code}`;
    panel.add('error', `${detail.code}: ${detail.message}`);
  });
}

// --- users and projects -----------------------------------------------------------------------

let generation = 0;

/** Signs in as `user`, lists their projects and points both elements at the chosen one. */
async function switchUser(user) {
  const current = ++generation;
  localStorage.setItem(USER_KEY, user);
  userSelect.value = user;
  const getToken = tokenSource(user);
  const client = observe(
    createChatClient({
      baseUrl: API_URL,
      getToken,
      fetch: forgetRefusedTokens(user),
      // The router sends its first bytes as soon as it accepts a turn: 5 s of nothing means a
      // proxy is holding the stream back, so fall back to REST sooner than the default 15 s.
      streamOpenTimeoutMs: 5000,
    }),
  );
  projectSelect.disabled = true;
  let projects;
  try {
    projects = await client.listProjects();
  } catch (error) {
    if (current !== generation) return;
    projectSelect.replaceChildren(new Option(`Could not load projects (${error.code ?? error})`));
    return;
  }
  if (current !== generation) return;
  projectSelect.replaceChildren(...projects.map((project) => new Option(project.name, project.id)));
  const saved = localStorage.getItem(projectKey(user));
  const projectId = projects.some((project) => project.id === saved) ? saved : projects[0]?.id;
  projectSelect.value = projectId ?? '';
  projectSelect.disabled = projects.length === 0;
  showLauncherSample(projectId);
  for (const chat of chats) {
    // `client` does the requests; `api-url` and `getToken` key the remembered conversation.
    chat.apiUrl = API_URL;
    chat.getToken = getToken;
    chat.client = client;
    chat.projectId = projectId;
  }
}

userSelect.addEventListener('change', () => {
  void switchUser(userSelect.value);
});
projectSelect.addEventListener('change', () => {
  localStorage.setItem(projectKey(userSelect.value), projectSelect.value);
  for (const chat of chats) chat.projectId = projectSelect.value;
  showLauncherSample(projectSelect.value);
});

/** The launcher's embedding code, for the project selected. */
function showLauncherSample(projectId) {
  launcherSample.textContent = [
    `<script type="module" src="${API_PATH}/widget.js"></script>`,
    `<schema-chat api-url="${API_PATH}" project-id="${projectId ?? ''}" mode="launcher"></schema-chat>`,
  ].join('\n');
}
for (const button of document.querySelectorAll('button.suggestion')) {
  button.addEventListener('click', () => {
    void chats[0].send(button.textContent);
  });
}

// --- the model banner -------------------------------------------------------------------------

async function showModel() {
  try {
    const response = await fetch('/demo/config');
    const { model } = await response.json();
    banner.classList.toggle('offline', model.offline);
    banner.textContent = model.offline
      ? 'Offline schema assistant: answers come from the schema itself, no LLM. Set VLLM_QWEN_7B_URL or OPENAI_BASE_URL to use a model server.'
      : `Model ${model.id} at ${model.baseUrl}`;
  } catch {
    banner.textContent = 'The demo server could not be reached.';
  }
}

void showModel();
const savedUser = localStorage.getItem(USER_KEY);
void switchUser(savedUser === 'bob' ? 'bob' : 'alice');
