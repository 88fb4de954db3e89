import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import type { ChatEvent, TerminalEvent } from '../../sdk/protocol.js';
import { ChatError } from '../errors.js';
import { ChatRun, type ChatRunInit, type RunSink } from './chat-run.js';

class RecordingSink implements RunSink {
  ready = true;
  opened = 0;
  events: Array<{ event: ChatEvent; seq: number }> = [];
  failed: ChatError | undefined;
  open() {
    this.opened++;
  }
  send(event: ChatEvent, seq: number) {
    this.events.push({ event, seq });
  }
  end(event: TerminalEvent, seq: number) {
    this.events.push({ event, seq });
  }
  fail(error: ChatError) {
    this.failed = error;
  }
  drop(error: ChatError) {
    this.failed = error;
  }
  text() {
    return this.events.map(({ event }) => (event.type === 'token' ? event.content : '')).join('');
  }
}

const init = (patch: Partial<ChatRunInit> = {}): ChatRunInit => ({
  id: 'run1',
  userId: 'alice',
  idempotencyKey: 'k',
  projectId: 'p',
  conversationId: 'c',
  messageId: 'm',
  createdAt: new Date(0).toISOString(),
  question: 'q',
  transport: 'sse',
  disconnectGraceMs: 30_000,
  flushMs: 0,
  flushTokens: 4,
  ...patch,
});
const complete: TerminalEvent = {
  type: 'complete',
  timestamp: new Date(0).toISOString(),
  metadata: {
    model: 'm',
    conversationId: 'c',
    messageId: 'm',
    finishReason: 'stop',
    status: 'complete',
    usage: { promptTokens: 1, completionTokens: 2, totalTokens: 3 },
  },
};
const flushed = () => new Promise((resolve) => setImmediate(resolve));

describe('ChatRun, continuing an answer', () => {
  it('sends only the new text, with seqs that go on from the answer so far', async () => {
    const run = new ChatRun(init());
    const early = new RecordingSink();
    run.subscribe(early);
    run.continueFrom('Orders join');
    run.start();
    run.append(' customers');
    await flushed();
    const late = new RecordingSink();
    run.subscribe(late);
    const resumed = new RecordingSink();
    // A client that saw only the conversationId event: still nothing before the continuation.
    run.subscribe(resumed, 0);
    run.append('.');
    run.end(complete);

    expect(run.text).toBe('Orders join customers.');
    expect(run.startOffset).toBe(11);
    expect(early.events).toEqual([
      { event: { type: 'conversationId', conversationId: 'c' }, seq: 0 },
      { event: { type: 'token', content: ' customers' }, seq: 22 },
      { event: { type: 'token', content: '.' }, seq: 23 },
      { event: complete, seq: 24 },
    ]);
    expect(late.text()).toBe(' customers.');
    expect(late.events[0]?.seq).toBe(0);
    expect(resumed.text()).toBe(' customers.');
    expect(resumed.events.some(({ event }) => event.type === 'conversationId')).toBe(false);
  });

  it('resumes after a Last-Event-ID inside the continuation', async () => {
    const run = new ChatRun(init());
    run.continueFrom('abc');
    run.start();
    run.append('def');
    run.append('ghi');
    run.end(complete);
    const sink = new RecordingSink();
    run.subscribe(sink, 7); // had "abc" + "def" (offset 6, seq 7)

    expect(sink.events).toEqual([
      { event: { type: 'token', content: 'ghi' }, seq: 10 },
      { event: complete, seq: 11 },
    ]);
  });

  it('refuses a prefix once the run streams', () => {
    const run = new ChatRun(init());
    run.start();
    expect(() => run.continueFrom('late')).toThrow(/only before the run streams/);
  });
});

describe('ChatRun', () => {
  it('sends conversationId first, coalesces tokens of one loop turn, and ends once', async () => {
    const run = new ChatRun(init());
    const sink = new RecordingSink();
    run.subscribe(sink);
    expect(sink.opened).toBe(0); // nothing before the turn is saved
    run.start();
    run.append('Hel');
    run.append('lo');
    await flushed();
    run.append(' there');
    run.end(complete);
    run.end(complete);
    expect(sink.opened).toBe(1);
    expect(sink.events).toEqual([
      { event: { type: 'conversationId', conversationId: 'c' }, seq: 0 },
      { event: { type: 'token', content: 'Hello' }, seq: 6 },
      { event: { type: 'token', content: ' there' }, seq: 12 },
      { event: complete, seq: 13 },
    ]);
  });

  it('gives a late subscriber everything so far, then live text', async () => {
    const run = new ChatRun(init());
    run.start();
    run.append('abc');
    await flushed();
    const late = new RecordingSink();
    run.subscribe(late);
    run.append('def');
    await flushed();
    expect(late.events.map((e) => e.event)).toEqual([
      { type: 'conversationId', conversationId: 'c' },
      { type: 'token', content: 'abc' },
      { type: 'token', content: 'def' },
    ]);
  });

  it('resumes after the last seen seq without repeating text', async () => {
    const run = new ChatRun(init());
    const first = new RecordingSink();
    run.subscribe(first);
    run.start();
    run.append('one ');
    await flushed();
    const lastSeq = first.events.at(-1)?.seq as number;
    run.append('two');
    const resumed = new RecordingSink();
    run.subscribe(resumed, lastSeq);
    run.end(complete);
    expect(resumed.events.map((e) => e.event)).toEqual([
      { type: 'token', content: 'two' },
      complete,
    ]);
    expect(first.text()).toBe('one two');
  });

  it('replays a finished run to a new subscriber, and only the terminal after its seq', () => {
    const run = new ChatRun(init());
    run.start();
    run.append('done');
    run.end(complete);
    const again = new RecordingSink();
    run.subscribe(again);
    expect(again.text()).toBe('done');
    expect(again.events.at(-1)?.event).toEqual(complete);
    const atEnd = new RecordingSink();
    run.subscribe(atEnd, again.events.at(-1)?.seq);
    expect(atEnd.events.map((e) => e.event)).toEqual([complete]);
  });

  it('skips a sink under backpressure and catches it up in one event on resume', async () => {
    const run = new ChatRun(init());
    const slow = new RecordingSink();
    const subscription = run.subscribe(slow);
    run.start();
    slow.ready = false;
    run.append('a');
    await flushed();
    run.append('b');
    await flushed();
    expect(slow.text()).toBe('');
    slow.ready = true;
    subscription.resume();
    expect(slow.events.at(-1)?.event).toEqual({ type: 'token', content: 'ab' });
  });

  it('sends the first token at once, then coalesces the tokens of the flush window', async () => {
    const run = new ChatRun(init({ flushMs: 60 }));
    const sink = new RecordingSink();
    run.subscribe(sink);
    run.start();
    run.append('a');
    await flushed();
    expect(sink.text()).toBe('a'); // no wait for the first token
    run.append('b');
    await sleep(5);
    run.append('c');
    await flushed();
    expect(sink.text()).toBe('a'); // b and c wait for the window
    await sleep(100);
    const tokens = sink.events.filter((e) => e.event.type === 'token').map((e) => e.event);
    expect(tokens).toEqual([
      { type: 'token', content: 'a' },
      { type: 'token', content: 'bc' },
    ]);
  });

  it('sends a token event as soon as it holds flushTokens tokens, before the window ends', async () => {
    const run = new ChatRun(init({ flushMs: 10_000, flushTokens: 3 }));
    const sink = new RecordingSink();
    run.subscribe(sink);
    run.start();
    run.append('first');
    await flushed();
    for (const token of [' one', ' two']) {
      run.append(token);
      await flushed();
    }
    expect(sink.text()).toBe('first'); // 2 pending tokens wait
    run.append(' three');
    await flushed();
    expect(sink.text()).toBe('first one two three');
    expect(sink.events.filter((e) => e.event.type === 'token')).toHaveLength(2);
    run.end(complete);
  });

  it('sends the tokens still waiting for the window before the terminal event', () => {
    const run = new ChatRun(init({ flushMs: 10_000 }));
    const sink = new RecordingSink();
    run.subscribe(sink);
    run.start();
    run.append('a');
    run.append('b');
    run.end(complete);
    expect(sink.events.map((e) => e.event.type)).toEqual(['conversationId', 'token', 'complete']);
    expect(sink.text()).toBe('ab');
  });

  it('fails every sink before start, and later subscribers too', () => {
    const run = new ChatRun(init());
    const sink = new RecordingSink();
    run.subscribe(sink);
    const error = new ChatError('PROJECT_NOT_FOUND', 'no');
    run.fail(error);
    expect(sink.failed).toBe(error);
    const late = new RecordingSink();
    run.subscribe(late);
    expect(late.failed).toBe(error);
    expect(run.active).toBe(false);
  });

  it('aborts as interrupted when no sink stays attached past the grace period', async () => {
    const run = new ChatRun(init({ disconnectGraceMs: 20 }));
    const subscription = run.subscribe(new RecordingSink());
    run.start();
    subscription.unsubscribe();
    await sleep(50);
    expect(run.signal.aborted).toBe(true);
    expect(run.signal.reason).toEqual({ kind: 'interrupted', why: 'client-gone' });
  });

  it('keeps generating when a client reconnects within the grace period', async () => {
    const run = new ChatRun(init({ disconnectGraceMs: 30 }));
    run.subscribe(new RecordingSink()).unsubscribe();
    await sleep(10);
    run.subscribe(new RecordingSink());
    await sleep(40);
    expect(run.signal.aborted).toBe(false);
  });

  it('calls end listeners exactly once', () => {
    const run = new ChatRun(init());
    let calls = 0;
    run.onEnd(() => calls++);
    run.start();
    run.end(complete);
    run.end(complete);
    run.onEnd(() => calls++);
    expect(calls).toBe(2);
  });
});
