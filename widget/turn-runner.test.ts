// Running one turn: text written once per frame, the client's result or failure, stop and drop.
/// <reference types="mocha" />

import { expect } from 'chai';
import type { ChatRequest } from '../sdk/protocol.js';
import {
  answerSteps,
  clientError,
  FakeChatClient,
  restResponse,
} from './test-helpers/fake-chat-client.js';
import { waitFor } from './test-helpers/mount-chat.js';
import { TurnRunner, type TurnRunnerOptions } from './turn-runner.js';
import type { ViewMessage } from './view-message.js';

const CID = '0b6f3a52-1c2d-4e5f-8a9b-0c1d2e3f4a5b';
const request: ChatRequest = { projectId: 'p1', message: 'Hi' };

function runner(client: FakeChatClient, patch: Partial<TurnRunnerOptions> = {}) {
  const assistant: ViewMessage = { id: 'a', role: 'assistant', content: '', status: 'pending' };
  const seen = { texts: [] as string[], ids: [] as string[], saved: 0 };
  const turn = new TurnRunner({
    client,
    request,
    idempotencyKey: 'key-1',
    transport: 'sse',
    assistant,
    stopWaitMs: 1000,
    onText: () => seen.texts.push(assistant.content),
    onConversationId: (id) => seen.ids.push(id),
    onStopSaved: () => seen.saved++,
    ...patch,
  });
  return { turn, assistant, seen };
}

describe('TurnRunner', () => {
  it('writes streamed text into the message per frame and ends with the result', async () => {
    const client = new FakeChatClient().queueStream(answerSteps(CID, ['The ', 'users ', 'table.']));
    const { turn, assistant, seen } = runner(client);
    const end = await turn.start();
    expect(end.type).to.equal('complete');
    expect(end.type === 'complete' && end.result.content).to.equal('The users table.');
    expect(assistant.status).to.equal('streaming');
    expect(seen.texts.at(-1)).to.equal('The users table.');
    expect(seen.ids).to.deep.equal([CID]);
    expect(turn.conversationId).to.equal(CID);
    expect(client.streamCalls[0]?.idempotencyKey).to.equal('key-1');
  });

  it('asks POST /chat for the whole answer over REST', async () => {
    const client = new FakeChatClient().queueSend(restResponse(CID, 'Two tables.'));
    const { turn } = runner(client, { transport: 'rest' });
    const end = await turn.start();
    expect(end.type === 'complete' && end.result).to.include({
      content: 'Two tables.',
      transport: 'rest',
      conversationId: CID,
    });
    expect(client.streamCalls).to.have.length(0);
  });

  it('notes the client’s fallback and ends with its REST answer', async () => {
    const client = new FakeChatClient()
      .queueStream([{ fail: clientError('NETWORK_ERROR') }])
      .queueSend(restResponse(CID, 'Whole.'));
    const { turn } = runner(client);
    const end = await turn.start();
    expect(turn.fellBack).to.equal(true);
    expect(end.type === 'complete' && end.result.transport).to.equal('rest');
  });

  it('ends with the failure, keeping the text that arrived', async () => {
    const client = new FakeChatClient().queueStream([
      { event: { type: 'conversationId', conversationId: CID } },
      { event: { type: 'token', content: 'Half' } },
      { fail: clientError('UPSTREAM_TIMEOUT', { status: 504, retryable: true }) },
    ]);
    const { turn, assistant } = runner(client);
    const end = await turn.start();
    expect(end.type === 'failed' && (end.error as { code: string }).code).to.equal(
      'UPSTREAM_TIMEOUT',
    );
    expect(assistant.content).to.equal('Half');
  });

  it("stops: keeps the text, marks it stopped, tells the server, and ends with the server's stopped answer", async () => {
    const client = new FakeChatClient().queueStream([
      { event: { type: 'conversationId', conversationId: CID } },
      { event: { type: 'token', content: 'Partial' } },
      { hold: true },
    ]);
    const { turn, assistant, seen } = runner(client);
    const ended = turn.start();
    await waitFor(() => assistant.content === 'Partial', 'the partial text');
    turn.stop();
    expect(assistant.status).to.equal('stopped');
    expect(client.stopCalls).to.deep.equal([CID]);
    const end = await ended;
    expect(end.type).to.equal('stopped');
    expect(end.type === 'stopped' && end.result).to.include({
      status: 'stopped',
      model: 'fake-model',
      messageId: `answer-of-${CID}`,
    });
    await waitFor(() => seen.saved === 1, 'the saved stop');
    expect(assistant.content).to.equal('Partial');
    expect(client.aborted).to.equal(0);
  });

  it('stops a new conversation once the stream names it', async () => {
    const client = new FakeChatClient().queueStream([
      { wait: 30 },
      { event: { type: 'conversationId', conversationId: CID } },
      { hold: true },
    ]);
    const { turn, seen } = runner(client);
    const ended = turn.start();
    turn.stop();
    expect(client.stopCalls).to.deep.equal([]);
    await ended;
    expect(client.stopCalls).to.deep.equal([CID]);
    expect(seen.ids).to.deep.equal([CID]);
  });

  it('closes the connection of a stop that gets no answer within stopWaitMs', async () => {
    // A new conversation the stream never names: the server cannot be told, nor can it answer.
    const client = new FakeChatClient().queueStream([{ hold: true }]);
    const { turn } = runner(client, { stopWaitMs: 30 });
    const ended = turn.start();
    turn.stop();
    expect(await ended).to.deep.equal({ type: 'stopped', result: undefined });
    expect(client.aborted).to.equal(1);
    expect(client.stopCalls).to.deep.equal([]);
  });

  it('drops without telling the server, marking an unfinished answer interrupted', async () => {
    const client = new FakeChatClient().queueStream([
      { event: { type: 'conversationId', conversationId: CID } },
      { event: { type: 'token', content: 'Some' } },
      { hold: true },
    ]);
    const { turn, assistant } = runner(client);
    const ended = turn.start();
    await waitFor(() => assistant.status === 'streaming', 'the streaming text');
    turn.drop();
    expect((await ended).type).to.equal('dropped');
    expect(assistant.status).to.equal('interrupted');
    expect(client.stopCalls).to.deep.equal([]);
    expect(client.aborted).to.equal(1);
  });
});
