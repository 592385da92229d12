/**
 * Agent Skills discovery: both index documents checked against the reference's rules (peers.md §3),
 * every listed file and archive fetched and its digest recomputed, and what must not be listed.
 */
import { gunzipSync } from 'node:zlib';
import { sha256Digest, skillDigest, validateDiscoveryIndex } from '@agentry/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestUser, type TestApp } from '../../../test-support/app.js';
import { publishVersion, skillFiles } from '../../../test-support/tarball.js';
import { createOrg } from '../src/domain/orgs.js';

type V1 = { skills: { name: string; description: string; files: string[] }[] };
type V2 = {
  skills: {
    name: string;
    type: string;
    url: string;
    digest: string;
    files: { path: string; digest: string }[];
  }[];
};

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp();
  const user = await createTestUser(t.deps, t.defaultTenantId);
  await createOrg(t.deps.db, { tenantId: t.defaultTenantId, slug: 'acme', name: 'Acme', ownerId: user.id });
  const publish = async (name: string, extra: Record<string, unknown> = {}, files = skillFiles(name)) => {
    const outcome = await publishVersion(t, user.token, { name, version: '1.0.0', ...extra }, files);
    expect(outcome.status, JSON.stringify(outcome.body)).toBe(200);
  };
  await publish(
    'code-review',
    { description: 'Reviews code the way a careful colleague would.' },
    {
      ...skillFiles('code-review'),
      'references/checklist.md': '# Checklist\n',
      'scripts/run.sh': '#!/bin/sh\necho ok\n',
      'odd#name.md': 'a file name discovery cannot carry\n',
    },
  );
  await publish('@acme/scoped-skill');
  await publish('private-skill', { visibility: 'private' });
  await publish('double--hyphen');
  await publish(
    'an-agent',
    { kind: 'agent' },
    { 'agent.md': '---\nname: an-agent\ndescription: x\n---\nHi\n' },
  );
});

afterAll(() => t.close());

describe('discovery rules', () => {
  it('computes the RFC worked example digest', () => {
    const hex = (text: string) => sha256Digest(text).slice(7);
    expect(
      skillDigest(
        new Map([
          ['scripts/run.sh', hex('#!/bin/sh\n')],
          ['SKILL.md', hex('# Hello\n')],
        ]),
      ),
    ).toBe('sha256:34f7a8c484e9991f3e71a309f31332d6335efc01f544105c4185a7c4ab12eb1e');
  });

  it('finds broken documents', () => {
    expect(
      validateDiscoveryIndex({ skills: [{ name: 'A', description: '', files: ['/x', 'SKILL.md'] }] }, 'v0.1'),
    ).toHaveLength(4);
    expect(validateDiscoveryIndex({ skills: [] }, 'v0.2')).toHaveLength(2);
  });
});

describe('GET /.well-known/skills/index.json (v0.1)', () => {
  it('lists public unscoped skills with valid names, SKILL.md first, and serves each file', async () => {
    const res = await t.request('/.well-known/skills/index.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toMatch(/max-age/);
    const index = (await res.json()) as V1;
    expect(validateDiscoveryIndex(index, 'v0.1')).toEqual([]);
    expect(index.skills.map((s) => s.name)).toEqual(['code-review']);
    const [skill] = index.skills;
    expect(skill?.description).toBe('Reviews code the way a careful colleague would.');
    expect(skill?.files).toEqual(['SKILL.md', 'references/checklist.md', 'scripts/run.sh']);
    for (const path of skill?.files ?? []) {
      const file = await t.request(`/.well-known/skills/code-review/${path}`);
      expect(file.status, path).toBe(200);
      expect((await file.text()).length).toBeGreaterThan(0);
    }
    const skillMd = await t.request('/.well-known/skills/code-review/SKILL.md');
    expect(skillMd.headers.get('content-type')).toMatch(/^text\/markdown/);
    const head = await t.request('/.well-known/skills/code-review/SKILL.md', { method: 'HEAD' });
    expect(head.status).toBe(200);
  });

  it('answers 404 for anything not listed', async () => {
    for (const path of [
      '/.well-known/skills/code-review/missing.md',
      '/.well-known/skills/code-review/odd%23name.md',
      '/.well-known/skills/private-skill/SKILL.md',
      '/.well-known/skills/acme__scoped-skill/SKILL.md',
      '/.well-known/skills/double--hyphen/SKILL.md',
      '/.well-known/agent-skills/private-skill.tar.gz',
    ]) {
      expect((await t.request(path)).status, path).toBe(404);
    }
  });

  it('lists nothing for another tenant', async () => {
    const { ensureTenant } = await import('../src/domain/tenants.js');
    await ensureTenant(t.deps.db, 'other', 'Other');
    const res = await t.request('/.well-known/skills/index.json', {
      headers: { 'X-Skill-Pool-Tenant': 'other' },
    });
    expect(((await res.json()) as V1).skills).toEqual([]);
  });
});

describe('GET /.well-known/agent-skills/index.json (v0.2.0)', () => {
  it('names an archive whose bytes match the digest and hold the skill at the root', async () => {
    const res = await t.request('/.well-known/agent-skills/index.json');
    expect(res.status).toBe(200);
    const index = (await res.json()) as V2;
    expect(validateDiscoveryIndex(index, 'v0.2')).toEqual([]);
    expect(index.skills.map((s) => s.name)).toEqual(['code-review']);
    const [skill] = index.skills;
    expect(skill?.type).toBe('archive');
    expect(skill?.url).toBe('/.well-known/agent-skills/code-review@1.0.0.tar.gz');
    const archive = await t.request(skill?.url ?? '');
    expect(archive.status).toBe(200);
    const bytes = Buffer.from(await archive.arrayBuffer());
    expect(sha256Digest(bytes)).toBe(skill?.digest);
    const tar = gunzipSync(bytes);
    expect(tar.subarray(0, 8).toString()).toBe('SKILL.md');
    // Per-file digests match the files served beside the index.
    for (const file of skill?.files ?? []) {
      const served = await t.request(`/.well-known/agent-skills/code-review/${file.path}`);
      expect(sha256Digest(Buffer.from(await served.arrayBuffer()))).toBe(file.digest);
    }
    // Packed once: a second index names the same bytes.
    const again = (await (await t.request('/.well-known/agent-skills/index.json')).json()) as V2;
    expect(again.skills[0]?.digest).toBe(skill?.digest);
    expect((await t.request('/.well-known/agent-skills/code-review.tar.gz')).status).toBe(200);
    expect((await t.request('/.well-known/agent-skills/code-review@0.9.0.tar.gz')).status).toBe(404);
  });
});
