// The demo server in-process over loopback HTTP: demo sign-in, the page and its CSP, the widget
// bundle, per-user projects, and a database that survives a restart.

import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { silentLogger } from 'schema-chat/express';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type FakeUpstream,
  fakeText,
  startFakeUpstream,
} from '../../test/fake-upstream/fake-upstream.ts';
import { DEMO_PAGE_CSP } from './create-demo-app.ts';
import { resolveDemoConfig } from './resolve-demo-config.ts';
import { type DemoServer, startDemoServer } from './start-demo-server.ts';

const SECRET = 'demo-server-test-secret-0123456789abcdef';

let upstream: FakeUpstream;
let dir: string;
let demo: DemoServer | undefined;
let origin: string;

beforeAll(async () => {
  upstream = await startFakeUpstream();
  dir = mkdtempSync(join(tmpdir(), 'schema-chat-demo-test-'));
});
afterEach(async () => {
  await demo?.close();
  demo = undefined;
});
afterAll(async () => {
  await upstream.close();
  rmSync(dir, { recursive: true, force: true });
});

async function start(database = join(dir, 'demo.db')): Promise<DemoServer> {
  const config = resolveDemoConfig({
    PORT: '0',
    SCHEMA_CHAT_DB: database,
    SCHEMA_CHAT_JWT_SECRET: SECRET,
    OPENAI_BASE_URL: upstream.url,
    OPENAI_API_KEY: 'sk-never-shown',
  });
  demo = await startDemoServer(config, { logger: silentLogger });
  origin = `http://127.0.0.1:${demo.port}`;
  return demo;
}

async function tokenFor(user: string): Promise<string> {
  const response = await fetch(`${origin}/demo/token?user=${user}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { token: string }).token;
}

/** A raw request with headers fetch() refuses to set (Host), answered with status and body text. */
function rawRequest(
  path: string,
  headers: Record<string, string>,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: demo?.port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('startDemoServer', () => {
  it('answers only to its own host names, so a DNS-rebinding page gets no token', async () => {
    await start();
    const rebound = await rawRequest('/demo/token?user=alice', {
      Host: 'attacker.example',
      Origin: 'http://attacker.example',
    });
    expect(rebound.status).toBe(403);
    expect(rebound.body).not.toContain('token');
    const api = await rawRequest('/api/v1/ai/projects', {
      Host: 'attacker.example:3001',
      Origin: 'http://attacker.example:3001',
      Authorization: `Bearer ${await tokenFor('alice')}`,
    });
    expect(api.status).toBe(403);
    for (const host of [
      `localhost:${demo?.port}`,
      `127.0.0.1:${demo?.port}`,
      `[::1]:${demo?.port}`,
    ]) {
      const own = await rawRequest('/demo/token?user=alice', { Host: host });
      expect(own.status, host).toBe(200);
    }
  });

  it('answers static-file errors without a stack trace or a file path, whatever NODE_ENV', async () => {
    await start();
    const cases: Record<string, string>[] = [{ Range: 'bytes=999999-' }, { 'If-Match': '"x"' }];
    for (const headers of cases) {
      const response = await fetch(`${origin}/demo.css`, { headers });
      const body = await response.text();
      expect([412, 416]).toContain(response.status);
      expect(body).not.toMatch(/\bat \w|node_modules|examples\/|\/work|Error:/);
      expect(JSON.parse(body)).toMatchObject({ error: { retryable: false } });
    }
  });

  it('signs demo users in with short-lived HS256 tokens and refuses unknown ones', async () => {
    await start();
    const token = await tokenFor('alice');
    const claims = jwt.verify(token, SECRET, { algorithms: ['HS256'] }) as jwt.JwtPayload;
    expect(claims).toMatchObject({
      sub: 'alice',
      iss: 'schema-chat-demo',
      aud: 'schema-chat-demo',
    });
    expect((claims.exp ?? 0) - (claims.iat ?? 0)).toBe(15 * 60);

    const unknown = await fetch(`${origin}/demo/token?user=mallory`);
    expect(unknown.status).toBe(400);
    expect(await unknown.json()).toEqual({
      error: {
        code: 'VALIDATION_FAILED',
        message: 'Unknown demo user; use one of: alice, bob.',
        retryable: false,
      },
    });
  });

  it('serves the page under a strict CSP, its script and the widget bundle', async () => {
    const server = await start();
    expect(server.url).toBe(`http://localhost:${server.port}/`);
    const page = await fetch(`${origin}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toBe(DEMO_PAGE_CSP);
    const html = await page.text();
    expect(html).toContain('<schema-chat id="inline-chat"');
    expect(html).toContain('<schema-chat id="launcher-chat" mode="launcher"');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);

    const script = await fetch(`${origin}/demo.js`);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await script.text()).toContain("from '/api/v1/ai/widget.js'");
    const widget = await fetch(`${origin}/api/v1/ai/widget.js`);
    expect(widget.status).toBe(200);
    expect(widget.headers.get('content-type')).toMatch(/^text\/javascript/);
  });

  it('says which model answers, without the API key', async () => {
    await start();
    const body = await (await fetch(`${origin}/demo/config`)).json();
    expect(body).toEqual({
      apiPath: '/api/v1/ai',
      model: { id: 'Qwen/Qwen2.5-7B-Instruct', offline: false, baseUrl: upstream.url },
      users: ['alice', 'bob'],
    });
    expect(JSON.stringify(body)).not.toContain('sk-never-shown');
  });

  it("lists each user's own projects and hides everyone else's", async () => {
    await start();
    const alice = { Authorization: `Bearer ${await tokenFor('alice')}` };
    const bob = { Authorization: `Bearer ${await tokenFor('bob')}` };
    expect(await (await fetch(`${origin}/api/v1/ai/projects`, { headers: bob })).json()).toEqual({
      items: [
        { id: 'learning-platform', name: 'Learning platform' },
        { id: 'saas-billing', name: 'SaaS billing' },
      ],
    });
    const peek = await fetch(`${origin}/api/v1/ai/conversations?projectId=bookstore`, {
      headers: bob,
    });
    expect(peek.status).toBe(404);
    const own = await fetch(`${origin}/api/v1/ai/conversations?projectId=bookstore`, {
      headers: alice,
    });
    expect(own.status).toBe(200);
  });

  it('keeps conversations across a restart on the same database file', async () => {
    const database = join(dir, 'restart.db');
    await start(database);
    const headers = {
      Authorization: `Bearer ${await tokenFor('alice')}`,
      'Content-Type': 'application/json',
    };
    upstream.script({ kind: 'normal', tokens: 5 });
    const answer = await fetch(`${origin}/api/v1/ai/chat`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ projectId: 'bookstore', message: 'Which tables are there?' }),
    });
    expect(answer.status).toBe(200);
    const { conversationId } = (await answer.json()) as { conversationId: string };
    await demo?.close();

    await start(database);
    // Tokens from before the restart still work: the secret is configured, not generated.
    const history = await fetch(`${origin}/api/v1/ai/conversations/${conversationId}/messages`, {
      headers,
    });
    const { items } = (await history.json()) as { items: { role: string; content: string }[] };
    expect(items.map((message) => [message.role, message.content])).toEqual([
      ['user', 'Which tables are there?'],
      ['assistant', fakeText(5)],
    ]);
    const projects = await fetch(`${origin}/api/v1/ai/projects`, { headers });
    expect(((await projects.json()) as { items: unknown[] }).items).toHaveLength(2);
  });

  it('says clearly when its port is taken', async () => {
    const first = await start();
    const config = resolveDemoConfig({
      PORT: String(first.port),
      SCHEMA_CHAT_DB: join(dir, 'second.db'),
    });
    await expect(startDemoServer(config, { logger: silentLogger })).rejects.toThrow(
      `Port ${first.port} on 127.0.0.1 is in use: stop what runs there, or start with another PORT`,
    );
  });
});
