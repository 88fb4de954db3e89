// The server's SQL check of an answer under each SQL block, in Chromium: a quiet "Matches the
// schema" for `ok`, a visible warning naming each unknown table or column with its real table and
// the closest real name, nothing under other code blocks; the same after a reload (history); part
// of the answer's text for screen readers.
/// <reference types="mocha" />

import { expect } from 'chai';
import type { ChatEvent, SqlCheck } from '../sdk/protocol.js';
import { answerSteps, FakeChatClient, storedMessage } from './test-helpers/fake-chat-client.js';
import { $$, mountChat, unmountAll, waitFor } from './test-helpers/mount-chat.js';

const CID = '0b6f3a52-1c2d-4e5f-8a9b-0c1d2e3f4a5b';

/** Bookstore SQL: a wrong join first, a JS block, then the corrected query. */
const ANSWER = [
  'Try:\n\n```sql\nSELECT b.title, a.ful_name FROM books b JOIN book_authors ba ON ba.book_id = b.id JOIN authors a ON a.id = ba.author_id;\n```\n\n',
  'In code:\n\n```js\nconst rows = await db.query(sql);\n```\n\n',
  'Corrected:\n\n```sql\nSELECT b.title, a.full_name FROM books b JOIN book_authors ba ON ba.book_id = b.id JOIN authors a ON a.id = ba.author_id;\n```\n',
];
const CHECK: SqlCheck = {
  blocks: [
    {
      index: 0,
      language: 'sql',
      status: 'unknown-identifiers',
      unknown: [{ kind: 'column', name: 'a.ful_name', table: 'authors', suggestion: 'full_name' }],
    },
    { index: 2, language: 'sql', status: 'ok', unknown: [] },
  ],
};

function withCheck(steps: ReturnType<typeof answerSteps>, check: SqlCheck) {
  const last = (steps.at(-1) as { event: ChatEvent }).event;
  if (last.type === 'complete') last.metadata.sqlCheck = check;
  return steps;
}

describe('<schema-chat> SQL check', () => {
  beforeEach(() => localStorage.clear());
  afterEach(() => unmountAll());

  it('shows each SQL block its verdict, under that block, once the answer has ended', async () => {
    const client = new FakeChatClient().queueStream(withCheck(answerSteps(CID, ANSWER, 5), CHECK));
    const chat = await mountChat({ client });
    await chat.send('Which books has each author written?');
    await waitFor(() => $$(chat, '[part~="sql-check"]').length === 2, 'two verdicts');
    const verdicts = $$(chat, '[part~="sql-check"]');
    expect(verdicts.map((verdict) => verdict.dataset.status)).to.deep.equal([
      'unknown-identifiers',
      'ok',
    ]);
    expect(verdicts[0]?.textContent?.replace(/\s+/g, ' ').trim()).to.equal(
      'authors.ful_name is not in the schema — did you mean authors.full_name?',
    );
    expect(verdicts[1]?.textContent?.trim()).to.equal('Matches the schema');
    // Each verdict sits right under its own block: the first and the third, not the JS one.
    const blocks = $$(chat, '[part~="code-block"]');
    expect(blocks).to.have.length(3);
    expect(blocks[0]?.nextElementSibling).to.equal(verdicts[0]);
    expect(blocks[1]?.nextElementSibling?.matches('[part~="sql-check"]') ?? false).to.equal(false);
    expect(blocks[2]?.nextElementSibling).to.equal(verdicts[1]);
    // Inside the answer's article, so a screen reader reads it with the answer.
    expect(verdicts[0]?.closest('[part~="assistant-message"]')).to.not.equal(null);
  });

  it('shows the stored verdicts again after a reload', async () => {
    const client = new FakeChatClient().setHistory(CID, [
      storedMessage('user', 'Which books has each author written?'),
      { ...storedMessage('assistant', ANSWER.join('')), sqlCheck: CHECK },
    ]);
    const chat = await mountChat({ client, attributes: { 'conversation-id': CID } });
    await waitFor(() => $$(chat, '[part~="sql-check"]').length === 2, 'two verdicts');
    expect($$(chat, '[part~="sql-check"]').map((verdict) => verdict.dataset.status)).to.deep.equal([
      'unknown-identifiers',
      'ok',
    ]);
  });

  it('shows nothing under code blocks of an answer without a check', async () => {
    const client = new FakeChatClient().queueStream(answerSteps(CID, ANSWER));
    const chat = await mountChat({ client });
    await chat.send('Query?');
    await waitFor(() => $$(chat, '[part~="code-block"]').length === 3, 'three code blocks');
    expect($$(chat, '[part~="sql-check"]')).to.have.length(0);
  });
});
