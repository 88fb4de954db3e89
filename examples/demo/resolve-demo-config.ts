// Reads the demo server's environment once into a DemoConfig: port, database, JWT secret, CORS
// allow-list and which model answers (an OpenAI-compatible server, or the offline one).

import { randomBytes } from 'node:crypto';
import { LOOPBACK_HOSTS } from '../lib/check-host.ts';

/** An OpenAI-compatible model server (vLLM serving Qwen2.5-7B-Instruct is the reference). */
export interface DemoRemoteModel {
  kind: 'openai';
  /** Base URL ending in `/v1`, from `VLLM_QWEN_7B_URL` or `OPENAI_BASE_URL`. */
  baseUrl: string;
  /** From `OPENAI_API_KEY`; vLLM ignores it. */
  apiKey: string | undefined;
  /** From `SCHEMA_CHAT_MODEL`. */
  name: string;
}

/** The offline schema assistant: answers from the schema itself, no model server needed. */
export interface DemoOfflineModel {
  kind: 'offline';
}

/** Everything the demo server runs on, resolved from the environment. */
export interface DemoConfig {
  /** `PORT`; 0 picks a free port. */
  port: number;
  /** `HOST`: the interface to listen on. */
  host: string;
  /** `SCHEMA_CHAT_DB`: the SQLite file (created on first start, kept across restarts). */
  databasePath: string;
  /**
   * `SCHEMA_CHAT_DATABASE_URL`: a Postgres database instead of the SQLite file (`postgres://…`),
   * which several demo processes can share.
   */
  databaseUrl: string | undefined;
  /**
   * `SCHEMA_CHAT_REDIS_URL`: a Redis that several demo processes share runs and limits on
   * (`redis://…`); needs `SCHEMA_CHAT_DATABASE_URL` too.
   */
  redisUrl: string | undefined;
  /** `SCHEMA_CHAT_JWT_SECRET`, or a random one generated for this run. */
  jwtSecret: string;
  /** Whether {@link DemoConfig.jwtSecret} was generated (tokens then die with the process). */
  jwtSecretGenerated: boolean;
  /** `SCHEMA_CHAT_CORS_ORIGINS`: other origins whose pages may embed the chat. */
  corsOrigins: string[];
  /**
   * `SCHEMA_CHAT_ALLOWED_HOSTS`: host names the demo answers to (the `Host` header); others get
   * 403, so a DNS-rebinding page cannot get demo tokens. Defaults to the loopback names and
   * `HOST` when it is a name or an address of its own.
   */
  allowedHosts: string[];
  model: DemoRemoteModel | DemoOfflineModel;
}

/** Default `PORT`: the API port the README's examples use. */
export const DEFAULT_DEMO_PORT = 3001;
/** Default `HOST`: loopback only, since the demo hands out tokens to anyone who asks. */
export const DEFAULT_DEMO_HOST = '127.0.0.1';
/** Default `SCHEMA_CHAT_DB`. */
export const DEFAULT_DEMO_DATABASE = './data/schema-chat.db';
/** Default `SCHEMA_CHAT_MODEL` when a model server is configured (the reference model). */
export const DEFAULT_DEMO_MODEL = 'Qwen/Qwen2.5-7B-Instruct';
/** Default `SCHEMA_CHAT_CORS_ORIGINS`: where `examples/third-party-page` serves its page. */
export const DEFAULT_DEMO_CORS_ORIGINS: readonly string[] = [
  'http://localhost:3002',
  'http://127.0.0.1:3002',
];

/** Shortest accepted `SCHEMA_CHAT_JWT_SECRET`, in bytes (the router refuses weaker HS256 keys). */
const MIN_SECRET_BYTES = 32;

/**
 * Resolves the demo's environment. Every variable is optional; a bad value throws an `Error`
 * that names the variable and the fix.
 */
export function resolveDemoConfig(env: NodeJS.ProcessEnv = process.env): DemoConfig {
  const port = parsePort(env.PORT);
  const host = nonEmpty(env.HOST) ?? DEFAULT_DEMO_HOST;
  const databasePath = nonEmpty(env.SCHEMA_CHAT_DB) ?? DEFAULT_DEMO_DATABASE;
  const databaseUrl = urlOf('SCHEMA_CHAT_DATABASE_URL', env.SCHEMA_CHAT_DATABASE_URL, [
    'postgres:',
    'postgresql:',
  ]);
  const redisUrl = urlOf('SCHEMA_CHAT_REDIS_URL', env.SCHEMA_CHAT_REDIS_URL, ['redis:', 'rediss:']);
  if (redisUrl !== undefined && databaseUrl === undefined) {
    throw new Error(
      'SCHEMA_CHAT_REDIS_URL needs SCHEMA_CHAT_DATABASE_URL too: instances that share runs on Redis must share one database (Postgres), not each their own SQLite file.',
    );
  }

  const givenSecret = nonEmpty(env.SCHEMA_CHAT_JWT_SECRET);
  if (givenSecret !== undefined && Buffer.byteLength(givenSecret) < MIN_SECRET_BYTES) {
    throw new Error(
      `SCHEMA_CHAT_JWT_SECRET is too short (${Buffer.byteLength(givenSecret)} bytes): use at least ${MIN_SECRET_BYTES} random bytes, e.g. the output of \`openssl rand -base64 48\`, or leave it unset to generate one per run.`,
    );
  }
  const jwtSecret = givenSecret ?? randomBytes(48).toString('base64url');

  const corsOrigins =
    env.SCHEMA_CHAT_CORS_ORIGINS === undefined
      ? [...DEFAULT_DEMO_CORS_ORIGINS]
      : env.SCHEMA_CHAT_CORS_ORIGINS.split(',')
          .map((origin) => origin.trim())
          .filter((origin) => origin !== '');

  const allowedHosts =
    env.SCHEMA_CHAT_ALLOWED_HOSTS === undefined
      ? [
          ...new Set([
            ...LOOPBACK_HOSTS,
            ...(isWildcard(host) ? [] : [host.includes(':') ? `[${host}]` : host.toLowerCase()]),
          ]),
        ]
      : env.SCHEMA_CHAT_ALLOWED_HOSTS.split(',')
          .map((name) => name.trim().toLowerCase())
          .filter((name) => name !== '');

  const baseUrl = nonEmpty(env.VLLM_QWEN_7B_URL) ?? nonEmpty(env.OPENAI_BASE_URL);
  let model: DemoConfig['model'] = { kind: 'offline' };
  if (baseUrl !== undefined) {
    if (!URL.canParse(baseUrl) || !/^https?:$/.test(new URL(baseUrl).protocol)) {
      const name = nonEmpty(env.VLLM_QWEN_7B_URL) ? 'VLLM_QWEN_7B_URL' : 'OPENAI_BASE_URL';
      throw new Error(
        `${name} must be an http(s) URL ending in /v1, e.g. http://localhost:8003/v1 (got ${JSON.stringify(baseUrl)}).`,
      );
    }
    model = {
      kind: 'openai',
      baseUrl,
      apiKey: nonEmpty(env.OPENAI_API_KEY),
      name: nonEmpty(env.SCHEMA_CHAT_MODEL) ?? DEFAULT_DEMO_MODEL,
    };
  }

  return {
    port,
    host,
    databasePath,
    databaseUrl,
    redisUrl,
    jwtSecret,
    jwtSecretGenerated: givenSecret === undefined,
    corsOrigins,
    allowedHosts,
    model,
  };
}

/** A URL variable with one of `protocols`, or undefined when unset; throws naming it otherwise. */
function urlOf(name: string, value: string | undefined, protocols: string[]): string | undefined {
  const url = nonEmpty(value);
  if (url === undefined) return undefined;
  // The value may carry a password: the message names what is wrong, never the value itself.
  if (!URL.canParse(url)) throw new Error(`${name} must be a ${protocols[0]}// URL.`);
  const { protocol } = new URL(url);
  if (!protocols.includes(protocol)) {
    throw new Error(`${name} must be a ${protocols[0]}// URL, not ${protocol}//.`);
  }
  return url;
}

/** Whether `HOST` listens on every interface (then it names no host of its own). */
function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::';
}

function parsePort(value: string | undefined): number {
  if (value === undefined || value.trim() === '') return DEFAULT_DEMO_PORT;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(
      `PORT must be a port number from 0 to 65535 (0 picks a free one), got ${JSON.stringify(value)}.`,
    );
  }
  return port;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
