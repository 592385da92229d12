import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, createTestUser, type TestApp } from '../../../../test-support/app.js';
import { publishVersion } from '../../../../test-support/tarball.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('publish helper', () => {
  it('publishes a skill end to end', async () => {
    const user = await createTestUser(t.deps, t.defaultTenantId);
    const result = await publishVersion(t, user.token, { name: 'smoke-skill', version: '1.0.0' });
    expect(result.status).toBe(200);
    expect(result.body).toMatchObject({ status: 'published', name: 'smoke-skill', version: '1.0.0' });
  });
});
