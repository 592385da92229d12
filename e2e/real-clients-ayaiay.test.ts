/**
 * ayaiay's real CLI (PyPI `ayaiay` 1.2.0, ayaiayorg/ayaiay-cli `src/ayaiay/client.py`, `installer.py`,
 * `cli.py`) replayed against a spawned server: every call as httpx sends it (User-Agent, Accept, the
 * query parameters in the client's order), asserting what its pydantic models (`models.py`) accept and
 * what its commands read. Written from the client's source and reference/real-clients.md §3.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir, testDbKind } from '../test-support/db.js';
import { type AdminServer, startAdminServer } from './spawn.js';

const headers = { 'User-Agent': 'ayaiay-cli/1.2.0', Accept: 'application/json' };

interface CliPack {
  id: string | number;
  name: string;
  publisher: string | { name?: string; display_name?: string };
  description: string | null;
  pack_type: string | null;
  repository_url?: string | null;
  repo_url?: string | null;
  latest_version: string | null;
  tags: string[];
  downloads: number;
  created_at: string | null;
  updated_at: string | null;
}
interface CliVersion {
  version: string;
  published_at: string | null;
  digest?: string | null;
  oci_digest?: string | null;
  changelog: string | null;
  downloads: number;
}

/** What `Pack.model_validate` (after `_normalize_pack_data`) accepts, plus the unguarded `pack_type.value`. */
function expectValidPack(item: CliPack): void {
  expect(['string', 'number']).toContain(typeof item.id);
  expect(typeof item.name).toBe('string');
  const publisher =
    typeof item.publisher === 'object'
      ? (item.publisher.name ?? item.publisher.display_name)
      : item.publisher;
  expect(typeof publisher).toBe('string');
  expect(item.description === null || typeof item.description === 'string').toBe(true);
  expect(['agent', 'instruction', 'prompt']).toContain(item.pack_type);
  // Without repository_url the client copies repo_url, which must then be an http(s) URL too.
  const repository = 'repository_url' in item ? item.repository_url : item.repo_url;
  if (repository !== null && repository !== undefined) expect(repository).toMatch(/^https?:\/\/[^\s]+$/);
  expect(item.latest_version === null || typeof item.latest_version === 'string').toBe(true);
  expect(Array.isArray(item.tags) && item.tags.every((t) => typeof t === 'string')).toBe(true);
  expect(Number.isInteger(item.downloads)).toBe(true);
  for (const at of [item.created_at, item.updated_at])
    if (at !== null) expect(Number.isNaN(Date.parse(at))).toBe(false);
}

function expectValidVersion(item: CliVersion): void {
  expect(typeof item.version).toBe('string');
  expect(item.published_at === null || !Number.isNaN(Date.parse(item.published_at))).toBe(true);
  expect(Number.isInteger(item.downloads)).toBe(true);
  expect(item.changelog === null || typeof item.changelog === 'string').toBe(true);
}

describe(`ayaiay CLI 1.2.0 against Agentry (${testDbKind()})`, () => {
  let admin: AdminServer;
  let dir: string;
  let base: string;
  const api = (path: string, params: [string, string | number][] = []) => {
    const url = new URL(`/api/v1${path}`, base);
    for (const [key, value] of params) url.searchParams.append(key, String(value));
    return fetch(url, { headers });
  };

  /** `_resolve_pack_id`: a `q=<name>` search, matched on the bare name and the publisher's name. */
  const resolve = async (reference: string): Promise<string> => {
    const [publisher, name] = reference.split('/') as [string, string];
    const res = await api('/packs', [
      ['q', name],
      ['per_page', 100],
      ['page', 1],
    ]);
    expect(res.status).toBe(200);
    const data = (await res.json()) as { results?: CliPack[]; items?: CliPack[] };
    for (const item of data.results ?? data.items ?? []) {
      const itemPublisher = typeof item.publisher === 'object' ? item.publisher.name : item.publisher;
      if (item.name === name && itemPublisher === publisher) return String(item.id);
    }
    throw new Error(`Pack not found: ${reference}`);
  };

  const importTag = async (repo: string, tag: string, publisherId: string) => {
    const res = await fetch(`${base}/api/v1/packs/import`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ repo_url: `file://${repo}`, publisher_id: publisherId, git_tag: tag }),
    });
    expect(res.status).toBe(200);
  };

  /** A git repository whose tags hold the given ayaiay.yaml texts, committed in the order given. */
  const makeRepo = (name: string, versions: [string, string][]) => {
    const repo = join(dir, name);
    mkdirSync(repo);
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.test', ...args], { cwd: repo });
    git('init', '-q');
    for (const [version, yaml] of versions) {
      writeFileSync(join(repo, 'ayaiay.yaml'), yaml);
      git('add', '-A');
      git('commit', '-qm', version);
      git('tag', `v${version}`);
    }
    return repo;
  };

  beforeAll(async () => {
    admin = await startAdminServer({ IMPORT_ALLOW_FILE_URLS: 'true' });
    base = admin.server.url;
    dir = makeTempDir('ayaiay-cli');
    const res = await fetch(`${base}/api/v1/packs/publishers`, {
      method: 'POST',
      headers: { authorization: `Bearer ${admin.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'acme', display_name: 'ACME' }),
    });
    expect(res.status).toBe(201);
    const publisherId = ((await res.json()) as { id: string }).id;
    const agentYaml = (version: string) =>
      `name: code-reviewer\nversion: ${version}\ndescription: Reviews code for you\ntags:\n  - review\n  - quality\nagents:\n  - name: reviewer\n    description: Reviews code\n    system_prompt: You review code carefully.\n`;
    // 1.10.0 is tagged and imported before 1.2.0: newest by version, not by publication.
    const reviewer = makeRepo('code-reviewer', [
      ['1.0.0', agentYaml('1.0.0')],
      ['1.10.0', agentYaml('1.10.0')],
      ['1.2.0', agentYaml('1.2.0')],
    ]);
    for (const tag of ['v1.0.0', 'v1.10.0', 'v1.2.0']) await importTag(reviewer, tag, publisherId);
    const rules = makeRepo('style-rules', [
      [
        '1.0.0',
        'name: style-rules\nversion: 1.0.0\ndescription: House style rules for reviews\ninstructions:\n  - name: style\n    description: Style\n    content: Prefer small functions.\n',
      ],
    ]);
    await importTag(rules, 'v1.0.0', publisherId);
  }, 120_000);

  afterAll(async () => {
    await admin?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('ayaiay search: page, per_page, q; reads results (else items) and total; every item validates', async () => {
    const res = await api('/packs', [
      ['page', 1],
      ['per_page', 20],
      ['q', 'review'],
    ]);
    expect(res.status).toBe(200);
    const data = (await res.json()) as { results?: CliPack[]; items?: CliPack[]; total: number };
    const items = data.results ?? data.items ?? [];
    expect(items.map((p) => p.name).sort()).toEqual(['code-reviewer', 'style-rules']);
    expect(data.total).toBe(2);
    for (const item of items) expectValidPack(item);
    const byName = Object.fromEntries(items.map((p) => [p.name, p]));
    expect(byName['code-reviewer']).toMatchObject({ pack_type: 'agent', latest_version: '1.10.0' });
    expect(byName['style-rules']).toMatchObject({ pack_type: 'instruction', latest_version: '1.0.0' });

    // -t instruction, and paging: per_page 1, page 2 is the second of two.
    const typed = (await (
      await api('/packs', [
        ['page', 1],
        ['per_page', 20],
        ['q', 'review'],
        ['type', 'instruction'],
      ])
    ).json()) as { results: CliPack[]; total: number };
    expect(typed.results.map((p) => p.name)).toEqual(['style-rules']);
    expect(typed.total).toBe(1);
    const first = (await (
      await api('/packs', [
        ['page', 1],
        ['per_page', 1],
      ])
    ).json()) as { results: CliPack[]; total: number };
    const second = (await (
      await api('/packs', [
        ['page', 2],
        ['per_page', 1],
      ])
    ).json()) as { results: CliPack[] };
    expect(first.total).toBe(2);
    expect(first.results).toHaveLength(1);
    expect(second.results).toHaveLength(1);
    expect(second.results[0]?.id).not.toBe(first.results[0]?.id);

    // -g review -g quality: comma-separated, every tag required.
    const tagged = async (tags: string) =>
      (
        (await (
          await api('/packs', [
            ['page', 1],
            ['per_page', 20],
            ['tags', tags],
          ])
        ).json()) as { results: CliPack[] }
      ).results;
    expect((await tagged('review,quality')).map((p) => p.name)).toEqual(['code-reviewer']);
    expect(byName['code-reviewer']?.tags.sort()).toEqual(['quality', 'review']);
    expect(await tagged('review,nothing-has-this')).toEqual([]);
  });

  it('ayaiay show acme/code-reviewer: resolve, the pack, resolve again, its versions', async () => {
    const id = await resolve('acme/code-reviewer');
    const pack = (await (await api(`/packs/${id}`)).json()) as CliPack;
    expectValidPack(pack);
    expect(pack).toMatchObject({ name: 'code-reviewer', latest_version: '1.10.0', pack_type: 'agent' });
    expect(await resolve('acme/code-reviewer')).toBe(id);
    const body = (await (await api(`/packs/${id}/versions`)).json()) as
      | CliVersion[]
      | { versions: CliVersion[] };
    const versions = Array.isArray(body) ? body : body.versions;
    for (const version of versions.slice(0, 10)) expectValidVersion(version);
    expect(versions.map((v) => v.version)).toEqual(['1.10.0', '1.2.0', '1.0.0']);
    await expect(resolve('other/code-reviewer')).rejects.toThrow('Pack not found');
  });

  it('ayaiay install: versions[0] is the newest; an explicit version reads that PackVersion; 404 otherwise', async () => {
    const id = await resolve('acme/code-reviewer');
    const latest = (await (await api(`/packs/${id}/versions`)).json()) as { versions: CliVersion[] };
    expect(latest.versions[0]?.version).toBe('1.10.0');
    const explicit = await api(`/packs/${id}/versions/1.2.0`);
    expect(explicit.status).toBe(200);
    const version = (await explicit.json()) as CliVersion;
    expectValidVersion(version);
    expect(version.version).toBe('1.2.0');
    expect(typeof (version.digest ?? version.oci_digest)).toBe('string');
    expect((await api(`/packs/${id}/versions/9.9.9`)).status).toBe(404);
    // The pack the installer reads before pulling: no repository URL it could clone (file: is not http).
    const pack = (await (await api(`/packs/${id}`)).json()) as CliPack;
    expect(pack.repository_url).toBeNull();
  });

  it('errors: 404 by status; other failures carry the `detail` the client prints', async () => {
    expect((await api('/packs/00000000-0000-0000-0000-000000000000')).status).toBe(404);
    const bad = await api('/packs', [['per_page', 500]]);
    expect(bad.status).toBe(400);
    const body = (await bad.json()) as { detail?: unknown; error: { code: string } };
    expect(typeof body.detail).toBe('string');
    expect(body.error.code).toBe('BAD_REQUEST');
  });

  it('ayaiay info: GET <base>/health answers 200', async () => {
    expect((await fetch(`${base}/health`, { headers })).status).toBe(200);
  });
});
