// The examples' last error handler: the protocol's code for the status a middleware gave, nothing
// of the error itself, and no "try again" for a bug.

import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { sendExampleError } from './send-example-error.ts';

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function serve(app: express.Express): Promise<string> {
  const server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  close = () => new Promise((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

describe('sendExampleError', () => {
  it("answers a body over express.json's limit with 413 PAYLOAD_TOO_LARGE", async () => {
    const app = express();
    app.post('/echo', express.json({ limit: 10 }), (req, res) => res.json(req.body));
    app.use(sendExampleError);
    const url = await serve(app);
    const response = await fetch(`${url}/echo`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ text: 'longer than ten bytes' }),
    });
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({
      error: {
        code: 'PAYLOAD_TOO_LARGE',
        message: 'The request cannot be served.',
        retryable: false,
      },
    });
  });

  it('answers a thrown bug with 500 INTERNAL_ERROR, not retryable, revealing nothing of it', async () => {
    const app = express();
    app.get('/boom', () => {
      throw new Error('secret path /srv/app/boom.ts');
    });
    app.use(sendExampleError);
    const url = await serve(app);
    const response = await fetch(`${url}/boom`);
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain('secret');
    expect(JSON.parse(text)).toEqual({
      error: { code: 'INTERNAL_ERROR', message: 'Something went wrong.', retryable: false },
    });
  });
});
