/**
 * The OpenAPI document covers skill-pool's `/v1` paths with their methods, and their error responses
 * use skill-pool's `{error, message}` envelope. Add a row here with each new `/v1` route.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../../test-support/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const served: [string, string[]][] = [
  ['/v1/healthz', ['get']],
  ['/v1/profile/tokens', ['get', 'post']],
  ['/v1/profile/tokens/{id}', ['delete']],
  ['/v1/skills', ['get', 'post']],
  ['/v1/skills/validate', ['post']],
  ['/v1/skills/{slug}/archive', ['post']],
  ['/v1/skills/{slug}', ['get']],
  ['/v1/skills/{slug}/detail', ['get']],
  ['/v1/skills/{slug}/bundle.tar.gz', ['get']],
  ['/v1/skills/{slug}/skill-md', ['get']],
  ['/v1/skills/{slug}/versions', ['get']],
  ['/v1/skills/{slug}/deps', ['get']],
  ['/v1/usage', ['post']],
  ['/v1/tenant/usage/timeline', ['get']],
  ['/v1/tenant/usage/top', ['get']],
  ['/v1/tenant/skills/decay', ['get']],
  ['/v1/mcp', ['post']],
  ['/v1/drafts', ['get', 'post']],
  ['/v1/drafts/{id}', ['get', 'patch']],
  ['/v1/drafts/{id}/skill-md', ['get']],
  ['/v1/drafts/{id}/publish', ['post']],
  ['/v1/drafts/{id}/discard', ['post']],
  ['/v1/tenant/notifications', ['get', 'put']],
  ['/v1/tenant/notifications/pending-count', ['get']],
  ['/v1/tenant/projects', ['get', 'post']],
  ['/v1/tenant/projects/{slug}', ['get', 'patch', 'delete']],
  ['/v1/tenant/projects/{slug}/items', ['put']],
  ['/v1/projects/resolve', ['get']],
  ['/v1/bootstrap', ['get']],
  ['/v1/tenant/stack-mappings', ['get', 'post', 'delete']],
  ['/mcp', ['post']],
];

type Operation = { responses: Record<string, { content?: Record<string, { schema?: { $ref?: string } }> }> };

describe('the OpenAPI document', () => {
  it('lists every skill-pool path and method, errors in the skill-pool envelope', async () => {
    const doc = (await (await t.request('/openapi.json')).json()) as {
      paths: Record<string, Record<string, Operation>>;
    };
    for (const [path, methods] of served) {
      expect(Object.keys(doc.paths[path] ?? {}), path).toEqual(expect.arrayContaining(methods));
      for (const method of methods) {
        const operation = doc.paths[path]?.[method] as Operation;
        for (const [status, response] of Object.entries(operation.responses)) {
          if (Number(status) < 400) continue;
          expect(response.content?.['application/json']?.schema?.$ref, `${method} ${path} ${status}`).toBe(
            '#/components/schemas/SkillPoolError',
          );
        }
      }
    }
  });
});
