/**
 * Reliability: a seeded fuzzer over every operation in /openapi.json (bad JSON, wrong types, huge and
 * unicode strings, bad numbers, bad multipart, `%00`, `..` in paths), with and without tokens. Nothing a
 * client can send may answer 5xx (other than a documented 501), and every 4xx is in its surface's
 * envelope. Reproducible: FUZZ_SEED picks the run (printed), FUZZ_CASES bounds it. Prints its figures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, createTestUser, type TestApp } from '../../../../test-support/app.js';
import { surfaceOf } from '../../src/http/surfaces.js';

const seed = Number(process.env.FUZZ_SEED ?? 20261207);
const casesPerOperation = Number(process.env.FUZZ_CASES ?? 12);

/** mulberry32: small, fast and good enough to pick inputs reproducibly. */
function prng(start: number): () => number {
  let state = start >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Paths = Record<string, Record<string, { requestBody?: { content: Record<string, unknown> } }>>;

let t: TestApp;
let writer: string;
let reader: string;
let paths: Paths;
beforeAll(async () => {
  t = await createTestApp({
    env: {
      RATE_LIMIT_ANONYMOUS: '10000000',
      RATE_LIMIT_AUTHENTICATED: '10000000',
      PACKS_RATE_LIMIT_ANONYMOUS: '10000000',
      PACKS_RATE_LIMIT_AUTHENTICATED: '10000000',
      SCAN_RATE_LIMIT_ANONYMOUS: '10000000',
      LOGIN_RATE_LIMIT: '10000',
    },
  });
  writer = (await createTestUser(t.deps, t.defaultTenantId)).token;
  reader = (await createTestUser(t.deps, t.defaultTenantId, { scopes: ['skills:read'] })).token;
  paths = ((await (await t.request('/openapi.json')).json()) as { paths: Paths }).paths;
});
afterAll(() => t.close());

const segments = [
  '%00',
  '..',
  '%2e%2e',
  'a'.repeat(3000),
  '😀ünï',
  '-1',
  '1e309',
  'NaN',
  '@x%2Fy',
  '%2F..%2F',
  'x',
];
const scalars: unknown[] = [
  null,
  true,
  -1,
  0,
  Number.MAX_VALUE,
  -Number.MAX_SAFE_INTEGER * 4,
  3.5,
  '',
  'x'.repeat(200_000),
  '\u0000',
  '😀'.repeat(1000),
  '../../etc/passwd',
  [],
  {},
  [1, 'a', null],
  { $ne: 1 },
];
const rawBodies = [
  '{',
  '{"a":',
  'null',
  '[]',
  '"str"',
  '\u0000',
  '{"a":1}}',
  `{"x":"${'y'.repeat(50_000)}"}`,
];

function pick<T>(random: () => number, list: readonly T[]): T {
  return list[Math.floor(random() * list.length)] as T;
}

function randomObject(random: () => number): Record<string, unknown> {
  const keys = [
    'name',
    'version',
    'slug',
    'scopes',
    'manifest',
    'username',
    'role',
    'description',
    'integrity',
    'versionId',
    'skillId',
    'display_name',
    'url',
    'ref',
    'type',
    'scope',
    'visibility',
    'expiresInDays',
    'reason',
    'message',
    'website_url',
    'avatar_url',
    'client_name',
    'token',
    'code',
    'sessionCode',
    'state',
  ];
  const out: Record<string, unknown> = {};
  const count = 1 + Math.floor(random() * 6);
  for (let i = 0; i < count; i++) {
    out[pick(random, keys)] = random() < 0.2 ? randomObject(random) : pick(random, scalars);
  }
  return out;
}

function requestFor(random: () => number, method: string, path: string): { url: string; init: RequestInit } {
  const url = path.replace(/\{[^}]+\}/g, () => pick(random, segments));
  const query =
    random() < 0.4
      ? `?${pick(random, ['q', 'limit', 'page', 'offset', 'sort', 'kind', 'semantic'])}=${pick(random, segments)}`
      : '';
  const init: RequestInit = { method: method.toUpperCase() };
  if (method !== 'get' && method !== 'delete') {
    const shape = random();
    if (shape < 0.35) init.body = pick(random, rawBodies);
    else if (shape < 0.8) init.body = JSON.stringify(randomObject(random));
    else {
      const boundary = 'fz';
      init.body = pick(random, [
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.tgz"\r\n\r\nnot a tarball\r\n--${boundary}--\r\n`,
        `--${boundary}\r\nbroken`,
        `--${boundary}\r\nContent-Disposition: form-data; name="manifest"\r\n\r\n{bad\r\n--${boundary}--\r\n`,
        '',
      ]);
      init.headers = { 'content-type': `multipart/form-data; boundary=${boundary}` };
      return { url: url + query, init };
    }
    init.headers = { 'content-type': random() < 0.9 ? 'application/json' : 'text/plain' };
  }
  return { url: url + query, init };
}

function envelopeProblem(url: string, status: number, body: unknown): string | undefined {
  // The path as the server sees it: `..` and `%2e%2e` segments are resolved by the URL parser first.
  const path = new URL(url, 'http://registry.test').pathname;
  const surface = surfaceOf(path);
  const record = body as Record<string, unknown> | null;
  if (surface === 'web') return undefined;
  if (/\/mcp$/.test(path) && record?.jsonrpc === '2.0') {
    // Past authentication MCP speaks JSON-RPC: `{jsonrpc: "2.0", error: {code: number, message}}`.
    const error = record.error as Record<string, unknown> | undefined;
    return typeof error?.code === 'number' && typeof error.message === 'string'
      ? undefined
      : `${status} not a JSON-RPC error`;
  }
  if (surface === 'ayaiay') {
    const error = record?.error as Record<string, unknown> | undefined;
    return typeof error?.code === 'string' &&
      /^[A-Z_]+$/.test(error.code) &&
      typeof error.message === 'string'
      ? undefined
      : `${status} not {error:{code,message}}`;
  }
  if (typeof record?.error !== 'string' || typeof record.message !== 'string')
    return `${status} not {error,message}`;
  const upper = /^[A-Z][A-Z0-9_]*$/.test(record.error);
  const snake = /^[a-z][a-z0-9_]*$/.test(record.error);
  if (surface === 'tank' && !upper) return `${status} Tank error not UPPER: ${record.error}`;
  if ((surface === 'ai-toolkit' || surface === 'skill-pool') && !snake)
    return `${status} error not snake: ${record.error}`;
  return undefined;
}

describe('fuzzer over /openapi.json', () => {
  it('answers every malformed request with a 4xx in its envelope, never a 5xx', async () => {
    const random = prng(seed);
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let sent = 0;
    for (const [path, operations] of Object.entries(paths)) {
      for (const method of Object.keys(operations)) {
        for (let i = 0; i < casesPerOperation; i++) {
          const { url, init } = requestFor(random, method, path);
          const token = pick(random, [undefined, writer, reader, 'agt_bogus']);
          const headers = {
            ...(init.headers as Record<string, string> | undefined),
            ...(token ? bearer(token) : {}),
          };
          const res = await t.request(url, { ...init, headers });
          sent += 1;
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          const text = await res.text();
          const label = `${init.method} ${url.slice(0, 120)} (${token ? 'token' : 'anonymous'})`;
          if (res.status >= 500 && res.status !== 501)
            failures.push(`${label}: ${res.status} ${text.slice(0, 200)}`);
          if (
            res.status >= 400 &&
            res.status < 500 &&
            (res.headers.get('content-type') ?? '').includes('json')
          ) {
            let body: unknown;
            try {
              body = JSON.parse(text);
            } catch {
              body = undefined;
            }
            const problem = envelopeProblem(url, res.status, body);
            if (problem) failures.push(`${label}: ${problem}`);
          }
        }
      }
    }
    const figures = [...statuses].sort(([a], [b]) => a - b).map(([status, count]) => `${status}×${count}`);
    console.log(
      `fuzz: seed ${seed}, ${sent} requests, ${failures.length} failures; statuses ${figures.join(' ')}`,
    );
    expect(failures).toEqual([]);
  }, 300_000);
});
