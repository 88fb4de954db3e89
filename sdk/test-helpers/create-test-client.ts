// Test helper: a client over a scripted fetch, with an instant, recorded sleep and a fixed
// random and clock, so backoff and `Retry-After` are asserted exactly without real waits.

import type { ChatClient, ChatClientOptions } from '../chat-client.js';
import { createAbortedError } from '../create-aborted-error.js';
import { createChatClientFromConfig } from '../create-chat-client.js';
import { resolveChatClientConfig } from '../resolve-chat-client-config.js';
import { createScriptedFetch, type FetchHandler, type RecordedRequest } from './scripted-fetch.js';

/** The fixed clock of test clients. */
export const TEST_NOW = Date.parse('2025-01-01T00:00:00Z');

/** A test client and what it did. */
export interface TestClient {
  client: ChatClient;
  requests: RecordedRequest[];
  /** Every wait the client asked for, in milliseconds. */
  sleeps: number[];
}

/**
 * Creates a client on `https://api.test/api/v1/ai` answering through `handler`. Sleeps resolve at
 * once (after recording); `random()` is 0.5; the clock reads {@link TEST_NOW}.
 */
export function createTestClient(
  handler: FetchHandler | FetchHandler[],
  options: Partial<ChatClientOptions> = {},
): TestClient {
  const scripted = createScriptedFetch(handler);
  const sleeps: number[] = [];
  const config = resolveChatClientConfig({
    baseUrl: 'https://api.test/api/v1/ai',
    token: 'jwt-1',
    fetch: scripted.fetch,
    ...options,
  });
  const client = createChatClientFromConfig({
    ...config,
    random: () => 0.5,
    now: () => TEST_NOW,
    sleep: async (ms, signal) => {
      sleeps.push(ms);
      if (signal?.aborted) throw createAbortedError(signal.reason);
    },
  });
  return { client, requests: scripted.requests, sleeps };
}
