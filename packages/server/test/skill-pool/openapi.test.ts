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
