// The demo's environment: defaults, every variable, and clear errors for bad values.

import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DEMO_CORS_ORIGINS,
  DEFAULT_DEMO_DATABASE,
  DEFAULT_DEMO_HOST,
  DEFAULT_DEMO_PORT,
  resolveDemoConfig,
} from './resolve-demo-config.ts';

describe('resolveDemoConfig', () => {
  it('runs with no configuration at all: port 3001, ./data, a generated secret, offline model', () => {
    const config = resolveDemoConfig({});
    expect(config).toMatchObject({
      port: DEFAULT_DEMO_PORT,
      host: DEFAULT_DEMO_HOST,
      databasePath: DEFAULT_DEMO_DATABASE,
      jwtSecretGenerated: true,
      corsOrigins: [...DEFAULT_DEMO_CORS_ORIGINS],
      model: { kind: 'offline' },
    });
    expect(config.port).toBe(3001);
    expect(config.databasePath).toBe('./data/schema-chat.db');
    expect(Buffer.byteLength(config.jwtSecret)).toBeGreaterThanOrEqual(32);
    expect(resolveDemoConfig({}).jwtSecret).not.toBe(config.jwtSecret);
  });

  it('reads every variable', () => {
    const config = resolveDemoConfig({
      PORT: '0',
      HOST: '0.0.0.0',
      SCHEMA_CHAT_DB: '/tmp/chat.db',
      SCHEMA_CHAT_JWT_SECRET: 'a-secret-of-at-least-thirty-two-bytes!!',
      SCHEMA_CHAT_CORS_ORIGINS: ' https://shop.example , http://localhost:8080 ,',
      SCHEMA_CHAT_ALLOWED_HOSTS: ' chat.example.com , Localhost ,',
      OPENAI_BASE_URL: 'https://api.example/v1',
      OPENAI_API_KEY: 'sk-test',
      SCHEMA_CHAT_MODEL: 'gpt-4o-mini',
    });
    expect(config).toEqual({
      port: 0,
      host: '0.0.0.0',
      databasePath: '/tmp/chat.db',
      jwtSecret: 'a-secret-of-at-least-thirty-two-bytes!!',
      jwtSecretGenerated: false,
      corsOrigins: ['https://shop.example', 'http://localhost:8080'],
      allowedHosts: ['chat.example.com', 'localhost'],
      model: {
        kind: 'openai',
        baseUrl: 'https://api.example/v1',
        apiKey: 'sk-test',
        name: 'gpt-4o-mini',
      },
    });
  });

  it('answers to the loopback names and a named HOST by default, never to a wildcard', () => {
    expect(resolveDemoConfig({}).allowedHosts).toEqual(['localhost', '127.0.0.1', '[::1]']);
    expect(resolveDemoConfig({ HOST: 'chat.internal' }).allowedHosts).toContain('chat.internal');
    expect(resolveDemoConfig({ HOST: '::' }).allowedHosts).toEqual([
      'localhost',
      '127.0.0.1',
      '[::1]',
    ]);
    expect(resolveDemoConfig({ HOST: 'fd00::5' }).allowedHosts).toContain('[fd00::5]');
  });

  it('prefers VLLM_QWEN_7B_URL and defaults to the reference model', () => {
    const config = resolveDemoConfig({
      VLLM_QWEN_7B_URL: 'http://localhost:8003/v1',
      OPENAI_BASE_URL: 'https://api.example/v1',
    });
    expect(config.model).toEqual({
      kind: 'openai',
      baseUrl: 'http://localhost:8003/v1',
      apiKey: undefined,
      name: 'Qwen/Qwen2.5-7B-Instruct',
    });
  });

  it('treats empty variables as unset, and an empty allow-list as none', () => {
    const config = resolveDemoConfig({
      PORT: '',
      VLLM_QWEN_7B_URL: '',
      OPENAI_BASE_URL: ' ',
      SCHEMA_CHAT_JWT_SECRET: '',
      SCHEMA_CHAT_CORS_ORIGINS: '',
    });
    expect(config.port).toBe(3001);
    expect(config.model).toEqual({ kind: 'offline' });
    expect(config.jwtSecretGenerated).toBe(true);
    expect(config.corsOrigins).toEqual([]);
  });

  it('names the variable and the fix when a value is wrong', () => {
    expect(() => resolveDemoConfig({ PORT: 'http' })).toThrow(/^PORT must be a port number/);
    expect(() => resolveDemoConfig({ PORT: '70000' })).toThrow(/^PORT must be a port number/);
    expect(() => resolveDemoConfig({ SCHEMA_CHAT_JWT_SECRET: 'short' })).toThrow(
      /^SCHEMA_CHAT_JWT_SECRET is too short \(5 bytes\): use at least 32/,
    );
    expect(() => resolveDemoConfig({ OPENAI_BASE_URL: 'localhost:8003' })).toThrow(
      /^OPENAI_BASE_URL must be an http\(s\) URL/,
    );
    expect(() => resolveDemoConfig({ VLLM_QWEN_7B_URL: 'ftp://x/v1' })).toThrow(
      /^VLLM_QWEN_7B_URL must be an http\(s\) URL/,
    );
  });

  it('never repeats a database or Redis URL in its error, since it may carry a password', () => {
    const wrong = [
      { SCHEMA_CHAT_DATABASE_URL: 'mysql://app:hunter2@db/chat' },
      { SCHEMA_CHAT_DATABASE_URL: 'app:hunter2@db/chat' },
      {
        SCHEMA_CHAT_DATABASE_URL: 'postgres://db/chat',
        SCHEMA_CHAT_REDIS_URL: 'http://:hunter2@r',
      },
    ];
    for (const env of wrong) {
      let message = '';
      try {
        resolveDemoConfig(env);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message).toMatch(
        /^SCHEMA_CHAT_(DATABASE|REDIS)_URL must be a (postgres|redis):\/\/ URL/,
      );
      expect(message).not.toContain('hunter2');
    }
  });
});
