// Smoke test of the existing-Express-app example: its login, its token route, and a chat answer
// through the router it mounts, over real loopback HTTP.

import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MemoryChatStore, OfflineChatModel, silentLogger } from 'schema-chat/express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_LOGINS } from './app-database.ts';
import { createApp, type ExampleApp } from './create-app.ts';

let example: ExampleApp;
let server: Server;
let origin: string;

beforeAll(async () => {
  example = createApp({
    secret: 'express-app-example-test-secret-0123456789',
    store: new MemoryChatStore(),
    model: new OfflineChatModel({ tokenDelayMs: 0 }),
    logger: silentLogger,
  });
  await example.router.ready;
  server = example.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await example.router.close();
});

/** Signs in through the login form; returns the session cookie. */
async function signIn(username: string, password: string): Promise<Response> {
  return fetch(`${origin}/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password }),
    redirect: 'manual',
  });
}

async function chatToken(cookie: string): Promise<string> {
  const response = await fetch(`${origin}/session/chat-token`, { headers: { cookie } });
  expect(response.status).toBe(200);
  return ((await response.json()) as { token: string }).token;
}

describe('the express-app example', () => {
  it('refuses a wrong password and hands out no chat token without a session', async () => {
    const wrong = await signIn('ada', 'not-her-password');
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    expect(await wrong.text()).toContain('Wrong username or password.');
    const token = await fetch(`${origin}/session/chat-token`);
    expect(token.status).toBe(401);
  });

  it('signs ada in, shows her project page with the chat, and answers about its schema', async () => {
    const { username, password } = EXAMPLE_LOGINS[0] ?? { username: '', password: '' };
    const login = await signIn(username, password);
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe('/projects');
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    expect(cookie).toMatch(/^example_session=/);

    const page = await fetch(`${origin}/projects/library`, { headers: { cookie } });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('<schema-chat id="chat" api-url="/api/v1/ai" project-id="library"');
    expect(html).toContain('<script type="module" src="/project.js"></script>');

    const token = await chatToken(cookie);
    const answer = await fetch(`${origin}/api/v1/ai/chat`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ projectId: 'library', message: 'How are loans related to members?' }),
    });
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as { message: { content: string; status: string } };
    expect(body.message.status).toBe('complete');
    expect(body.message.content).toContain('loans');
    expect(body.message.content).toContain('JOIN');

    const projects = await fetch(`${origin}/api/v1/ai/projects`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(await projects.json()).toEqual({ items: [{ id: 'library', name: 'Library loans' }] });
  });

  it("answers 404 for another user's project, on the page and in the chat API", async () => {
    const { username, password } = EXAMPLE_LOGINS[1] ?? { username: '', password: '' };
    const cookie = ((await signIn(username, password)).headers.get('set-cookie') ?? '').split(
      ';',
    )[0] as string;
    const page = await fetch(`${origin}/projects/library`, { headers: { cookie } });
    expect(page.status).toBe(404);
    const answer = await fetch(`${origin}/api/v1/ai/chat`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${await chatToken(cookie)}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ projectId: 'library', message: 'Which tables are there?' }),
    });
    expect(answer.status).toBe(404);
    expect(((await answer.json()) as { error: { code: string } }).error.code).toBe(
      'PROJECT_NOT_FOUND',
    );
  });

  it('answers from a structured schema too (grace’s recipe box)', async () => {
    const { username, password } = EXAMPLE_LOGINS[1] ?? { username: '', password: '' };
    const cookie = ((await signIn(username, password)).headers.get('set-cookie') ?? '').split(
      ';',
    )[0] as string;
    const answer = await fetch(`${origin}/api/v1/ai/chat`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${await chatToken(cookie)}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ projectId: 'recipes', message: 'Which tables are there?' }),
    });
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as { message: { content: string } };
    expect(body.message.content).toContain('recipe_ingredients');
  });
});
