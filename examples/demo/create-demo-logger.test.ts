// The demo's console lines: one readable line per turn, JSON for warnings and errors.

import type { TurnRecord } from 'schema-chat/express';
import { describe, expect, it } from 'vitest';
import { createDemoLogger, formatTurnLine } from './create-demo-logger.ts';

const turn: TurnRecord = {
  userId: 'alice',
  projectId: 'bookstore',
  conversationId: 'c1',
  messageId: 'm1',
  runId: 'r1',
  transport: 'sse',
  model: 'schema-chat/offline',
  timeToFirstTokenMs: 28.6,
  durationMs: 2049,
  promptTokens: 1022,
  completionTokens: 308,
  usageEstimated: false,
  finishReason: 'stop',
  status: 'complete',
  schemaTrimmed: false,
};

describe('formatTurnLine', () => {
  it('says who, where, how, how much and how long in one line', () => {
    expect(formatTurnLine(turn)).toBe(
      'turn alice/bookstore sse complete · 1022+308 tokens · first token 29 ms · 2.0 s · schema-chat/offline',
    );
  });

  it('names the error code and estimated usage of a failed turn', () => {
    expect(
      formatTurnLine({
        ...turn,
        status: 'failed',
        errorCode: 'UPSTREAM_UNAVAILABLE',
        timeToFirstTokenMs: undefined,
        completionTokens: 0,
        usageEstimated: true,
      }),
    ).toBe(
      'turn alice/bookstore sse failed (UPSTREAM_UNAVAILABLE) · 1022+0 tokens (estimated) · no tokens · 2.0 s · schema-chat/offline',
    );
  });
});

describe('createDemoLogger', () => {
  it('writes turns to out and warnings and errors as JSON to err, errors made readable', () => {
    const out: string[] = [];
    const err: string[] = [];
    const logger = createDemoLogger({
      out: (line) => out.push(line),
      err: (line) => err.push(line),
    });
    logger.info({ turn }, 'turn finished');
    logger.info({ count: 2 }, 'started');
    logger.warn({ count: 1 }, 'recovered');
    logger.error({ err: new TypeError('boom') }, 'request failed');
    expect(out[0]).toBe(formatTurnLine(turn));
    expect(JSON.parse(out[1] ?? '')).toMatchObject({ level: 'info', msg: 'started', count: 2 });
    expect(JSON.parse(err[0] ?? '')).toMatchObject({ level: 'warn', msg: 'recovered', count: 1 });
    expect(JSON.parse(err[1] ?? '')).toMatchObject({
      level: 'error',
      msg: 'request failed',
      err: { name: 'TypeError', message: 'boom' },
    });
  });
});
