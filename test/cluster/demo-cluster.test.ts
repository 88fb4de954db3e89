// `npm start` as a cluster: two demo processes with SCHEMA_CHAT_DATABASE_URL and
// SCHEMA_CHAT_REDIS_URL serve the same users, projects and conversations; a stream started on one
// resumes on the other with one model call. Uses the run's shared Postgres (a database of its own)
// and Redis. Needs the built package (`npm test` builds first).

import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { type DemoProcess, startDemoProcess } from '../e2e/helpers/start-demo-process.js';
import { type FakeUpstream, fakeText, startFakeUpstream } from '../fake-upstream/fake-upstream.js';
import { streamTurn } from '../hardening/stream-turn.js';
import { serviceUrl } from '../helpers/test-services.js';

const postgresUrl = serviceUrl('postgres', inject('testServices'));
const redisUrl = serviceUrl('redis', inject('testServices'));

describe.skipIf(postgresUrl === undefined || redisUrl === undefined)(
  'the demo as a cluster',
  () => {
    let upstream: FakeUpstream;
    let databaseUrl: string;
    let a: DemoProcess;
    let b: DemoProcess;

    beforeAll(async () => {
      upstream = await startFakeUpstream({
        defaultBehaviour: { kind: 'normal', tokens: 40, intervalMs: 20 },
      });
      const name = `demo_${randomUUID().replaceAll('-', '')}`;
      const admin = new pg.Client({ connectionString: postgresUrl });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      const url = new URL(postgresUrl as string);
      url.pathname = `/${name}`;
      databaseUrl = url.toString();
      // Both start together on the empty database: one migration, both seed the same projects.
      [a, b] = await Promise.all([
        startDemoProcess({ upstreamUrl: upstream.url, databaseUrl, redisUrl: redisUrl as string }),
        startDemoProcess({ upstreamUrl: upstream.url, databaseUrl, redisUrl: redisUrl as string }),
      ]);
    }, 60_000);
    afterAll(async () => {
      await Promise.all([a?.stop(), b?.stop()]);
      await upstream?.close();
    });

    it('says it keeps its data in Postgres and shares runs on Redis', async () => {
      // The lines after the first (which said it listens) may still be on their way.
      await expect
        .poll(() => a.output())
        .toMatch(/database: Postgres at postgres:\/\/.*runs and limits shared on Redis/);
    });

    it("serves alice's projects on both instances and resumes on B a stream A started", async () => {
      const token = await a.token('alice');
      for (const demo of [a, b]) {
        const response = await fetch(`${demo.apiUrl}/projects`, {
          headers: { Authorization: `Bearer ${token}` },
        });
        expect((await response.json()) as unknown).toEqual({
          items: [
            { id: 'bookstore', name: 'Bookstore' },
            { id: 'event-ticketing', name: 'Event ticketing' },
          ],
        });
      }
      const key = randomUUID();
      const question = `Which tables are there? ${randomUUID()}`;
      const first = await streamTurn({
        baseUrl: a.apiUrl,
        token,
        projectId: 'bookstore',
        message: question,
        idempotencyKey: key,
        abortAfterEvents: 5,
      });
      const rest = await streamTurn({
        baseUrl: b.apiUrl,
        token: await b.token('alice'),
        projectId: 'bookstore',
        message: question,
        idempotencyKey: key,
        lastEventId: first.lastEventId,
      });
      expect(rest.terminal).toBe('complete');
      expect(first.text + rest.text).toBe(fakeText(40));
      expect(upstream.calls.count).toBe(1);
      const stored = await b.messages('alice', first.conversationId as string);
      expect(stored.map((message) => message.content)).toEqual([question, fakeText(40)]);
    });
  },
);
