/** Trust shown where people decide: permissions as a readable list, one explanation beside the audit score. */
import { auditScoreExplanation, describePermissions } from '@agentry/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestUser, type TestApp } from '../../../../test-support/app.js';
import { publishVersion } from '../../../../test-support/tarball.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
  const user = await createTestUser(t.deps, t.defaultTenantId);
  const permissions = {
    network: { outbound: ['api.example.com', '*.github.com'] },
    filesystem: { read: ['./src/**'], write: ['./out/**'] },
    subprocess: true,
  };
  expect(
    (await publishVersion(t, user.token, { name: 'perm-skill', version: '1.0.0', permissions })).status,
  ).toBe(200);
  expect((await publishVersion(t, user.token, { name: 'bare-skill', version: '1.0.0' })).status).toBe(200);
}, 120_000);
afterAll(() => t.close());

const page = async (name: string) => (await t.request(`/artifacts/${name}`)).text();
const htmlEscape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

describe('the artifact page', () => {
  it('lists declared permissions as sentences, not JSON', async () => {
    const body = await page('perm-skill');
    const list = /<ul class="permissions" data-testid="permissions">(.*?)<\/ul>/s.exec(body)?.[1] ?? '';
    expect(list.match(/<li>/g)).toHaveLength(4);
    expect(list).toContain('network: connects to api.example.com, *.github.com');
    expect(list).toContain('files: reads ./src/**');
    expect(list).toContain('files: writes ./out/**');
    expect(list).toContain('subprocess: runs other programs');
    expect(body).not.toContain('&quot;outbound&quot;');
    expect(await page('bare-skill')).toContain('None declared');
  });

  it('explains the audit score beside it, in the words core gives every surface', async () => {
    const body = await page('perm-skill');
    expect(body).toContain(`data-testid="score-explanation">${htmlEscape(auditScoreExplanation)}</p>`);
  });
});

describe('describePermissions', () => {
  it('says what is declared, nothing for an empty set, and shows an undocumented shape as it is', () => {
    expect(describePermissions({})).toEqual([]);
    expect(describePermissions(undefined)).toEqual([]);
    expect(describePermissions({ subprocess: false })).toEqual([]);
    expect(describePermissions({ shell: 'yes' })[0]).toMatch(/^undocumented permissions: /);
  });
});

describe('the favicon', () => {
  it('is an SVG every page links, and /favicon.ico leads to it', async () => {
    const svg = await t.request('/favicon.svg');
    expect(svg.status).toBe(200);
    expect(svg.headers.get('content-type')).toBe('image/svg+xml');
    expect(await svg.text()).toMatch(/^<svg /);
    const ico = await t.request('/favicon.ico');
    expect(ico.status).toBe(301);
    expect(ico.headers.get('location')).toBe('/favicon.svg');
    expect(await page('bare-skill')).toContain('<link rel="icon" href="/favicon.svg" type="image/svg+xml"/>');
  });
});
