// Keeps docs/protocol.md true to the code: its sections, every error code and its status, every
// route of the router, every event type and field of a real turn, every protocol header.

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createChatRouter } from '../backend/create-chat-router.js';
import { ChatError, STATUS_BY_CODE } from '../backend/errors.js';
import { CORS_ALLOWED_HEADERS, CORS_EXPOSED_HEADERS } from '../backend/http/create-cors-handler.js';
import { silentLogger } from '../backend/logging/chat-logger.js';
import { SSE_HEADERS } from '../backend/sse/sse-sink.js';
import { MemoryChatStore } from '../backend/stores/memory-chat-store.js';
import { parseChatEvent } from '../sdk/parse-chat-event.js';
import type { ChatEvent, ChatMessage, Page } from '../sdk/protocol.js';
import * as protocol from '../sdk/protocol.js';
import { ScriptedChatModel } from './helpers/scripted-chat-model.js';
import { readSse, type SseResult } from './helpers/sse-client.js';
import { type ChatTestServer, startChatServer, TEST_SECRET } from './helpers/start-chat-server.js';
import { ALICE_PROJECT, testProjects } from './helpers/test-projects.js';

const DOC = readFileSync(new URL('../docs/protocol.md', import.meta.url), 'utf8');
const PROTOCOL_SOURCE = readFileSync(new URL('../sdk/protocol.ts', import.meta.url), 'utf8');

/** The second-level sections code comments cite as "docs/protocol.md, <Heading>", in order. */
const SECTIONS = [
  'Routes',
  'Request fields',
  'Events',
  'Event ids and resume',
  'Errors',
  'Headers',
  'REST answers',
  'Conversations and history',
  'Versioning',
  'Writing a client',
];

/** The text under each heading of `level` (`##` or `###`) in `text`, up to the next one. */
function sectionsOf(text: string, level: '##' | '###'): Map<string, string> {
  const sections = new Map<string, string>();
  let name: string | undefined;
  let inCode = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('```')) inCode = !inCode;
    const heading = inCode ? null : /^(#{2,3}) (.+)$/.exec(line);
    if (heading && (heading[1] === level || (level === '###' && heading[1] === '##'))) {
      name = heading[1] === level ? (heading[2] as string) : undefined;
      if (name !== undefined) sections.set(name, '');
    } else if (name !== undefined) {
      sections.set(name, `${sections.get(name)}${line}\n`);
    }
  }
  return sections;
}

function section(name: string): string {
  const text = sectionsOf(DOC, '##').get(name);
  if (text === undefined) throw new Error(`docs/protocol.md has no "## ${name}" section`);
  return text;
}

/** The body rows of every table in `text`, as trimmed cells (`|` inside backticks kept). */
function tableRows(text: string): string[][] {
  const rows: string[][] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('|') || /^[|\s:-]+$/.test(line)) continue;
    const cells: string[] = [];
    let cell = '';
    let code = false;
    for (const char of line.slice(1)) {
      if (char === '`') code = !code;
      if (char === '|' && !code) {
        cells.push(cell.trim());
        cell = '';
      } else cell += char;
    }
    rows.push(cells);
  }
  return rows;
}

/** Whether `text` names `key` in backticks, alone or as a segment of a dotted path. */
function namesInBackticks(text: string, key: string): boolean {
  return new RegExp(`\`(?:[\\w.]+\\.)?${key}(?:\\.[\\w.]+)?\``).test(text);
}

/** Every object key in `value`, at any depth. */
function keysOf(value: unknown, keys = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const item of value) keysOf(item, keys);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      keys.add(key);
      keysOf(inner, keys);
    }
  }
  return keys;
}

/** The members of a `export type Name = A | B;` union in sdk/protocol.ts. */
function unionMembers(name: string): string[] {
  const match = new RegExp(`export type ${name} =([^;]+);`).exec(PROTOCOL_SOURCE);
  if (!match?.[1]) throw new Error(`sdk/protocol.ts has no union ${name}`);
  return match[1]
    .split('|')
    .map((member) => member.trim())
    .filter((member) => member !== '');
}

describe('docs/protocol.md', () => {
  it('has the sections code comments cite, in order', () => {
    expect([...sectionsOf(DOC, '##').keys()]).toEqual(SECTIONS);
  });

  it('keeps every line within 100 characters', () => {
    const long = DOC.split('\n').filter((line) => line.length > 100);
    expect(long).toEqual([]);
  });

  it('gives JSON examples that parse', () => {
    const blocks = [...DOC.matchAll(/```json\n([\s\S]*?)```/g)].map((match) => match[1] as string);
    expect(blocks.length).toBeGreaterThan(10);
    for (const block of blocks) expect(() => JSON.parse(block), block).not.toThrow();
  });
});

describe('docs/protocol.md, Errors', () => {
  const rows = tableRows(section('Errors')).filter(([code]) => /^`[A-Z_]+`$/.test(code ?? ''));
  const documented = new Map(rows.map((row) => [(row[0] as string).slice(1, -1), row]));

  it('starts from the same codes as the ErrorCode union of sdk/protocol.ts', () => {
    const union = unionMembers('ErrorCode').map((member) => member.slice(1, -1));
    expect(Object.keys(STATUS_BY_CODE).sort()).toEqual(union.sort());
  });

  it('lists every error code with the HTTP status of STATUS_BY_CODE', () => {
    for (const [code, status] of Object.entries(STATUS_BY_CODE)) {
      const row = documented.get(code);
      expect(row, `${code} is missing from the errors table`).toBeDefined();
      expect(row?.[1], `status of ${code}`).toBe(String(status));
      expect(['yes', 'no', 'varies'], `retryable of ${code}`).toContain(row?.[2]);
      expect(['HTTP', 'event', 'both'], `stream column of ${code}`).toContain(row?.[3]);
    }
  });

  it('lists no code the server does not have', () => {
    expect([...documented.keys()].filter((code) => !(code in STATUS_BY_CODE))).toEqual([]);
  });

  it('describes every field of the error object', () => {
    const example = new ChatError('RATE_LIMITED', 'Slow down.', { retryable: true, retryAfter: 1 });
    for (const key of keysOf(example.toBody())) {
      expect(namesInBackticks(section('Errors'), key), key).toBe(true);
    }
  });
});

describe('docs/protocol.md, Routes', () => {
  interface RouteLayer {
    route?: { path: string | string[]; methods: Record<string, boolean> };
  }
  const router = createChatRouter({
    auth: { secret: TEST_SECRET },
    projects: testProjects,
    store: new MemoryChatStore(),
    model: new ScriptedChatModel(),
    logger: silentLogger,
  });
  afterAll(() => router.close());

  const routes: Array<{ method: string; path: string }> = [];
  for (const layer of router.stack as RouteLayer[]) {
    if (!layer.route) continue;
    const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
    for (const [method, on] of Object.entries(layer.route.methods)) {
      if (on) for (const path of paths) routes.push({ method: method.toUpperCase(), path });
    }
  }
  const rows = tableRows(section('Routes'));
  const documented = new Set(
    rows.map(([first]) => /^`([A-Z]+ \/[^`]*)`$/.exec(first ?? '')?.[1]).filter(Boolean),
  );
  const apiRoutes = routes.filter(({ method }) => method !== 'OPTIONS');

  it('lists every route of the router', () => {
    expect(apiRoutes.length).toBeGreaterThan(8);
    for (const { method, path } of apiRoutes) {
      expect(documented.has(`${method} ${path}`), `${method} ${path}`).toBe(true);
    }
  });

  it('lists no route the router does not have', () => {
    const served = new Set(apiRoutes.map(({ method, path }) => `${method} ${path}`));
    expect([...documented].filter((route) => !served.has(route as string))).toEqual([]);
  });

  it('says truly that OPTIONS answers on every other route but the widget', () => {
    expect(rows.some(([first]) => first?.startsWith('`OPTIONS`'))).toBe(true);
    const preflighted = routes.filter(({ method }) => method === 'OPTIONS').map((r) => r.path);
    const others = apiRoutes.map(({ path }) => path).filter((path) => path !== '/widget.js');
    expect(new Set(preflighted)).toEqual(new Set(others));
  });
});

describe('docs/protocol.md, against a real server', () => {
  let server: ChatTestServer;
  let streams: SseResult[];
  let rest: unknown;
  let bodies: unknown[];

  const streamTurn = (message: string): Promise<SseResult> =>
    readSse(`${server.baseUrl}/chat/stream`, {
      method: 'POST',
      headers: server.headers('alice', { 'Idempotency-Key': randomUUID() }),
      body: JSON.stringify({ projectId: ALICE_PROJECT.id, message }),
    });
  const getJson = async (path: string, init: RequestInit = {}): Promise<unknown> => {
    const response = await fetch(`${server.baseUrl}${path}`, {
      ...init,
      headers: server.headers('alice'),
    });
    expect(response.status, path).toBe(200);
    return response.json();
  };

  beforeAll(async () => {
    // A daily allowance, so that every answer reports its quota.
    server = await startChatServer({ storeKind: 'memory', limits: { tokensPerDay: 1_000_000 } });
    const error = new ChatError('UPSTREAM_UNAVAILABLE', 'The model server cannot be reached.', {
      retryable: true,
      retryAfter: 5,
    });
    server.scripted.next({}).next({ tokens: ['Join', ' on'], fail: { afterTokens: 1, error } });
    streams = [await streamTurn('How do books relate to authors?'), await streamTurn('And?')];
    // A Regenerate of the first answer and a Continue of the interrupted second one.
    const [answered, cut] = await Promise.all(
      streams.map(async ({ events }) => {
        const first = events[0]?.json;
        const id = first?.type === 'conversationId' ? first.conversationId : '';
        const page = (await getJson(`/conversations/${id}/messages`)) as Page<ChatMessage>;
        return { conversationId: id, answerId: page.items[1]?.id ?? '' };
      }),
    );
    const action = (body: Record<string, string>) =>
      readSse(`${server.baseUrl}/chat/stream`, {
        method: 'POST',
        headers: server.headers('alice', { 'Idempotency-Key': randomUUID() }),
        body: JSON.stringify({ projectId: ALICE_PROJECT.id, ...body }),
      });
    streams.push(
      await action({
        conversationId: answered?.conversationId ?? '',
        regenerate: answered?.answerId ?? '',
      }),
      await action({ conversationId: cut?.conversationId ?? '', continue: cut?.answerId ?? '' }),
    );
    const regenerated = streams[2]?.events.at(-1)?.json;
    const latestId = regenerated?.type === 'complete' ? regenerated.metadata.messageId : '';
    const feedback = await getJson(`/messages/${latestId}/feedback`, {
      method: 'POST',
      body: JSON.stringify({ rating: 'down', comment: 'Missing the join table.' }),
    });
    rest = await getJson('/chat', {
      method: 'POST',
      body: JSON.stringify({ projectId: ALICE_PROJECT.id, message: 'Which tables are there?' }),
    });
    const conversationId = (rest as { conversationId: string }).conversationId;
    bodies = [
      await getJson(`/conversations?projectId=${ALICE_PROJECT.id}&limit=1`),
      await getJson(`/conversations/${conversationId}/messages?limit=1`),
      await getJson(`/conversations/${answered?.conversationId}/messages`),
      feedback,
      await getJson(`/conversations/${conversationId}`, {
        method: 'PATCH',
        body: JSON.stringify({ title: 'Tables' }),
      }),
      await getJson('/usage'),
      await getJson('/chat/stop', { method: 'POST', body: JSON.stringify({ conversationId }) }),
      await getJson('/projects'),
    ];
  });
  afterAll(() => server.close());

  const eventsOf = (): ChatEvent[] => streams.flatMap(({ events }) => events.map((e) => e.json));

  it('produces every type of the ChatEvent union in its fixture', () => {
    const union = unionMembers('ChatEvent').map((name) => {
      const match = new RegExp(`export interface ${name} \\{[^}]*?type: '([^']+)'`).exec(
        PROTOCOL_SOURCE,
      );
      return match?.[1];
    });
    expect(new Set(eventsOf().map(({ type }) => type))).toEqual(new Set(union));
  });

  it('documents every event type, each field of it and a JSON example a client parses', () => {
    const subsections = sectionsOf(section('Events'), '###');
    for (const event of eventsOf()) {
      const text = subsections.get(`\`${event.type}\``);
      expect(text, `no "### \`${event.type}\`" under Events`).toBeDefined();
      for (const key of keysOf(event)) {
        expect(namesInBackticks(text ?? '', key), `${event.type}: ${key}`).toBe(true);
      }
      const example = /```json\n([\s\S]*?)```/.exec(text ?? '')?.[1] ?? 'null';
      expect(parseChatEvent(JSON.stringify(JSON.parse(example)))?.type).toBe(event.type);
    }
  });

  it('documents every header a stream answers with', () => {
    const generic = ['date', 'connection', 'keep-alive', 'transfer-encoding', 'x-powered-by'];
    const headersText = section('Headers').toLowerCase();
    const [stream] = streams;
    for (const [name] of stream?.headers ?? []) {
      if (!generic.includes(name)) expect(headersText, name).toContain(`\`${name}\``);
    }
  });

  it('says which protocol version the streams announce', () => {
    const version = String(protocol.PROTOCOL_VERSION);
    expect(streams[0]?.headers.get(protocol.PROTOCOL_HEADER)).toBe(version);
    expect(DOC.split('\n')[0]).toContain(`(version ${version})`);
    expect(section('Versioning')).toContain(`\`${protocol.PROTOCOL_HEADER}: ${version}\``);
  });

  it('describes every field of the POST /chat answer', () => {
    for (const key of keysOf(rest)) {
      expect(namesInBackticks(section('REST answers'), key), key).toBe(true);
    }
  });

  it('shows every field of the conversation, history, stop and project answers', () => {
    const text = section('Conversations and history');
    for (const key of keysOf(bodies)) {
      const shown = namesInBackticks(text, key) || text.includes(`"${key}":`);
      expect(shown, key).toBe(true);
    }
  });
});

describe('docs/protocol.md, Headers', () => {
  const text = section('Headers');

  it('names every header constant of sdk/protocol.ts', () => {
    const constants = Object.entries(protocol).filter(([name]) => name.endsWith('_HEADER'));
    expect(constants.length).toBeGreaterThanOrEqual(3);
    for (const [name, value] of constants) expect(text, name).toContain(`\`${value}\``);
  });

  it('names every header CORS lets a page send or read, and every stream header', () => {
    for (const name of [...CORS_ALLOWED_HEADERS, ...CORS_EXPOSED_HEADERS]) {
      expect(text, name).toContain(`\`${name}\``);
    }
    for (const [name, value] of Object.entries(SSE_HEADERS)) {
      expect(text, name).toContain(`\`${name}\``);
      expect(text, `${name} value`).toContain(`\`${value}\``);
    }
  });
});
