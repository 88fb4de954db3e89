// Paging a conversation's history: the latest page, older pages above it, never a message twice.
/// <reference types="mocha" />

import { expect } from 'chai';
import { HistoryPager } from './history-pager.js';
import { clientError, FakeChatClient, storedMessage } from './test-helpers/fake-chat-client.js';
import { toViewMessage } from './view-message.js';

const CID = '0b6f3a52-1c2d-4e5f-8a9b-0c1d2e3f4a5b';
const history = Array.from({ length: 5 }, (_, i) => storedMessage('user', `Message ${i}`));
const live = () => new AbortController().signal;

describe('HistoryPager', () => {
  it('loads the latest page, then older pages until the first, with their cursors', async () => {
    const client = new FakeChatClient().setHistory(CID, history, 0, 2);
    const pager = new HistoryPager();
    const latest = await pager.latest(client, CID, live());
    expect(latest?.map((message) => message.content)).to.deep.equal(['Message 3', 'Message 4']);
    expect(pager.olderCursor).to.equal('3');
    const older = pager.older(client, CID, () => latest ?? [], live());
    expect(pager.loadingOlder).to.equal(true);
    expect((await older)?.map((message) => message.content)).to.deep.equal([
      'Message 1',
      'Message 2',
    ]);
    expect(pager.loadingOlder).to.equal(false);
    await pager.older(client, CID, () => [], live());
    expect(pager.olderCursor).to.equal(undefined);
    expect(await pager.older(client, CID, () => [], live())).to.equal(undefined);
    expect(client.historyCursors).to.deep.equal([undefined, '3', '1']);
  });

  it('leaves out messages already shown once the older page arrives', async () => {
    const client = new FakeChatClient().setHistory(CID, history, 0, 3);
    const pager = new HistoryPager();
    const shown = (await pager.latest(client, CID, live())) ?? [];
    // Message 1 arrived (say, through a turn) while the older page was on its way.
    const older = pager.older(
      client,
      CID,
      () => [toViewMessage(storedMessage('user', 'Message 1'))],
      live(),
    );
    expect((await older)?.map((message) => message.content)).to.deep.equal(['Message 0']);
    expect(shown).to.have.length(3);
  });

  it('gives nothing for a load aborted by its signal or by clear(), and throws real failures', async () => {
    const client = new FakeChatClient().setHistory(CID, history, 50);
    const pager = new HistoryPager();
    const abort = new AbortController();
    const aborted = pager.latest(client, CID, abort.signal);
    abort.abort();
    expect(await aborted).to.equal(undefined);
    const cleared = pager.latest(client, CID, live());
    pager.clear();
    expect(await cleared).to.equal(undefined);
    client.setHistory(CID, clientError('SERVER_BUSY', { status: 503 }));
    let failure: unknown;
    await pager.latest(client, CID, live()).catch((error: unknown) => {
      failure = error;
    });
    expect((failure as { code?: string }).code).to.equal('SERVER_BUSY');
  });

  it('aborts a latest load when a newer one starts', async () => {
    const client = new FakeChatClient().setHistory(CID, history, 30);
    const pager = new HistoryPager();
    const first = pager.latest(client, CID, live());
    const second = pager.latest(client, CID, live());
    expect(await first).to.equal(undefined);
    expect(await second).to.have.length(5);
  });
});
