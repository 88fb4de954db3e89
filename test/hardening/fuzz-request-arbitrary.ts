// fast-check arbitraries of hostile requests to the chat API: every route and method (OPTIONS and
// unknown paths under the mount point too), junk ids and percent-encodings, query arrays and
// prototype keys, odd content types and encodings, forged and huge headers, Last-Event-ID and
// Idempotency-Key junk, JSON bodies with wrong types and extra fields, invalid UTF-8, deep nesting,
// oversized bodies, and chunked or mis-framed bodies.

import fc from 'fast-check';
import type { RawRequest } from './send-raw-request.js';

/** A generated request and the route it aims at (for coverage counts). */
export interface FuzzRequest extends RawRequest {
  route: string;
}

/** What the arbitraries need from the test. */
export interface FuzzContext {
  /** Where the router is mounted, e.g. `/api/v1/ai`. */
  mount: string;
  /** A valid bearer token for each fuzz user. */
  tokens: string[];
  /** A token signed with another secret. */
  forgedToken: string;
  /** The server's own origin (allowed for CORS). */
  origin: string;
  /** Conversation ids that exist (so some requests hit stored data). */
  conversationIds: string[];
}

const JUNK_SEGMENTS = [
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  '%E0%A4%A',
  '%ZZ',
  '%',
  '%00',
  '%0d%0aX-Injected:%201',
  '..%2F..%2Fetc%2Fpasswd',
  '%F0%9F%93%A6',
  '%ED%A0%80',
  'null',
  'undefined',
  'NaN',
  '00000000-0000-0000-0000-000000000000',
  'conv_1762194312799',
  'FFFFFFFF-FFFF-4FFF-BFFF-FFFFFFFFFFFF',
];

const segment = (context: FuzzContext) =>
  fc.oneof(
    fc.uuid({ version: 4 }),
    fc.constantFrom(...context.conversationIds),
    fc.constantFrom(...JUNK_SEGMENTS),
    fc.string({ unit: 'grapheme', maxLength: 40 }).map(encodeURIComponent),
    fc.stringMatching(/^[A-Za-z0-9._~%-]{1,300}$/),
  );

const ROUTES = [
  ['/chat', ['POST']],
  ['/chat/stream', ['GET', 'POST']],
  ['/chat/stop', ['POST']],
  ['/conversations', ['GET']],
  ['/conversations/:id', ['DELETE']],
  ['/conversations/:id/messages', ['GET']],
  ['/projects', ['GET']],
] as const;
const UNKNOWN_PATHS = [
  '',
  '/',
  '/chat/',
  '/chat/stream/',
  '//chat',
  '/CHAT/STREAM',
  '/chat/unknown',
  '/chat/stream/extra',
  '/conversations/a/b/c',
  '/widget.js',
  '/chat%2Fstream',
  '/chat/stream%00',
  '/chat;jsessionid=1',
  '/.env',
];
const METHODS = ['GET', 'POST', 'DELETE', 'OPTIONS', 'PUT', 'PATCH', 'HEAD'] as const;

const queryKey = fc.oneof(
  fc.constantFrom(
    'projectId',
    'projectId[]',
    'projectId[a]',
    'projectId[__proto__]',
    'message',
    'message[]',
    'conversationId',
    'conversationId[]',
    'limit',
    'cursor',
    '__proto__',
    '__proto__[polluted]',
    'constructor[prototype][polluted]',
    'hasOwnProperty',
    'toString',
    '',
  ),
  fc.string({ maxLength: 20 }).map(encodeURIComponent),
);
const queryValue = (context: FuzzContext) =>
  fc.oneof(
    fc.constantFrom(
      'shop',
      'own-fuzz-a',
      'nope',
      '',
      '-1',
      '0',
      '1',
      '100',
      '101',
      '1e3',
      '1.5',
      'true',
    ),
    fc.constantFrom(...context.conversationIds),
    fc.uuid({ version: 4 }),
    fc.constantFrom('%E0%A4%A', '%ZZ', '%00', '%FF%FE', '%ED%A0%80', 'a%20b+c', '%5B%5D'),
    fc.string({ unit: 'grapheme', maxLength: 60 }).map(encodeURIComponent),
    fc.integer({ min: 1, max: 9000 }).map((n) => 'x'.repeat(n)),
  );

const query = (context: FuzzContext) =>
  fc.oneof(
    { arbitrary: fc.constant(''), weight: 1 },
    {
      arbitrary: fc
        .array(fc.tuple(queryKey, queryValue(context)), { maxLength: 6 })
        .map((pairs) => pairs.map(([key, value]) => `${key}=${value}`).join('&')),
      weight: 4,
    },
    { arbitrary: fc.constant('projectId=shop&message=What+tables+are+there%3F'), weight: 2 },
    { arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 40 }).map(escapeTarget), weight: 1 },
  );

/** Keeps a request target on one line (Node's parser refuses raw CR/LF/space, as it should). */
function escapeTarget(text: string): string {
  return text.replace(
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it escapes.
    /[\s\u0000-\u001f\u007f-\u00ff]/g,
    (char) => `%${char.charCodeAt(0).toString(16).padStart(2, '0')}`,
  );
}

/** Header value characters: mostly printable ASCII, some latin1, rarely a control character. */
const headerChar = fc
  .oneof(
    { arbitrary: fc.integer({ min: 0x20, max: 0x7e }), weight: 30 },
    { arbitrary: fc.integer({ min: 0xa0, max: 0xff }), weight: 3 },
    { arbitrary: fc.constantFrom(0x01, 0x04, 0x09, 0x0b, 0x1b, 0x7f), weight: 1 },
  )
  .map((code) => String.fromCharCode(code));

/** A header value (never CR, LF or NUL, which would end or break the header line itself). */
const headerText = (maxLength: number) => fc.string({ unit: headerChar, maxLength });

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=UTF-8',
  'application/json; charset="utf-8"',
  'application/json; charset=latin1',
  'application/json; charset=utf-16',
  'application/json; charset=koi8-r',
  'application/json; charset=x-unknown',
  'application/json, text/plain',
  'application/vnd.api+json',
  'application/merge-patch+json',
  'text/json',
  'text/plain',
  'text/event-stream',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/*',
  '*/*',
  ';;;',
  '',
  'application/json; boundary',
];

const authorization = (context: FuzzContext) =>
  fc.oneof(
    { arbitrary: fc.constantFrom(...context.tokens).map((token) => `Bearer ${token}`), weight: 6 },
    { arbitrary: fc.constant(`Bearer ${context.forgedToken}`), weight: 1 },
    {
      arbitrary: fc.constantFrom(
        '',
        'Bearer',
        'Bearer ',
        'Basic YWxpY2U6eA==',
        'bearer x.y.z',
        'Bearer a.b.c.d',
      ),
      weight: 1,
    },
    { arbitrary: headerText(200).map((text) => `Bearer ${text}`), weight: 1 },
    {
      arbitrary: fc.integer({ min: 8000, max: 12_000 }).map((n) => `Bearer ${'a'.repeat(n)}`),
      weight: 1,
    },
  );

/** Present in about one request in `1 + weight`: each hostile header is rare, so most requests
 * carry one or two oddities and still reach the code behind the earlier checks. */
const rarely = <T>(arbitrary: fc.Arbitrary<T>, weight = 7) =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight }, { arbitrary, weight: 1 });

const optionalHeaders = (context: FuzzContext) =>
  fc
    .record({
      'Content-Type': fc.oneof(
        { arbitrary: fc.constant('application/json'), weight: 8 },
        { arbitrary: fc.constantFrom(...CONTENT_TYPES), weight: 2 },
        { arbitrary: headerText(60), weight: 1 },
      ),
      'Content-Encoding': rarely(
        fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-unknown', 'gzip, gzip', ''),
      ),
      'Idempotency-Key': rarely(
        fc.oneof(
          fc.uuid({ version: 4 }),
          headerText(250),
          fc.constantFrom(' ', 'has spaces', 'é', '\u00ff'.repeat(20), 'x'.repeat(201)),
        ),
        3,
      ),
      'Last-Event-ID': rarely(
        fc.oneof(
          headerText(120),
          fc.constantFrom(
            'abc:1',
            ':5',
            'r:-1',
            'r:99999999999999999999',
            'AAAAAAAAAAA:0',
            'x'.repeat(101),
          ),
        ),
      ),
      Origin: rarely(
        fc.oneof(
          fc.constant(context.origin),
          fc.constantFrom('https://shop.example', 'null', 'https://evil.example', 'garbage', ''),
        ),
      ),
      'Accept-Encoding': rarely(
        fc.constantFrom('gzip', 'identity', 'gzip;q=0', 'br, gzip', '*', 'x'),
      ),
      Accept: rarely(
        fc.constantFrom('text/event-stream', 'application/json', '*/*', 'text/html', ''),
      ),
      'X-Forwarded-For': rarely(headerText(40)),
      'If-None-Match': rarely(headerText(30)),
      'Access-Control-Request-Method': rarely(fc.constantFrom('POST', 'GET', 'DELETE', 'PUT', 'X')),
      'Access-Control-Request-Headers': rarely(
        fc.constantFrom('authorization,content-type', 'x-custom', '*', ''),
      ),
      'X-Fuzz-Big': rarely(
        fc.integer({ min: 1, max: 20_000 }).map((n) => 'b'.repeat(n)),
        12,
      ),
      Expect: rarely(fc.constantFrom('100-continue', 'nonsense'), 12),
    })
    .map((record) =>
      Object.entries(record).filter((entry): entry is [string, string] => entry[1] !== undefined),
    );

const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 80 }),
  fc.string({ unit: 'binary', maxLength: 80 }),
  // (No `[[fake:…]]` directives: the upstream stays healthy, so any 5xx is the server's own.)
  fc.constantFrom('', ' ', '\u0000', 'What tables are there?', 'data: x\n\nid: 1', '\r\n\r\n'),
  fc.integer({ min: 3990, max: 4010 }).map((n) => 'é'.repeat(n)),
);
const anyJson = fc.jsonValue({ maxDepth: 3 });

const chatBody = (context: FuzzContext) =>
  fc
    .record(
      {
        projectId: fc.oneof(
          { arbitrary: fc.constantFrom('shop', 'own-fuzz-a', 'own-fuzz-b', 'nope', ''), weight: 4 },
          { arbitrary: anyJson, weight: 1 },
          { arbitrary: fc.string({ maxLength: 300 }), weight: 1 },
        ),
        message: fc.oneof(
          {
            arbitrary: fc.constantFrom('Which tables are there?', 'How do orders join customers?'),
            weight: 4,
          },
          { arbitrary: text, weight: 3 },
          { arbitrary: anyJson, weight: 1 },
        ),
        conversationId: fc.oneof(
          { arbitrary: fc.uuid({ version: 4 }), weight: 3 },
          { arbitrary: fc.constantFrom(...context.conversationIds), weight: 2 },
          { arbitrary: fc.constantFrom(...JUNK_SEGMENTS, null, 42, ''), weight: 1 },
          { arbitrary: anyJson, weight: 1 },
        ),
        // Mass-assignment attempts: none of these may be applied.
        userId: fc.constantFrom('fuzz-b', 'admin'),
        role: fc.constantFrom('system', 'assistant'),
        status: fc.constantFrom('complete', 'streaming'),
        id: fc.uuid({ version: 4 }),
        extra: anyJson,
      },
      { requiredKeys: ['projectId', 'message'] },
    )
    .chain((record) =>
      fc.constantFrom(
        JSON.stringify(record),
        JSON.stringify(record),
        JSON.stringify(record),
        // Keys JSON.stringify cannot write: an own `__proto__` and a lone surrogate escape.
        JSON.stringify(record).replace(/^\{/, '{"__proto__":{"polluted":true},'),
        JSON.stringify(record).replace(/"message":"/, '"message":"\\ud800'),
      ),
    )
    .map((json) => Buffer.from(json, 'utf8'));

const INVALID_UTF8 = [
  [0xc3, 0x28],
  [0xa0, 0xa1],
  [0xe2, 0x28, 0xa1],
  [0xf0, 0x28, 0x8c, 0xbc],
  [0xff, 0xfe],
  [0xed, 0xa0, 0x80],
  [0xc0, 0xaf],
];

const body = (context: FuzzContext) =>
  fc.oneof(
    { arbitrary: chatBody(context), weight: 6 },
    { arbitrary: fc.json().map((json) => Buffer.from(json)), weight: 1 },
    {
      arbitrary: fc
        .tuple(
          fc.constantFrom(...INVALID_UTF8),
          fc.constantFrom('{"projectId":"shop","message":"', ''),
        )
        .map(([bytes, prefix]) =>
          Buffer.concat([Buffer.from(prefix), Buffer.from(bytes), Buffer.from(prefix ? '"}' : '')]),
        ),
      weight: 1,
    },
    { arbitrary: fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)), weight: 1 },
    {
      arbitrary: fc
        .integer({ min: 1, max: 100_000 })
        .map((depth) => Buffer.from('['.repeat(depth))),
      weight: 1,
    },
    {
      arbitrary: fc
        .integer({ min: 60_000, max: 120_000 })
        .map((n) =>
          Buffer.from(JSON.stringify({ projectId: 'shop', message: 'x', padding: 'p'.repeat(n) })),
        ),
      weight: 1,
    },
    { arbitrary: fc.constant(Buffer.alloc(0)), weight: 1 },
  );

/** A query that route mostly expects, sometimes junk. */
const queryFor = (route: string, context: FuzzContext) => {
  const junk = query(context);
  const id = fc.oneof(fc.uuid({ version: 4 }), fc.constantFrom(...context.conversationIds));
  switch (route) {
    case '/chat/stream':
      return fc.oneof(
        {
          arbitrary: fc
            .tuple(fc.constantFrom('shop', 'own-fuzz-a', 'nope'), text, fc.option(id))
            .map(
              ([projectId, message, conversationId]) =>
                `projectId=${projectId}&message=${encodeURIComponent(message.replace(/[\ud800-\udfff]/g, ''))}${conversationId ? `&conversationId=${conversationId}` : ''}`,
            ),
          weight: 4,
        },
        { arbitrary: junk, weight: 2 },
      );
    case '/conversations':
      return fc.oneof(
        {
          arbitrary: fc
            .tuple(
              fc.constantFrom('shop', 'own-fuzz-b', 'nope'),
              fc.option(fc.constantFrom('1', '20', '100', '0', '101', 'x')),
              fc.option(headerText(30)),
            )
            .map(([projectId, limit, cursor]) =>
              [
                `projectId=${projectId}`,
                limit ? `limit=${limit}` : '',
                cursor ? `cursor=${encodeURIComponent(cursor)}` : '',
              ]
                .filter(Boolean)
                .join('&'),
            ),
          weight: 4,
        },
        { arbitrary: junk, weight: 2 },
      );
    case '/conversations/:id/messages':
      return fc.oneof(
        { arbitrary: fc.constant(''), weight: 2 },
        {
          arbitrary: fc.constantFrom(
            'limit=1',
            'limit=100',
            'limit=0',
            'cursor=abc',
            'cursor=%00',
            'limit=2&cursor=bWVzc2FnZXM6WzFd',
          ),
          weight: 2,
        },
        { arbitrary: junk, weight: 2 },
      );
    default:
      return fc.oneof({ arbitrary: fc.constant(''), weight: 3 }, { arbitrary: junk, weight: 1 });
  }
};

/** A body that route mostly expects, sometimes junk. */
const bodyFor = (route: string, context: FuzzContext) =>
  route === '/chat/stop'
    ? fc.oneof(
        {
          arbitrary: fc
            .oneof(
              fc.constantFrom(...context.conversationIds),
              fc.uuid({ version: 4 }),
              fc.constantFrom(...JUNK_SEGMENTS),
            )
            .map((id) => Buffer.from(JSON.stringify({ conversationId: id }))),
          weight: 4,
        },
        { arbitrary: body(context), weight: 2 },
      )
    : body(context);

/** A hostile request to any route (or none) under the mount point. */
export function fuzzRequest(context: FuzzContext): fc.Arbitrary<FuzzRequest> {
  const known = fc.constantFrom(...ROUTES).chain(([route, methods]) =>
    fc.record({
      route: fc.constant(route),
      method: fc.oneof(
        { arbitrary: fc.constantFrom(...methods), weight: 6 },
        // Preflights of every route, and every other method.
        { arbitrary: fc.constant('OPTIONS'), weight: 1 },
        { arbitrary: fc.constantFrom(...METHODS), weight: 1 },
      ),
      path: route.includes(':id')
        ? fc
            .oneof(
              { arbitrary: fc.constantFrom(...context.conversationIds), weight: 2 },
              { arbitrary: segment(context), weight: 2 },
            )
            .map((id) => route.replace(':id', id))
        : fc.constant(route),
      query: queryFor(route, context),
      body: bodyFor(route, context),
    }),
  );
  const unknown = fc.record({
    route: fc.constant('(unknown path)'),
    method: fc.constantFrom(...METHODS),
    path: fc.constantFrom(...UNKNOWN_PATHS),
    query: query(context),
    body: body(context),
  });
  return fc
    .record({
      target: fc.oneof({ arbitrary: known, weight: 8 }, { arbitrary: unknown, weight: 1 }),
      authorization: fc.oneof(
        {
          arbitrary: fc.constantFrom(...context.tokens).map((token) => `Bearer ${token}`),
          weight: 12,
        },
        { arbitrary: authorization(context), weight: 1 },
        { arbitrary: fc.constant(undefined), weight: 1 },
      ),
      headers: optionalHeaders(context),
      framing: fc.constantFrom(
        ...([
          'content-length',
          'content-length',
          'content-length',
          'content-length',
          'chunked',
          'short-length',
        ] as const),
      ),
    })
    .map(({ target, authorization: auth, headers, framing }) => {
      const all: Array<[string, string]> = [];
      if (auth !== undefined) all.push(['Authorization', auth]);
      all.push(...headers);
      const noBody =
        target.method === 'GET' || target.method === 'HEAD' || target.method === 'OPTIONS';
      return {
        route: `${target.method} ${target.route}`,
        method: target.method,
        target: `${context.mount}${target.path}${target.query ? `?${target.query}` : ''}`,
        headers: all,
        // GETs mostly without a body, as clients send them (sometimes with one anyway).
        ...(noBody && framing !== 'chunked' ? {} : { body: target.body }),
        framing,
      };
    });
}
