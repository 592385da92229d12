/** Trust shown where people decide: permissions as a readable list, one explanation beside the audit score. */
import { describePermissions } from '@agentry/core';
import { auditScoreExplanation } from '@agentry/core/scanner';
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
  const about = {
    name: 'about-skill',
    version: '1.0.0',
    license: 'Apache-2.0',
    repository: 'https://github.com/acme/about-skill',
    homepage: 'javascript:alert(1)',
  };
  const published = await publishVersion(t, user.token, about as Parameters<typeof publishVersion>[2]);
  expect(published.status, JSON.stringify(published.body)).toBe(200);
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

describe('license, repository and homepage', () => {
  it('are shown from the manifest, linking only http(s) URLs', async () => {
    const body = await page('about-skill');
    const about = /data-testid="about">(.*?)<\/ul>/s.exec(body)?.[1] ?? '';
    expect(about).toContain('License: Apache-2.0');
    expect(about).toContain('href="https://github.com/acme/about-skill"');
    expect(about).not.toContain('javascript:');
    expect(await page('bare-skill')).not.toContain('data-testid="about"');
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
