// Remembering the conversation id per (api, user, project), and surviving broken storage.
/// <reference types="mocha" />

import { expect } from 'chai';
import {
  conversationStorageKey,
  createConversationMemory,
  readJwtSubject,
} from './conversation-memory.js';

const base64url = (text: string) =>
  btoa(String.fromCharCode(...new TextEncoder().encode(text)))
    .replace(/=+$/, '')
    .replace(/\+/g, '-')
    .replace(/\//g, '_');
const jwt = (payload: string) => `${base64url('{"alg":"HS256"}')}.${base64url(payload)}.sig`;

const ID = '0b6f3a52-1c2d-4e5f-8a9b-0c1d2e3f4a5b';

describe('readJwtSubject', () => {
  it('reads the sub claim, including non-ASCII subjects', () => {
    expect(readJwtSubject(jwt('{"sub":"user-1","exp":1}'))).to.equal('user-1');
    expect(readJwtSubject(jwt('{"sub":"zoë-ü"}'))).to.equal('zoë-ü');
  });

  it('returns undefined for anything that is not a JWT with a string sub', () => {
    for (const token of [
      undefined,
      '',
      'not-a-jwt',
      'a.%%%.c',
      jwt('not json'),
      jwt('{"sub":42}'),
      jwt('{"sub":""}'),
      jwt('null'),
      jwt('{}'),
    ]) {
      expect(readJwtSubject(token), String(token)).to.equal(undefined);
    }
  });
});

describe('conversationStorageKey', () => {
  it('differs per API, user and project, and cannot be confused by separators', () => {
    const keys = new Set([
      conversationStorageKey('https://a.example/ai', 'u1', 'p1'),
      conversationStorageKey('https://b.example/ai', 'u1', 'p1'),
      conversationStorageKey('https://a.example/ai', 'u2', 'p1'),
      conversationStorageKey('https://a.example/ai', 'u1', 'p2'),
      conversationStorageKey('https://a.example/ai', 'u1|p1', ''),
      conversationStorageKey(undefined, undefined, 'p1'),
    ]);
    expect(keys.size).to.equal(6);
  });
});

describe('createConversationMemory', () => {
  it('remembers, recalls and forgets through the given storage', () => {
    const storage = new Map<string, string>();
    const fake = {
      getItem: (key: string) => storage.get(key) ?? null,
      setItem: (key: string, value: string) => void storage.set(key, value),
      removeItem: (key: string) => void storage.delete(key),
    } as Storage;
    const memory = createConversationMemory(() => fake);
    memory.remember('k', ID);
    expect(storage.get('k')).to.equal(ID);
    expect(memory.recall('k')).to.equal(ID);
    memory.forget('k');
    expect(storage.has('k')).to.equal(false);
    expect(memory.recall('k')).to.equal(undefined);
  });

  it('keeps ids in memory when storage throws (sandboxed frames, blocked cookies)', () => {
    const memory = createConversationMemory(() => {
      throw new DOMException('denied', 'SecurityError');
    });
    memory.remember('k', ID);
    expect(memory.recall('k')).to.equal(ID);
    memory.forget('k');
    expect(memory.recall('k')).to.equal(undefined);
  });

  it('keeps ids in memory when writing fails (quota)', () => {
    const throwing = {
      getItem: () => null,
      setItem: () => {
        throw new DOMException('full', 'QuotaExceededError');
      },
      removeItem: () => undefined,
    } as unknown as Storage;
    const memory = createConversationMemory(() => throwing);
    memory.remember('k', ID);
    expect(memory.recall('k')).to.equal(ID);
  });

  it('ignores stored values that are not conversation ids', () => {
    const memory = createConversationMemory(() => localStorage);
    localStorage.setItem('garbage', '<img src=x onerror=alert(1)>');
    try {
      expect(memory.recall('garbage')).to.equal(undefined);
    } finally {
      localStorage.removeItem('garbage');
    }
  });
});
