import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  bearer,
  createTestApp,
  createTestUser,
  type TestApp,
  type TestUser,
} from '../../../../test-support/app.js';
import { publishVersion } from '../../../../test-support/tarball.js';
import { renderBadge } from '../../src/domain/badge.js';
import { createOrg } from '../../src/domain/orgs.js';

let t: TestApp;
let publisher: TestUser;
beforeAll(async () => {
  t = await createTestApp({
    env: { RATE_LIMIT_ANONYMOUS: '100000', RATE_LIMIT_AUTHENTICATED: '100000', RATE_LIMIT_PRO: '100000' },
  });
  publisher = await createTestUser(t.deps, t.defaultTenantId);
  await createOrg(t.deps.db, {
    tenantId: t.defaultTenantId,
    slug: 'badges',
    name: 'Badges',
    ownerId: publisher.id,
  });
  for (const manifest of [
    { name: 'badge-public', version: '1.0.0' },
    { name: 'badge-private', version: '1.0.0', visibility: 'private' as const },
    { name: '@badges/scoped', version: '1.0.0' },
    { name: '@badges/hidden', version: '1.0.0', visibility: 'private' as const },
  ]) {
    expect((await publishVersion(t, publisher.token, manifest)).status).toBe(200);
  }
});
afterAll(() => t.close());

async function setScore(name: string, score: number | null) {
  const pkg = await t.deps.db
    .selectFrom('packages')
    .select('latest_version_id')
    .where('tenant_id', '=', t.defaultTenantId)
    .where('name', '=', name)
    .executeTakeFirstOrThrow();
  expect(pkg.latest_version_id).not.toBeNull();
  await t.deps.db
    .updateTable('versions')
    .set({ audit_score: score })
    .where('id', '=', pkg.latest_version_id as string)
    .execute();
}

async function badge(path: string, headers: Record<string, string> = {}) {
  const res = await t.request(`/api/v1/badge/${path}`, { headers });
  return { res, body: new Uint8Array(await res.arrayBuffer()) };
}

const text = (body: Uint8Array) => Buffer.from(body).toString('utf8');

describe('GET /api/v1/badge/:name', () => {
  it('answers image/svg+xml with the score', async () => {
    await setScore('badge-public', 8);
    const { res, body } = await badge('badge-public');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
    const svg = text(body);
    expect(svg).toMatch(/^<svg [^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    expect(svg).toContain('>8/10<');
    expect(svg).toContain('aria-label="agentry audit: 8/10"');
  });

  const tiers: [number, string][] = [
    [10, '#4c1'],
    [9, '#4c1'],
    [8, '#97ca00'],
    [7, '#97ca00'],
    [6, '#dfb317'],
    [5, '#dfb317'],
    [4, '#fe7d37'],
    [3, '#fe7d37'],
    [2, '#e05d44'],
    [1, '#e05d44'],
    [0, '#e05d44'],
  ];
  const allColours = [...new Set(tiers.map(([, colour]) => colour))];

  it.each(tiers)('colours a score of %i with %s', async (score, colour) => {
    await setScore('badge-public', score);
    const { res, body } = await badge('badge-public');
    expect(res.status).toBe(200);
    const svg = text(body);
    expect(svg).toContain(`fill="${colour}"`);
    for (const other of allColours.filter((c) => c !== colour)) expect(svg).not.toContain(`fill="${other}"`);
    expect(svg).toContain(`>${score}/10<`);
  });

  it('follows the latest version of a scoped name in both encodings', async () => {
    await setScore('@badges/scoped', 9);
    for (const path of ['@badges/scoped', '@badges%2Fscoped', '%40badges%2Fscoped']) {
      const { res, body } = await badge(path);
      expect(res.status).toBe(200);
      expect(text(body)).toContain('fill="#4c1"');
      expect(text(body)).toContain('>9/10<');
    }
  });

  it('shows the badge of a private artifact to its publisher only', async () => {
    await setScore('badge-private', 6);
    const { res, body } = await badge('badge-private', bearer(publisher.token));
    expect(res.status).toBe(200);
    expect(text(body)).toContain('fill="#dfb317"');
    expect(res.headers.get('cache-control')).not.toMatch(/public/);
  });
});

describe('no information leak', () => {
  it('answers a private and a missing artifact with the same status and the same bytes', async () => {
    const outsider = await createTestUser(t.deps, t.defaultTenantId);
    const pairs: [string, string][] = [
      ['badge-private', 'badge-missing'],
      ['@badges/hidden', '@badges/missing'],
      ['@badges%2Fhidden', '@nobody%2Fmissing'],
    ];
    for (const headers of [{}, bearer(outsider.token)]) {
      for (const [hidden, missing] of pairs) {
        const a = await badge(hidden, headers);
        const b = await badge(missing, headers);
        expect(a.res.status).toBe(404);
        expect(b.res.status).toBe(a.res.status);
        expect(Buffer.from(a.body).equals(Buffer.from(b.body))).toBe(true);
        for (const header of ['content-type', 'cache-control', 'content-security-policy']) {
          expect(a.res.headers.get(header)).toBe(b.res.headers.get(header));
        }
        expect(a.res.headers.get('content-type')).toMatch(/^image\/svg\+xml/);
        expect(text(a.body)).not.toContain('hidden');
        expect(text(a.body)).not.toContain('private');
      }
    }
  });
});

describe('escaping', () => {
  it('escapes XML special characters in the label and the value', () => {
    const svg = renderBadge('a<b>&"c\'', '<script>alert(1)</script>', '#4c1');
    expect(svg).not.toContain('<b>');
    expect(svg).not.toContain('<script>');
    expect(svg).not.toContain('"c\'');
    expect(svg).toContain('a&#60;b&#62;&#38;&#34;c&#39;');
    expect(svg).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
  });

  it('never echoes the requested name into the SVG', async () => {
    const { res, body } = await badge(encodeURIComponent('<script>alert(1)</script>'));
    expect(res.status).toBe(404);
    expect(text(body)).not.toContain('<script');
    expect(text(body)).not.toContain('alert');
  });
});
