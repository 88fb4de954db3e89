// A run another instance generates, followed through the registry's relay: a RunFeed like a
// local ChatRun, so SSE and REST responses attach to it unchanged. Each subscription reads the
// relay from the client's `Last-Event-ID` on, keeps its own cursor into the answer text (relay
// entries may start before it: the owner coalesces differently from what this client saw), and
// honours the sink's backpressure by gathering text until it can take more.

import type { ChatEvent } from '../../sdk/protocol.js';
import { ChatError, toChatError } from '../errors.js';
import { finalTerminal, type RunFeed, type RunSink, type Subscription } from './chat-run.js';
import { textOffsetAfter } from './event-id.js';
import type { RunRecord, RunRelay } from './run-registry.js';

/** A {@link RunFeed} over another instance's run. */
export class RemoteRun implements RunFeed {
  readonly id: string;
  readonly createdAt: string;
  readonly projectId: string;
  readonly conversationId: string;
  readonly question: string;
  readonly action: RunRecord['action'];
  readonly messageId: string;
  readonly #record: RunRecord;
  readonly #relay: RunRelay;

  constructor(record: RunRecord, relay: RunRelay) {
    this.#record = record;
    this.#relay = relay;
    this.id = record.id;
    this.createdAt = record.createdAt;
    this.projectId = record.projectId;
    this.conversationId = record.conversationId;
    this.question = record.question;
    this.action = record.action;
    this.messageId = record.messageId;
  }

  subscribe(sink: RunSink, lastSeq?: number): Subscription {
    const controller = new AbortController();
    const endedBefore = this.#record.state === 'ended';
    let cursor = lastSeq === undefined ? 0 : textOffsetAfter(lastSeq);
    let opened = false;
    /** Text the sink could not take yet, and the seq of the event that ends it. */
    let pending = '';
    let pendingSeq = 0;
    const flush = () => {
      if (pending === '' || !sink.ready) return;
      const content = pending;
      pending = '';
      sink.send({ type: 'token', content }, pendingSeq);
    };
    const deliver = (event: ChatEvent, seq: number) => {
      if (event.type === 'conversationId') {
        if (lastSeq === undefined) sink.send(event, seq);
        return;
      }
      if (event.type !== 'token') return;
      const end = textOffsetAfter(seq);
      if (end <= cursor) return;
      const start = end - event.content.length;
      pending += event.content.slice(Math.max(0, cursor - start));
      pendingSeq = seq;
      cursor = end;
      flush();
    };
    void (async () => {
      try {
        for await (const entry of this.#relay.follow(this.#record, lastSeq, controller.signal)) {
          if (!opened) {
            opened = true;
            sink.open(this);
          }
          const { event, seq } = entry;
          if (event.type === 'complete' || event.type === 'error') {
            if (pending !== '') sink.send({ type: 'token', content: pending }, pendingSeq);
            pending = '';
            // A run that had ended before this client came is a replay.
            sink.end(endedBefore ? finalTerminal(event) : event, seq);
            return;
          }
          deliver(event, seq);
        }
        if (!controller.signal.aborted && !opened) {
          sink.fail(new ChatError('RESUME_UNAVAILABLE', 'That answer can no longer be resumed.'));
        }
      } catch (error) {
        if (controller.signal.aborted) return;
        const chatError = toChatError(error);
        // Before anything was sent, an HTTP error; after, a dropped stream, which the client
        // resumes from its last event id (possibly on an instance that can follow the run).
        if (!opened) sink.fail(chatError);
        else sink.drop(chatError);
      }
    })();
    return {
      unsubscribe: () => controller.abort(),
      resume: flush,
    };
  }
}
