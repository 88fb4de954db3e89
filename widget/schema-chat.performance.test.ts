// A 5,000-token markdown answer streams batched: token updates are rendered once per frame at most,
// frames keep coming while it streams, and the final text is exact.
/// <reference types="mocha" />

import { expect } from 'chai';
import { SchemaChat } from './schema-chat.component.js';
import { answerSteps, FakeChatClient } from './test-helpers/fake-chat-client.js';
import { $$, answers, mountChat, unmountAll } from './test-helpers/mount-chat.js';

const CID = '0b6f3a52-1c2d-4e5f-8a9b-0c1d2e3f4a5b';

/** 5,000 tokens of a realistic answer: prose, lists, tables and code, in model-sized pieces. */
function fiveThousandTokens(): string[] {
  const section = (i: number) =>
    [
      `## Table \`t${i}\`\n\n`,
      `The **t${i}** table stores *rows* of kind ${i}; see [docs](https://example.com/t${i}).\n\n`,
      `- \`id\` uuid primary key\n- \`t${i}_name\` text not null\n- created_at timestamptz\n\n`,
      `| column | type |\n|---|---|\n| id | uuid |\n| name | text |\n\n`,
      `\`\`\`sql\nSELECT id, name\nFROM t${i}\nWHERE id = $1;\n\`\`\`\n\n`,
    ].join('');
  const tokens: string[] = [];
  for (let i = 0; tokens.length < 5000; i++) {
    // Roughly one token per word or punctuation run, as an LLM streams them.
    tokens.push(...(section(i).match(/\s*\S+|\s+/g) ?? []));
  }
  return tokens.slice(0, 5000);
}

describe('<schema-chat> with a 5,000-token answer', function () {
  this.timeout(120_000);
  beforeEach(() => localStorage.clear());
  afterEach(() => unmountAll());

  it('renders once per frame at most, keeps frames coming, and ends with the exact text', async () => {
    const tokens = fiveThousandTokens();
    expect(tokens).to.have.length(5000);
    const client = new FakeChatClient({ eventsPerTask: 20 }).queueStream(answerSteps(CID, tokens));
    const chat = await mountChat({ client });

    let renders = 0;
    const update = SchemaChat.prototype['update' as keyof SchemaChat] as (
      this: SchemaChat,
      ...args: unknown[]
    ) => void;
    const counting = function (this: SchemaChat, ...args: unknown[]) {
      if (this === chat) renders++;
      return update.apply(this, args);
    };
    Object.defineProperty(chat, 'update', { value: counting, configurable: true });

    let frames = 0;
    let running = true;
    const tick = () => {
      frames++;
      if (running) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);

    try {
      expect(await chat.send('Describe every table')).to.equal(true);
    } finally {
      running = false;
    }

    expect(answers(chat)[0]?.length).to.be.greaterThan(10_000);
    const expected = tokens.join('');
    // The rendered answer holds every table and code block of the text.
    expect($$(chat, '.bubble table').length).to.equal(
      (expected.match(/\| column \| type \|/g) ?? []).length,
    );
    expect($$(chat, '.bubble pre code').length).to.equal((expected.match(/```sql/g) ?? []).length);
    // Batched: far fewer renders than tokens (one per frame at most, plus the final one).
    expect(renders, `${renders} renders for 5000 tokens`).to.be.below(frames + 5);
    expect(renders).to.be.below(1000);
    // Frames kept coming while it streamed (how long they and the tasks take is measured by the
    // benchmark, bench S8, not asserted here).
    expect(frames).to.be.greaterThan(renders / 2);
  });
});
