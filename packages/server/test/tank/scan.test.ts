import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, createTestApp, createTestUser, type TestApp } from '../../../../test-support/app.js';
import { makeTarball, publishVersion, skillFiles } from '../../../../test-support/tarball.js';
import { createScanPool } from '../../src/scanning/scan-pool.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ env: { SCAN_RATE_LIMIT_ANONYMOUS: '1000' } });
});
afterAll(() => t.close());

function scanForm(bytes: Buffer, fields: Record<string, string> = {}) {
  const form = new FormData();
  form.set('file', new Blob([new Uint8Array(bytes)], { type: 'application/gzip' }), 'skill.tgz');
  for (const [name, value] of Object.entries(fields)) form.set(name, value);
  return form;
}

describe('POST /api/v1/scan', () => {
  it('answers the documented report without a token', async () => {
    const res = await t.request('/api/v1/scan', {
      method: 'POST',
      body: scanForm(await makeTarball(skillFiles('clean'))),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['auditScore', 'findings', 'stages', 'summary', 'verdict']);
    expect(body.verdict).toBe('PASS');
    expect(Object.keys(body.summary as object).sort()).toEqual(['critical', 'high', 'low', 'medium']);
    expect(Object.keys(body.stages as object)).toEqual([
      'stage0',
      'stage1',
      'stage2',
      'stage3',
      'stage4',
      'stage5',
    ]);
  });

  it('reports findings with stage, severity, an upper-case rule, file', async () => {
    const res = await t.request('/api/v1/scan', {
      method: 'POST',
      body: scanForm(await makeTarball({ 'README.md': '# no skill file\n' })),
    });
    const body = (await res.json()) as {
      verdict: string;
      findings: { rule: string; stage: string; severity: string }[];
    };
    expect(body.findings).toContainEqual(
      expect.objectContaining({ rule: 'MISSING_SKILL_MD', stage: 'structure', severity: 'high' }),
    );
    expect(body.verdict).toBe('FLAGGED');
  });

  it('takes the kind into account', async () => {
    const res = await t.request('/api/v1/scan', {
      method: 'POST',
      body: scanForm(await makeTarball({ 'agent.md': '# Agent\n' }), { kind: 'agent' }),
    });
    const body = (await res.json()) as { findings: { rule: string }[] };
    expect(body.findings.map((f) => f.rule)).not.toContain('MISSING_SKILL_MD');
  });

  it('fails a corrupt archive with a critical ingest finding', async () => {
    const res = await t.request('/api/v1/scan', {
      method: 'POST',
      body: scanForm(Buffer.from('not a tarball')),
    });
    const body = (await res.json()) as {
      verdict: string;
      stages: Record<string, string>;
      findings: { rule: string }[];
    };
    expect(body.verdict).toBe('FAIL');
    expect(body.stages.stage0).toBe('failed');
    expect(body.findings[0]?.rule).toBe('ARCHIVE_CORRUPT');
  });

  it.each([
    ['no file field', () => scanForm(Buffer.from('x')), (form: FormData) => form.delete('file'), 422],
    ['an unknown kind', () => scanForm(Buffer.from('x'), { kind: 'virus' }), () => {}, 422],
    ['a manifest that is not JSON', () => scanForm(Buffer.from('x'), { manifest: '{' }), () => {}, 422],
  ])('refuses %s', async (_name, build, change, status) => {
    const form = build();
    change(form);
    const res = await t.request('/api/v1/scan', { method: 'POST', body: form });
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ error: 'VALIDATION_ERROR' });
  });

  it('refuses a body that is not multipart with 415', async () => {
    const res = await t.request('/api/v1/scan', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(415);
    expect(await res.json()).toMatchObject({ error: 'UNSUPPORTED_MEDIA_TYPE' });
  });
});

describe('anonymous scan limit', () => {
  it('is stricter than the API limit and does not apply to tokens', async () => {
    const limited = await createTestApp({ env: { SCAN_RATE_LIMIT_ANONYMOUS: '2' } });
    try {
      const tarball = await makeTarball(skillFiles('limited'));
      const send = (headers: Record<string, string> = {}) =>
        limited.request('/api/v1/scan', {
          method: 'POST',
          headers: { 'x-test-client-ip': '10.9.9.9', ...headers },
          body: scanForm(tarball),
        });
      expect((await send()).status).toBe(200);
      expect((await send()).status).toBe(200);
      const third = await send();
      expect(third.status).toBe(429);
      expect(third.headers.get('retry-after')).toMatch(/^\d+$/);
      const user = await createTestUser(limited.deps, limited.defaultTenantId, { scopes: ['skills:read'] });
      expect((await send(bearer(user.token))).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe('scan pool', () => {
  it('stops a scan over the time limit with scan_failed and keeps working', async () => {
    const pool = createScanPool({ size: 1, timeoutMs: 20, knownMalicious: [] });
    try {
      const big = await makeTarball(
        skillFiles('big', { 'data.txt': randomBytes(12 * 1024 * 1024).toString('base64') }),
      );
      await expect(pool.scan({ bytes: big, kind: 'skill' })).rejects.toMatchObject({ code: 'scan_failed' });
    } finally {
      await pool.close();
    }
    const roomy = createScanPool({ size: 1, timeoutMs: 30_000, knownMalicious: [] });
    try {
      const result = await roomy.scan({ bytes: await makeTarball(skillFiles('small')), kind: 'skill' });
      expect(result.report.verdict).toBe('PASS');
      expect(result.hasSkillMd).toBe(true);
    } finally {
      await roomy.close();
    }
  });
});

describe('tenant policy: refuse FAIL verdicts', () => {
  it('publishes a FAIL verdict by default and refuses it when the tenant says so', async () => {
    const user = await createTestUser(t.deps, t.defaultTenantId);
    const bad = skillFiles('bad', { 'tool.exe': 'MZ not really' });
    const allowed = await publishVersion(t, user.token, { name: 'policy-bad', version: '1.0.0' }, bad);
    expect(allowed.status).toBe(200);
    expect(allowed.body.verdict).toBe('FAIL');
    await t.deps.db
      .updateTable('tenants')
      .set({ refuse_failing_scans: true })
      .where('id', '=', t.defaultTenantId)
      .execute();
    try {
      const refused = await publishVersion(t, user.token, { name: 'policy-bad', version: '1.0.1' }, bad);
      expect(refused.status).toBe(422);
      expect(refused.body.error).toBe('SCAN_REJECTED');
      const version = await t.request('/api/v1/skills/policy-bad/1.0.1');
      expect(version.status).toBe(404);
      const fine = await publishVersion(t, user.token, { name: 'policy-bad', version: '1.0.2' });
      expect(fine.status).toBe(200);
    } finally {
      await t.deps.db
        .updateTable('tenants')
        .set({ refuse_failing_scans: false })
        .where('id', '=', t.defaultTenantId)
        .execute();
    }
  });
});
